import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, sql, type TestUser } from '../helpers/api';
import {
  addItem,
  addItemOk,
  type CartBody,
  cartCookie,
  createProduct,
  patchProduct,
  quantities,
  readCart,
  uniqueWord,
} from './helpers';

let admin: TestUser;
beforeAll(async () => {
  admin = await createAdmin();
});

function patchLine(
  shopper: { token?: string; cookie?: string },
  productId: string,
  quantity: unknown,
) {
  return call(`/api/cart/items/${productId}?locale=en`, {
    ...shopper,
    method: 'PATCH',
    json: { quantity },
  });
}

describe('cart: anonymous visitors and sign-in', () => {
  it('starts an anonymous cart with a cookie and folds it into the account on sign-in', async () => {
    const book = await createProduct(admin, { priceMinor: 1500, nameEn: 'Book' });
    const pack = await createProduct(admin, { kind: 'credit_pack', credits: 10, priceMinor: 500 });
    const plan = await createProduct(admin, {
      kind: 'plan',
      plan: 'pro',
      billingInterval: 'month',
      priceMinor: 1900,
    });

    // No cookie yet: an empty cart and no cookie minted just for looking.
    const empty = await call('/api/cart');
    expect(empty.status).toBe(200);
    expect(cartCookie(empty)).toBeNull();
    expect(await empty.json()).toMatchObject({ owner: 'visitor', lines: [], totalMinor: 0 });

    const first = await addItem({}, book.id, 2);
    expect(first.status, await first.clone().text()).toBe(200);
    const setCookie = first.headers.getSetCookie().find((c) => c.startsWith('webox_cart=')) ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/api\/cart/i);
    const cookie = cartCookie(first) ?? '';
    expect(cookie).toMatch(/^webox_cart=[A-Za-z0-9_-]{22,}$/);
    expect(await first.json()).toMatchObject({ owner: 'visitor', subtotalMinor: 3000 });

    const second = await addItem({ cookie }, pack.id, 1);
    expect(cartCookie(second)).toBeNull();
    await addItemOk({ cookie }, plan.id, 1);
    expect(quantities(await readCart({ cookie }))).toEqual({
      [book.id]: 2,
      [pack.id]: 1,
      [plan.id]: 1,
    });

    const user = await registerUser();
    await addItemOk({ token: user.accessToken }, book.id, 1);
    await addItemOk({ token: user.accessToken }, plan.id, 1);
    // Signed in, the account's cart answers whatever cookie comes along.
    expect(quantities(await readCart({ token: user.accessToken, cookie }))).toEqual({
      [book.id]: 1,
      [plan.id]: 1,
    });

    const merge = await call('/api/cart/merge?locale=en', {
      method: 'POST',
      token: user.accessToken,
      cookie,
    });
    expect(merge.status, await merge.clone().text()).toBe(200);
    const merged = await json<CartBody>(merge);
    expect(merged).toMatchObject({ owner: 'user', merged: 3 });
    // Quantities summed, a plan held to one.
    expect(quantities(merged)).toEqual({ [book.id]: 3, [pack.id]: 1, [plan.id]: 1 });
    const cleared = merge.headers.getSetCookie().find((c) => c.startsWith('webox_cart=')) ?? '';
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);

    // The anonymous cart is empty, and merging again adds nothing.
    expect((await readCart({ cookie })).lines).toEqual([]);
    const again = await call('/api/cart/merge', {
      method: 'POST',
      token: user.accessToken,
      cookie,
    });
    expect(await again.json()).toMatchObject({ merged: 0 });
    expect(quantities(await readCart({ token: user.accessToken }))).toEqual({
      [book.id]: 3,
      [pack.id]: 1,
      [plan.id]: 1,
    });
    const noCookie = await call('/api/cart/merge', { method: 'POST', token: user.accessToken });
    expect(await noCookie.json()).toMatchObject({ merged: 0, owner: 'user' });
  });

  it('needs a signed-in caller to merge, and refuses writes from another site', async () => {
    const product = await createProduct(admin);
    const first = await addItem({}, product.id);
    const cookie = cartCookie(first) ?? '';
    await expectProblem(
      await call('/api/cart/merge', { method: 'POST', cookie }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(
      await call('/api/cart/items', {
        cookie,
        json: { productId: product.id, quantity: 1 },
        headers: { Origin: 'https://evil.example' },
      }),
      403,
      'CSRF_REJECTED',
    );
    await expectProblem(
      await call('/api/cart', {
        method: 'DELETE',
        cookie,
        headers: { 'Sec-Fetch-Site': 'cross-site' },
      }),
      403,
      'CSRF_REJECTED',
    );
    expect(quantities(await readCart({ cookie }))).toEqual({ [product.id]: 1 });
  });

  it('answers 401 to a bad bearer token instead of falling back to an anonymous cart', async () => {
    for (const token of ['not.a.jwt', 'x']) {
      await expectProblem(await call('/api/cart', { token }), 401, 'UNAUTHORIZED');
    }
    await expectProblem(
      await call('/api/cart', { headers: { Authorization: 'Basic abc' } }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('cart: concurrent tabs', () => {
  it('loses nothing when 20 tabs add different products and 20 add the same one', async () => {
    const user = await registerUser();
    const shopper = { token: user.accessToken };
    const products = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createProduct(admin, { priceMinor: 100 + i })),
    );
    const responses = await Promise.all(products.map((product) => addItem(shopper, product.id)));
    for (const res of responses) expect(res.status, await res.clone().text()).toBe(200);
    const afterDistinct = await readCart(shopper);
    expect(afterDistinct.lines).toHaveLength(20);
    expect(Object.values(quantities(afterDistinct)).every((q) => q === 1)).toBe(true);

    const same = products[0]?.id ?? '';
    const sameResponses = await Promise.all(
      Array.from({ length: 20 }, () => addItem(shopper, same)),
    );
    for (const res of sameResponses) expect(res.status, await res.clone().text()).toBe(200);
    const cart = await readCart(shopper);
    expect(cart.lines).toHaveLength(20);
    expect(quantities(cart)[same]).toBe(21);
    expect(cart.itemCount).toBe(40);
    const expected = products.reduce((sum, p, i) => sum + p.priceMinor * (i === 0 ? 21 : 1), 0);
    expect(cart.subtotalMinor).toBe(expected);
  });

  it('lets exactly the stock in when tabs race for the last units', async () => {
    const user = await registerUser();
    const shirt = await createProduct(admin, { kind: 'physical', stock: 5 });
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => addItem({ token: user.accessToken }, shirt.id)),
    );
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect(quantities(await readCart({ token: user.accessToken }))[shirt.id]).toBe(5);
  });
});

describe('cart: totals from current prices and stock', () => {
  it('shows a price changed since the product was added, at the new price', async () => {
    const user = await registerUser();
    const shopper = { token: user.accessToken };
    const product = await createProduct(admin, { priceMinor: 1000 });
    const other = await createProduct(admin, { priceMinor: 300 });
    await addItemOk(shopper, product.id, 2);
    await addItemOk(shopper, other.id, 1);
    await patchProduct(admin, product.id, { priceMinor: 1250 });

    const cart = await readCart(shopper);
    const line = cart.lines.find((l) => l.productId === product.id);
    expect(line).toMatchObject({
      unitPriceMinor: 1250,
      lineTotalMinor: 2500,
      priceChanged: { fromMinor: 1000, toMinor: 1250 },
    });
    expect(line?.warnings.map((w) => w.code)).toEqual(['price_changed']);
    expect(line?.warnings[0]?.message).toMatch(/10\.00 to 12\.50/);
    expect(cart.lines.find((l) => l.productId === other.id)?.priceChanged).toBeNull();
    expect(cart.subtotalMinor).toBe(2800);

    // Changing the line while looking at the new price accepts it.
    const patched = await json<CartBody>(await patchLine(shopper, product.id, 3));
    expect(patched.lines.find((l) => l.productId === product.id)).toMatchObject({
      quantity: 3,
      priceChanged: null,
    });
  });

  it('drops a withdrawn product from the totals with a note', async () => {
    const user = await registerUser();
    const shopper = { token: user.accessToken };
    const kept = await createProduct(admin, { priceMinor: 700 });
    const withdrawn = await createProduct(admin, { priceMinor: 900, nameEn: 'Old thing' });
    await addItemOk(shopper, kept.id);
    await addItemOk(shopper, withdrawn.id, 2);
    await patchProduct(admin, withdrawn.id, { active: false });
    const cart = await readCart(shopper);
    const line = cart.lines.find((l) => l.productId === withdrawn.id);
    expect(line).toMatchObject({ included: false, lineTotalMinor: 0, quantity: 2 });
    expect(line?.warnings).toEqual([
      expect.objectContaining({ code: 'inactive', message: expect.stringMatching(/Old thing/) }),
    ]);
    expect(cart).toMatchObject({ subtotalMinor: 700, totalMinor: 700, itemCount: 1, ready: true });
    await expectProblem(await patchLine(shopper, withdrawn.id, 1), 409, 'CONFLICT');
    const removed = await call(`/api/cart/items/${withdrawn.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(quantities(await json<CartBody>(removed))).toEqual({ [kept.id]: 1 });
  });

  it('refuses more than the stock left, counting the cart, and flags stock that fell', async () => {
    const user = await registerUser();
    const shopper = { token: user.accessToken };
    const shirt = await createProduct(admin, { kind: 'physical', stock: 3, priceMinor: 2490 });
    await addItemOk(shopper, shirt.id, 2);
    const problem = await expectProblem(await addItem(shopper, shirt.id, 2), 409, 'OUT_OF_STOCK');
    expect(problem.detail).toMatch(/Only 3/);
    await addItemOk(shopper, shirt.id, 1);
    await expectProblem(await addItem(shopper, shirt.id, 1), 409, 'OUT_OF_STOCK');
    await expectProblem(await patchLine(shopper, shirt.id, 4), 409, 'OUT_OF_STOCK');
    const soldOut = await createProduct(admin, { kind: 'physical', stock: 0 });
    await expectProblem(await addItem(shopper, soldOut.id, 1), 409, 'OUT_OF_STOCK');

    const cart = await readCart(shopper);
    expect(cart).toMatchObject({
      needsShipping: true,
      shippingMinor: 490,
      totalMinor: 3 * 2490 + 490,
    });
    await patchProduct(admin, shirt.id, { stock: 1 });
    const after = await readCart(shopper);
    expect(after.lines[0]?.warnings).toEqual([
      expect.objectContaining({ code: 'over_stock', available: 1 }),
    ]);
    expect(after.ready).toBe(false);
    expect((await json<CartBody>(await patchLine(shopper, shirt.id, 1))).ready).toBe(true);
  });

  it('reports VAT per rate, prices including it', async () => {
    const user = await registerUser();
    const shopper = { token: user.accessToken };
    const ebook = await createProduct(admin, { priceMinor: 1055, taxRateBps: 550 });
    const pack = await createProduct(admin, { priceMinor: 1200 });
    await addItemOk(shopper, ebook.id, 2);
    const cart = await addItemOk(shopper, pack.id, 1);
    expect(cart.vat).toEqual([
      { rateBps: 2000, grossMinor: 1200, netMinor: 1000, vatMinor: 200 },
      { rateBps: 550, grossMinor: 2110, netMinor: 2000, vatMinor: 110 },
    ]);
    expect(cart).toMatchObject({
      currency: 'EUR',
      subtotalMinor: 3310,
      taxMinor: 310,
      totalMinor: 3310,
    });
  });
});

describe('cart: what an add checks', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await registerUser();
  });

  it('refuses unknown and withdrawn products', async () => {
    const shopper = { token: user.accessToken };
    await expectProblem(await addItem(shopper, crypto.randomUUID()), 404, 'NOT_FOUND');
    const withdrawn = await createProduct(admin, { active: false });
    await expectProblem(await addItem(shopper, withdrawn.id), 404, 'NOT_FOUND');
  });

  it.each([0, -1, 100, 1.5, '2', null])('refuses quantity %j', async (quantity) => {
    const product = await createProduct(admin);
    const res = await call('/api/cart/items', {
      token: user.accessToken,
      json: { productId: product.id, quantity },
    });
    const problem = await expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.path).toBe('body.quantity');
  });

  it('refuses malformed bodies', async () => {
    for (const body of [{}, { productId: 'x' }, { productId: crypto.randomUUID(), extra: 1 }]) {
      await expectProblem(
        await call('/api/cart/items', { token: user.accessToken, json: body }),
        400,
        'VALIDATION_FAILED',
      );
    }
    await expectProblem(
      await call('/api/cart/items', {
        token: user.accessToken,
        body: '{',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    // A refused anonymous add mints no cookie.
    const refused = await call('/api/cart/items', { json: { productId: crypto.randomUUID() } });
    expect(refused.status).toBe(404);
    expect(cartCookie(refused)).toBeNull();
  });

  it('sells a plan one at a time', async () => {
    const buyer = await registerUser();
    const plan = await createProduct(admin, {
      kind: 'plan',
      plan: 'pro',
      billingInterval: 'month',
    });
    await expectProblem(
      await addItem({ token: buyer.accessToken }, plan.id, 2),
      400,
      'VALIDATION_FAILED',
    );
    await addItemOk({ token: buyer.accessToken }, plan.id, 1);
    await expectProblem(await addItem({ token: buyer.accessToken }, plan.id, 1), 409, 'CONFLICT');
    await expectProblem(
      await patchLine({ token: buyer.accessToken }, plan.id, 2),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps one currency per cart', async () => {
    const buyer = await registerUser();
    const eur = await createProduct(admin, { currency: 'EUR' });
    const usd = await createProduct(admin, { currency: 'USD' });
    await addItemOk({ token: buyer.accessToken }, eur.id);
    const problem = await expectProblem(
      await addItem({ token: buyer.accessToken }, usd.id),
      409,
      'CONFLICT',
    );
    expect(problem.detail).toMatch(/EUR.*USD/);
  });

  it('holds at most 99 of a product and 100 products, as 409s not 500s', async () => {
    const buyer = await registerUser();
    const shopper = { token: buyer.accessToken };
    const product = await createProduct(admin);
    await addItemOk(shopper, product.id, 60);
    await expectProblem(await addItem(shopper, product.id, 60), 409, 'CONFLICT');
    expect(quantities(await readCart(shopper))[product.id]).toBe(60);

    const word = uniqueWord('bulk');
    const db = sql();
    const rows = await db<{ id: string }[]>`
      insert into products (slug, kind, name_fr, name_en, price_minor)
      select ${word} || '-' || n, 'digital', 'Lot ' || n, 'Lot ' || n, 100
      from generate_series(1, 100) as n
      returning id`;
    await db.end();
    for (let i = 0; i < rows.length; i += 10) {
      const batch = rows.slice(i, i + 10);
      const responses = await Promise.all(batch.map((row) => addItem(shopper, row.id)));
      for (const res of responses) {
        expect([200, 409]).toContain(res.status);
      }
    }
    const full = await readCart(shopper);
    expect(full.lines).toHaveLength(100);
    const another = await createProduct(admin);
    const problem = await expectProblem(await addItem(shopper, another.id), 409, 'CONFLICT');
    expect(problem.detail).toMatch(/100 different products/);
  });
});

describe('cart: lines and emptying', () => {
  it('sets, removes and empties, and answers 404 for a line not in the cart', async () => {
    const user = await registerUser();
    const shopper = { token: user.accessToken };
    const a = await createProduct(admin, { priceMinor: 100 });
    const b = await createProduct(admin, { priceMinor: 200 });
    await addItemOk(shopper, a.id, 1);
    await addItemOk(shopper, b.id, 1);
    expect(quantities(await json<CartBody>(await patchLine(shopper, a.id, 5)))).toEqual({
      [a.id]: 5,
      [b.id]: 1,
    });
    expect(quantities(await json<CartBody>(await patchLine(shopper, a.id, 0)))).toEqual({
      [b.id]: 1,
    });
    await expectProblem(await patchLine(shopper, a.id, 2), 404, 'NOT_FOUND');
    await expectProblem(await patchLine(shopper, b.id, 100), 400, 'VALIDATION_FAILED');
    await expectProblem(await patchLine(shopper, b.id, -1), 400, 'VALIDATION_FAILED');
    await expectProblem(await patchLine({}, b.id, 2), 404, 'NOT_FOUND');
    const cleared = await call('/api/cart', { method: 'DELETE', token: user.accessToken });
    expect(cleared.status).toBe(204);
    expect((await readCart(shopper)).lines).toEqual([]);
  });
});

describe('cart: ownership', () => {
  it("never shows or changes someone else's cart", async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    const product = await createProduct(admin);
    await addItemOk({ token: alice.accessToken }, product.id, 3);

    expect((await readCart({ token: bob.accessToken })).lines).toEqual([]);
    await call(`/api/cart/items/${product.id}`, { method: 'DELETE', token: bob.accessToken });
    await call('/api/cart', { method: 'DELETE', token: bob.accessToken });
    await expectProblem(
      await patchLine({ token: bob.accessToken }, product.id, 1),
      404,
      'NOT_FOUND',
    );
    expect(quantities(await readCart({ token: alice.accessToken }))).toEqual({ [product.id]: 3 });

    // A cookie naming the account's id (or anything else) is a separate anonymous cart.
    for (const value of [alice.id, `user:${alice.id}`, 'A'.repeat(30)]) {
      expect((await readCart({ cookie: `webox_cart=${value}` })).lines).toEqual([]);
    }
    // Another visitor's cookie is not this visitor's cart either.
    const visitor = cartCookie(await addItem({}, product.id, 1)) ?? '';
    const other = cartCookie(await addItem({}, product.id, 2)) ?? '';
    expect(visitor).not.toBe(other);
    expect(quantities(await readCart({ cookie: visitor }))).toEqual({ [product.id]: 1 });
    expect(quantities(await readCart({ cookie: other }))).toEqual({ [product.id]: 2 });
  });
});
