import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SHIPPING,
  includedVat,
  type PricingEntry,
  type PricingProduct,
  priceCart,
  quoteCart,
} from '../../functions/commerce/cart-pricing';
import type { PromoRule } from '../../functions/commerce/promo';

function product(id: string, overrides: Partial<PricingProduct> = {}): PricingProduct {
  return {
    id,
    kind: 'digital',
    categoryId: null,
    priceMinor: 1000,
    currency: 'EUR',
    taxRateBps: 2000,
    stock: null,
    active: true,
    ...overrides,
  };
}

const catalog = (...items: PricingProduct[]) => new Map(items.map((item) => [item.id, item]));
const entry = (productId: string, quantity = 1, priceSeenMinor: number | null = null) =>
  ({ productId, quantity, priceSeenMinor }) satisfies PricingEntry;

const promo = (overrides: Partial<PromoRule>): PromoRule => ({
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
});

describe('includedVat', () => {
  it('is the share of a VAT-inclusive amount at the rate, rounded to the cent', () => {
    expect(includedVat(1200, 2000)).toBe(200);
    expect(includedVat(2000, 2000)).toBe(333);
    expect(includedVat(1490, 550)).toBe(78);
    expect(includedVat(0, 2000)).toBe(0);
    expect(includedVat(1000, 0)).toBe(0);
  });
});

describe('priceCart', () => {
  it('prices each line at the current price and reports VAT per rate', () => {
    const totals = priceCart(
      [entry('ebook', 2), entry('pack', 1), entry('tpl', 3)],
      catalog(
        product('ebook', { priceMinor: 1490, taxRateBps: 550 }),
        product('pack', { priceMinor: 2000 }),
        product('tpl', { priceMinor: 990 }),
      ),
    );
    expect(totals.currency).toBe('EUR');
    expect(totals.lines.map((l) => [l.productId, l.lineTotalMinor])).toEqual([
      ['ebook', 2980],
      ['pack', 2000],
      ['tpl', 2970],
    ]);
    expect(totals).toMatchObject({
      itemCount: 6,
      subtotalMinor: 7950,
      discountMinor: 0,
      shippingMinor: 0,
      needsShipping: false,
      totalMinor: 7950,
      ready: true,
    });
    expect(totals.vat).toEqual([
      { rateBps: 2000, grossMinor: 4970, netMinor: 4142, vatMinor: 828 },
      { rateBps: 550, grossMinor: 2980, netMinor: 2825, vatMinor: 155 },
    ]);
    expect(totals.taxMinor).toBe(983);
  });

  it('drops withdrawn, vanished and other-currency lines from the totals with a warning', () => {
    const totals = priceCart(
      [entry('old', 1), entry('gone', 2), entry('ok', 1), entry('usd', 1)],
      catalog(
        product('old', { active: false, currency: 'USD' }),
        product('ok', { priceMinor: 500 }),
        product('usd', { currency: 'USD' }),
      ),
    );
    // The cart's currency is that of its oldest line still on sale.
    expect(totals.currency).toBe('EUR');
    const byId = new Map(totals.lines.map((line) => [line.productId, line]));
    expect(byId.get('old')).toMatchObject({ included: false, warnings: [{ code: 'inactive' }] });
    expect(byId.get('gone')).toMatchObject({
      included: false,
      product: null,
      unitPriceMinor: 0,
      warnings: [{ code: 'unavailable' }],
    });
    expect(byId.get('usd')).toMatchObject({
      included: false,
      warnings: [{ code: 'currency_mismatch', currency: 'USD' }],
    });
    expect(byId.get('ok')).toMatchObject({ included: true, warnings: [] });
    expect(totals.subtotalMinor).toBe(500);
    expect(totals.itemCount).toBe(1);
  });

  it('flags a quantity above the stock left, and the cart is not ready', () => {
    const totals = priceCart(
      [entry('shirt', 4)],
      catalog(product('shirt', { kind: 'physical', stock: 3 })),
    );
    expect(totals.lines[0]?.warnings).toEqual([{ code: 'over_stock', available: 3 }]);
    expect(totals.lines[0]?.included).toBe(true);
    expect(totals.ready).toBe(false);
  });

  it('reports a price changed since the line was added', () => {
    const totals = priceCart(
      [entry('a', 1, 900), entry('b', 1, 1000), entry('c', 1, null)],
      catalog(product('a'), product('b'), product('c')),
    );
    expect(totals.lines.map((line) => line.priceChanged)).toEqual([
      { fromMinor: 900, toMinor: 1000 },
      null,
      null,
    ]);
    expect(totals.lines[0]?.warnings).toEqual([
      { code: 'price_changed', fromMinor: 900, toMinor: 1000 },
    ]);
    expect(totals.subtotalMinor).toBe(3000);
  });

  it('adds flat shipping for physical goods, taxed at its own rate', () => {
    const totals = priceCart(
      [entry('shirt', 1), entry('ebook', 1)],
      catalog(
        product('shirt', { kind: 'physical', stock: 10, priceMinor: 2490 }),
        product('ebook', { priceMinor: 1055, taxRateBps: 550 }),
      ),
    );
    expect(totals.needsShipping).toBe(true);
    expect(totals.shippingMinor).toBe(DEFAULT_SHIPPING.flatMinor);
    expect(totals.totalMinor).toBe(2490 + 1055 + DEFAULT_SHIPPING.flatMinor);
    expect(totals.vat).toEqual([
      { rateBps: 2000, grossMinor: 2980, netMinor: 2483, vatMinor: 497 },
      { rateBps: 550, grossMinor: 1055, netMinor: 1000, vatMinor: 55 },
    ]);
  });

  it('waives shipping and applies line discounts given by a promo', () => {
    const totals = priceCart(
      [entry('shirt', 2)],
      catalog(product('shirt', { kind: 'physical', stock: 10, priceMinor: 1200 })),
      { discounts: { lineDiscounts: new Map([['shirt', 5000]]), freeShipping: true } },
    );
    // A discount never exceeds its line.
    expect(totals.lines[0]).toMatchObject({ discountMinor: 2400, lineTotalMinor: 0 });
    expect(totals).toMatchObject({ shippingMinor: 0, totalMinor: 0, taxMinor: 0 });
  });

  it('prices an empty cart at zero, not ready', () => {
    const totals = priceCart([], new Map());
    expect(totals).toMatchObject({
      currency: null,
      lines: [],
      subtotalMinor: 0,
      totalMinor: 0,
      vat: [],
      ready: false,
    });
  });
});

describe('quoteCart', () => {
  const products = catalog(
    product('book', { priceMinor: 1500, categoryId: 'books' }),
    product('shirt', { kind: 'physical', stock: 5, priceMinor: 2500 }),
  );
  const entries = [entry('book', 2), entry('shirt', 1)];

  it('prices without a code when none is given', () => {
    const quote = quoteCart(entries, products);
    expect(quote.promo).toBeNull();
    expect(quote.totals.totalMinor).toBe(3000 + 2500 + DEFAULT_SHIPPING.flatMinor);
  });

  it('applies a percent code to the lines in scope and recomputes VAT on the discounted amounts', () => {
    const quote = quoteCart(entries, products, {
      promo: promo({ value: 20, categoryIds: ['books'] }),
    });
    expect(quote.promo).toMatchObject({ ok: true, discountMinor: 600 });
    expect(quote.totals.lines.map((line) => line.discountMinor)).toEqual([600, 0]);
    expect(quote.totals).toMatchObject({
      subtotalMinor: 5500,
      discountMinor: 600,
      totalMinor: 5500 - 600 + DEFAULT_SHIPPING.flatMinor,
    });
    expect(quote.totals.vat).toEqual([
      { rateBps: 2000, grossMinor: 2400 + 2500 + 490, netMinor: 4492, vatMinor: 898 },
    ]);
  });

  it('applies free shipping', () => {
    const quote = quoteCart(entries, products, { promo: promo({ kind: 'free_shipping' }) });
    expect(quote.totals).toMatchObject({ shippingMinor: 0, discountMinor: 0, totalMinor: 5500 });
  });

  it('ignores lines not counted when applying a code', () => {
    const withdrawn = new Map(products);
    withdrawn.set('book', product('book', { active: false }));
    const quote = quoteCart(entries, withdrawn, { promo: promo({ kind: 'fixed', value: 10_000 }) });
    expect(quote.totals.lines.map((line) => line.discountMinor)).toEqual([0, 2500]);
  });

  it('leaves the totals alone when the code is refused', () => {
    const quote = quoteCart(entries, products, {
      promo: promo({ perUserLimit: 1 }),
      userRedemptions: 1,
    });
    expect(quote.promo).toMatchObject({ ok: false, reason: 'per_user_limit' });
    expect(quote.totals.discountMinor).toBe(0);
  });

  it('refuses any code on a cart with nothing to buy', () => {
    const quote = quoteCart([entry('gone', 1)], products, { promo: promo({}) });
    expect(quote.promo).toMatchObject({ ok: false, reason: 'out_of_scope' });
  });

  it('uses the time given to judge dates', () => {
    const code = promo({ endsAt: new Date('2026-01-01T00:00:00Z') });
    expect(
      quoteCart(entries, products, { promo: code, now: new Date('2025-12-31T00:00:00Z') }).promo,
    ).toMatchObject({ ok: true });
    expect(
      quoteCart(entries, products, { promo: code, now: new Date('2026-01-02T00:00:00Z') }).promo,
    ).toMatchObject({ ok: false, reason: 'expired' });
  });
});
