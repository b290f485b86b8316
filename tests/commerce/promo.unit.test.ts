import { describe, expect, it } from 'vitest';
import {
  allocate,
  applyPromo,
  type PromoContext,
  type PromoLine,
  type PromoRule,
} from '../../functions/commerce/promo';

const NOW = new Date('2026-11-15T12:00:00Z');
const CAT_BOOKS = 'c0000000-0000-4000-8000-000000000001';
const CAT_MERCH = 'c0000000-0000-4000-8000-000000000002';

function rule(overrides: Partial<PromoRule> = {}): PromoRule {
  return {
    code: 'TEST',
    kind: 'percent',
    value: 10,
    currency: 'EUR',
    minSubtotalMinor: 0,
    startsAt: null,
    endsAt: null,
    maxUses: null,
    usesCount: 0,
    perUserLimit: null,
    productIds: [],
    categoryIds: [],
    active: true,
    ...overrides,
  };
}

const context = (overrides: Partial<PromoContext> = {}): PromoContext => ({
  now: NOW,
  currency: 'EUR',
  userRedemptions: 0,
  ...overrides,
});

const book: PromoLine = {
  productId: 'book',
  categoryId: CAT_BOOKS,
  unitPriceMinor: 1490,
  quantity: 2,
};
const shirt: PromoLine = {
  productId: 'shirt',
  categoryId: CAT_MERCH,
  unitPriceMinor: 2490,
  quantity: 1,
};
const pack: PromoLine = { productId: 'pack', categoryId: null, unitPriceMinor: 999, quantity: 3 };

function applied(lines: PromoLine[], promo: PromoRule, ctx = context()) {
  const outcome = applyPromo(lines, promo, ctx);
  if (!outcome.ok) throw new Error(`refused: ${outcome.reason}`);
  return outcome;
}

function refusal(lines: PromoLine[], promo: PromoRule, ctx = context()) {
  const outcome = applyPromo(lines, promo, ctx);
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome;
}

describe('allocate', () => {
  it('splits in proportion and always adds up to the total', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [2980, 2490])).toEqual([5, 5]);
    expect(allocate(7, [0, 5])).toEqual([0, 7]);
    for (const total of [1, 99, 1234, 5469]) {
      const parts = allocate(total, [2980, 2490, 2997]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('gives nothing when there is nothing to split or nothing to split over', () => {
    expect(allocate(0, [10, 20])).toEqual([0, 0]);
    expect(allocate(50, [0, 0])).toEqual([0, 0]);
    expect(allocate(-5, [10])).toEqual([0]);
  });
});

describe('applyPromo: kinds', () => {
  it('percent: takes the share of every line when the scope is empty', () => {
    const outcome = applied([book, shirt], rule({ kind: 'percent', value: 10 }));
    // 10 % of 2980 + 2490 = 547
    expect(outcome.discountMinor).toBe(547);
    expect(outcome.lineDiscounts).toEqual([298, 249]);
    expect(outcome.freeShipping).toBe(false);
  });

  it('percent: only the products or categories in scope', () => {
    const byProduct = applied([book, shirt, pack], rule({ value: 50, productIds: ['shirt'] }));
    expect(byProduct.lineDiscounts).toEqual([0, 1245, 0]);
    const byCategory = applied([book, shirt, pack], rule({ value: 20, categoryIds: [CAT_BOOKS] }));
    expect(byCategory.lineDiscounts).toEqual([596, 0, 0]);
    const both = applied(
      [book, shirt, pack],
      rule({ value: 100, categoryIds: [CAT_MERCH], productIds: ['pack'] }),
    );
    expect(both.lineDiscounts).toEqual([0, 2490, 2997]);
  });

  it('percent: rounds to the nearest minor unit and never exceeds 100 %', () => {
    const odd: PromoLine = { productId: 'odd', categoryId: null, unitPriceMinor: 333, quantity: 1 };
    expect(applied([odd], rule({ value: 15 })).discountMinor).toBe(50); // 49.95
    expect(applied([odd], rule({ value: 250 })).discountMinor).toBe(333);
  });

  it('fixed: the amount, spread over the lines in scope, to the cent', () => {
    const outcome = applied([book, shirt, pack], rule({ kind: 'fixed', value: 1000 }));
    expect(outcome.discountMinor).toBe(1000);
    expect(outcome.lineDiscounts.reduce((a, b) => a + b, 0)).toBe(1000);
    // In proportion to 2980, 2490 and 2997.
    expect(outcome.lineDiscounts).toEqual([352, 294, 354]);
  });

  it('fixed: capped at the subtotal in scope', () => {
    const outcome = applied(
      [book, shirt],
      rule({ kind: 'fixed', value: 10_000, productIds: ['shirt'] }),
    );
    expect(outcome.lineDiscounts).toEqual([0, 2490]);
    expect(outcome.discountMinor).toBe(2490);
  });

  it('free_shipping: no line discount, shipping waived', () => {
    const outcome = applied([book, shirt], rule({ kind: 'free_shipping', value: 0 }));
    expect(outcome).toMatchObject({ discountMinor: 0, freeShipping: true, lineDiscounts: [0, 0] });
  });

  it('bogo: every second unit of each product in scope is free', () => {
    const three: PromoLine = { ...pack, quantity: 3 };
    const four: PromoLine = { ...book, quantity: 4 };
    const one: PromoLine = { ...shirt, quantity: 1 };
    const outcome = applied([three, four, one], rule({ kind: 'bogo', value: 0 }));
    expect(outcome.lineDiscounts).toEqual([999, 2 * 1490, 0]);
    const scoped = applied([three, four], rule({ kind: 'bogo', productIds: ['pack'] }));
    expect(scoped.lineDiscounts).toEqual([999, 0]);
  });
});

describe('applyPromo: rules', () => {
  it('refuses a withdrawn code', () => {
    expect(refusal([book], rule({ active: false })).reason).toBe('inactive');
  });

  it('refuses a code before its start and from its end on', () => {
    const later = new Date(NOW.getTime() + 1000);
    const earlier = new Date(NOW.getTime() - 1000);
    expect(refusal([book], rule({ startsAt: later })).reason).toBe('not_started');
    expect(refusal([book], rule({ endsAt: earlier })).reason).toBe('expired');
    expect(refusal([book], rule({ endsAt: NOW })).reason).toBe('expired');
    expect(applied([book], rule({ startsAt: NOW, endsAt: later })).discountMinor).toBe(298);
  });

  it('refuses a code with no use left', () => {
    expect(refusal([book], rule({ maxUses: 5, usesCount: 5 })).reason).toBe('used_up');
    expect(applied([book], rule({ maxUses: 5, usesCount: 4 })).discountMinor).toBe(298);
  });

  it('refuses a buyer at their own limit, and leaves an unknown buyer to checkout', () => {
    const limited = rule({ perUserLimit: 1 });
    expect(refusal([book], limited, context({ userRedemptions: 1 })).reason).toBe('per_user_limit');
    expect(applied([book], limited, context({ userRedemptions: 0 })).discountMinor).toBe(298);
    expect(applied([book], limited, context({ userRedemptions: null })).discountMinor).toBe(298);
  });

  it('refuses an amount in another currency, but not a plain percentage', () => {
    const usd = context({ currency: 'USD' });
    expect(refusal([book], rule({ kind: 'fixed', value: 500 }), usd).reason).toBe(
      'currency_mismatch',
    );
    expect(refusal([book], rule({ minSubtotalMinor: 100 }), usd).reason).toBe('currency_mismatch');
    expect(applied([book], rule(), usd).discountMinor).toBe(298);
  });

  it('refuses a cart with nothing in scope', () => {
    const outcome = refusal(
      [book, pack],
      rule({ productIds: ['shirt'], categoryIds: [CAT_MERCH] }),
    );
    expect(outcome.reason).toBe('out_of_scope');
    expect(outcome.message).toMatch(/does not apply/);
  });

  it('refuses a cart below the minimum, counting the whole cart', () => {
    const minimum = rule({ minSubtotalMinor: 5471, productIds: ['shirt'] });
    const refused = refusal([book, shirt], minimum);
    expect(refused.reason).toBe('below_minimum');
    expect(refused.message).toMatch(/54\.71 EUR/);
    expect(
      applied([book, shirt], rule({ minSubtotalMinor: 5470, productIds: ['shirt'] })),
    ).toMatchObject({ lineDiscounts: [0, 249] });
  });

  it('checks the rules in a fixed order: withdrawn before expired before used up', () => {
    const everything = rule({
      active: false,
      endsAt: new Date(NOW.getTime() - 1),
      maxUses: 1,
      usesCount: 1,
    });
    expect(refusal([book], everything).reason).toBe('inactive');
    expect(refusal([book], { ...everything, active: true }).reason).toBe('expired');
    expect(refusal([book], { ...everything, active: true, endsAt: null }).reason).toBe('used_up');
  });
});
