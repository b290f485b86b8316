import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, sql, type TestUser } from '../helpers/api';
import {
  addItemOk,
  type CartBody,
  cartCookie,
  createCategory,
  createProduct,
  insertOrder,
  type ProductBody,
  uniqueWord,
} from './helpers';

let admin: TestUser;
beforeAll(async () => {
  admin = await createAdmin();
});

interface PromoBody {
  id: string;
  code: string;
  kind: string;
  value: number;
  usesCount: number;
  maxUses: number | null;
  active: boolean;
}

const newCode = () => uniqueWord('code').toUpperCase();

async function createPromo(fields: Record<string, unknown>): Promise<PromoBody> {
  const res = await call('/api/admin/promo-codes', {
    token: admin.accessToken,
    json: { code: newCode(), kind: 'percent', value: 10, ...fields },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<PromoBody>(res);
}

function preview(shopper: { token?: string; cookie?: string }, code: string): Promise<Response> {
  return call('/api/cart/promo?locale=en', { ...shopper, json: { code } });
}

async function previewOk(shopper: { token?: string; cookie?: string }, code: string) {
  const res = await preview(shopper, code);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CartBody>(res);
}

async function refused(shopper: { token?: string; cookie?: string }, code: string) {
  const problem = await expectProblem(await preview(shopper, code), 422, 'PROMO_REJECTED');
  return problem.errors?.[0]?.message;
}

async function usesOf(id: string): Promise<number> {
  const db = sql();
  const [row] = await db<
    { uses_count: number }[]
  >`select uses_count from promo_codes where id = ${id}`;
  await db.end();
  return row?.uses_count ?? -1;
}

describe('promo codes: previews on the cart', () => {
  let shopper: { token: string };
  let user: TestUser;
  let books: { id: string };
  let book: ProductBody;
  let shirt: ProductBody;
  beforeAll(async () => {
    user = await registerUser();
    shopper = { token: user.accessToken };
    books = await createCategory(admin);
    book = await createProduct(admin, { categoryId: books.id, priceMinor: 1500 });
    shirt = await createProduct(admin, { kind: 'physical', stock: 10, priceMinor: 2500 });
    await addItemOk(shopper, book.id, 3);
    await addItemOk(shopper, shirt.id, 1);
  });

  it('percent: the share of the products in scope, code typed in any case', async () => {
    const promo = await createPromo({ kind: 'percent', value: 20, categoryIds: [books.id] });
    const cart = await previewOk(shopper, promo.code.toLowerCase());
    expect(cart.promo).toEqual({
      code: promo.code,
      kind: 'percent',
      discountMinor: 900,
      freeShipping: false,
    });
    expect(cart.lines.map((line) => [line.productId, line.discountMinor])).toEqual([
      [book.id, 900],
      [shirt.id, 0],
    ]);
    expect(cart).toMatchObject({
      subtotalMinor: 7000,
      discountMinor: 900,
      shippingMinor: 490,
      totalMinor: 7000 - 900 + 490,
    });
    // A preview redeems nothing.
    expect(await usesOf(promo.id)).toBe(0);
  });

  it('fixed: the amount spread over the lines, at most their subtotal', async () => {
    const promo = await createPromo({ kind: 'fixed', value: 1000 });
    const cart = await previewOk(shopper, promo.code);
    expect(cart.discountMinor).toBe(1000);
    expect(cart.lines.reduce((sum, line) => sum + line.discountMinor, 0)).toBe(1000);
    const capped = await createPromo({ kind: 'fixed', value: 9000, productIds: [shirt.id] });
    const cappedCart = await previewOk(shopper, capped.code);
    expect(cappedCart.lines.map((line) => line.discountMinor)).toEqual([0, 2500]);
  });

  it('free_shipping: the shipping goes', async () => {
    const promo = await createPromo({ kind: 'free_shipping', value: 0 });
    const cart = await previewOk(shopper, promo.code);
    expect(cart).toMatchObject({
      shippingMinor: 0,
      discountMinor: 0,
      totalMinor: 7000,
      promo: { freeShipping: true },
    });
  });

  it('bogo: every second unit free', async () => {
    const promo = await createPromo({ kind: 'bogo', value: 0, productIds: [book.id] });
    const cart = await previewOk(shopper, promo.code);
    expect(cart.lines.map((line) => line.discountMinor)).toEqual([1500, 0]);
  });

  it('names the rule that refuses a code', async () => {
    const now = Date.now();
    const day = 24 * 3600 * 1000;
    expect(await refused(shopper, newCode())).toBe('unknown');
    expect(await refused(shopper, (await createPromo({ active: false })).code)).toBe('inactive');
    const future = await createPromo({ startsAt: new Date(now + day).toISOString() });
    expect(await refused(shopper, future.code)).toBe('not_started');
    const past = await createPromo({
      startsAt: new Date(now - 2 * day).toISOString(),
      endsAt: new Date(now - day).toISOString(),
    });
    expect(await refused(shopper, past.code)).toBe('expired');
    const big = await createPromo({ minSubtotalMinor: 7001 });
    expect(await refused(shopper, big.code)).toBe('below_minimum');
    expect(
      (await previewOk(shopper, (await createPromo({ minSubtotalMinor: 7000 })).code))
        .discountMinor,
    ).toBe(700);
    const elsewhere = await createPromo({ productIds: [crypto.randomUUID()] });
    expect(await refused(shopper, elsewhere.code)).toBe('out_of_scope');
    const usd = await createPromo({ kind: 'fixed', value: 100, currency: 'USD' });
    expect(await refused(shopper, usd.code)).toBe('currency_mismatch');

    const usedUp = await createPromo({ maxUses: 1 });
    const db = sql();
    await db`update promo_codes set uses_count = 1 where id = ${usedUp.id}`;
    await db.end();
    expect(await refused(shopper, usedUp.code)).toBe('used_up');
  });

  it('applies the per-user limit to a signed-in buyer', async () => {
    const once = await createPromo({ perUserLimit: 1 });
    expect((await previewOk(shopper, once.code)).discountMinor).toBe(700);
    const orderId = await insertOrder(user.id, null, 'paid');
    const db = sql();
    await db`insert into promo_redemptions (promo_code_id, user_id, order_id, discount_minor)
             values (${once.id}, ${user.id}, ${orderId}, 700)`;
    await db.end();
    expect(await refused(shopper, once.code)).toBe('per_user_limit');
    // Another buyer still may.
    const other = await registerUser();
    await addItemOk({ token: other.accessToken }, book.id, 1);
    expect((await previewOk({ token: other.accessToken }, once.code)).discountMinor).toBe(150);
  });

  it('previews on an anonymous cart, and refuses an empty one', async () => {
    const promo = await createPromo({ value: 50 });
    expect(await refused({}, promo.code)).toBe('out_of_scope');
    const first = await call('/api/cart/items', { json: { productId: book.id, quantity: 2 } });
    const cookie = cartCookie(first) ?? '';
    const cart = await previewOk({ cookie }, promo.code);
    expect(cart).toMatchObject({ owner: 'visitor', discountMinor: 1500, totalMinor: 1500 });
  });

  it('validates the code', async () => {
    for (const code of ['a b', 'x', '', 'é'.repeat(5), 42]) {
      await expectProblem(
        await call('/api/cart/promo', { token: shopper.token, json: { code } }),
        400,
        'VALIDATION_FAILED',
      );
    }
  });
});

describe('promo codes: administration', () => {
  it('creates codes upper-cased and unique, lists, changes and reads them', async () => {
    const code = uniqueWord('welcome');
    const promo = await createPromo({ code, kind: 'percent', value: 15, maxUses: 100 });
    expect(promo).toMatchObject({ code: code.toUpperCase(), value: 15, usesCount: 0 });
    await expectProblem(
      await call('/api/admin/promo-codes', {
        token: admin.accessToken,
        json: { code: code.toUpperCase(), kind: 'fixed', value: 100 },
      }),
      409,
      'CONFLICT',
    );
    const list = await json<{ items: PromoBody[] }>(
      await call('/api/admin/promo-codes', { token: admin.accessToken }),
    );
    expect(list.items.map((item) => item.id)).toContain(promo.id);

    const patched = await call(`/api/admin/promo-codes/${promo.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { kind: 'fixed', value: 500, active: false },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(await patched.json()).toMatchObject({ kind: 'fixed', value: 500, active: false });
    const read = await call(`/api/admin/promo-codes/${promo.id}`, { token: admin.accessToken });
    expect(await read.json()).toMatchObject({ id: promo.id, kind: 'fixed' });

    const other = await createPromo({});
    await expectProblem(
      await call(`/api/admin/promo-codes/${other.id}`, {
        method: 'PATCH',
        token: admin.accessToken,
        json: { code: code.toLowerCase() },
      }),
      409,
      'CONFLICT',
    );
  });

  it.each([
    [{ kind: 'percent', value: 0 }, 'body.value'],
    [{ kind: 'percent', value: 101 }, 'body.value'],
    [{ kind: 'fixed', value: 0 }, 'body.value'],
    [{ kind: 'fixed', value: -5 }, 'body.value'],
    [{ kind: 'gift' }, 'body.kind'],
    [{ currency: 'eur' }, 'body.currency'],
    [{ maxUses: 0 }, 'body.maxUses'],
    [{ startsAt: '2026-12-02T00:00:00Z', endsAt: '2026-12-01T00:00:00Z' }, 'body.endsAt'],
    [{ endsAt: 'tomorrow' }, 'body.endsAt'],
    [{ productIds: ['not-a-uuid'] }, 'body.productIds.0'],
    [{ code: 'no spaces' }, 'body.code'],
  ])('refuses %j', async (fields, path) => {
    const res = await call('/api/admin/promo-codes', {
      token: admin.accessToken,
      json: { code: newCode(), kind: 'percent', value: 10, ...fields },
    });
    const problem = await expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((issue) => issue.path)).toContain(path);
  });

  it('checks a change against the code as it will be', async () => {
    const promo = await createPromo({ kind: 'fixed', value: 500, maxUses: 10 });
    const toPercent = await call(`/api/admin/promo-codes/${promo.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { kind: 'percent' },
    });
    await expectProblem(toPercent, 400, 'VALIDATION_FAILED');
    const db = sql();
    await db`update promo_codes set uses_count = 4 where id = ${promo.id}`;
    await db.end();
    const tooFew = await call(`/api/admin/promo-codes/${promo.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { maxUses: 3 },
    });
    const problem = await expectProblem(tooFew, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.path).toBe('body.maxUses');
    await expectProblem(
      await call(`/api/admin/promo-codes/${crypto.randomUUID()}`, {
        method: 'PATCH',
        token: admin.accessToken,
        json: { active: false },
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('deletes an unused code but keeps a used one', async () => {
    const unused = await createPromo({});
    const del = await call(`/api/admin/promo-codes/${unused.id}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(del.status).toBe(204);
    await expectProblem(
      await call(`/api/admin/promo-codes/${unused.id}`, { token: admin.accessToken }),
      404,
      'NOT_FOUND',
    );
    const used = await createPromo({});
    const db = sql();
    await db`update promo_codes set uses_count = 1 where id = ${used.id}`;
    await db.end();
    await expectProblem(
      await call(`/api/admin/promo-codes/${used.id}`, {
        method: 'DELETE',
        token: admin.accessToken,
      }),
      409,
      'CONFLICT',
    );
    await expectProblem(
      await call(`/api/admin/promo-codes/${crypto.randomUUID()}`, {
        method: 'DELETE',
        token: admin.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('reports uses, uses left, discount given and orders', async () => {
    const promo = await createPromo({ maxUses: 10 });
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    const paid = await insertOrder(a.id, null, 'paid');
    const pending = await insertOrder(b.id, null, 'pending');
    const db = sql();
    await db`insert into promo_redemptions (promo_code_id, user_id, order_id, discount_minor)
             values (${promo.id}, ${a.id}, ${paid}, 300), (${promo.id}, ${b.id}, ${pending}, 450)`;
    await db`update promo_codes set uses_count = 2 where id = ${promo.id}`;
    await db.end();
    const res = await call(`/api/admin/promo-codes/${promo.id}/stats`, {
      token: admin.accessToken,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const stats = await json<Record<string, unknown>>(res);
    expect(stats).toMatchObject({
      id: promo.id,
      code: promo.code,
      uses: 2,
      maxUses: 10,
      remaining: 8,
      totalDiscountMinor: 750,
      currency: 'EUR',
      orders: { total: 2, paid: 1 },
    });
    expect(typeof stats.lastRedeemedAt).toBe('string');
    const fresh = await createPromo({});
    const empty = await call(`/api/admin/promo-codes/${fresh.id}/stats`, {
      token: admin.accessToken,
    });
    expect(await empty.json()).toMatchObject({
      uses: 0,
      remaining: null,
      totalDiscountMinor: 0,
      orders: { total: 0, paid: 0 },
      lastRedeemedAt: null,
    });
  });
});
