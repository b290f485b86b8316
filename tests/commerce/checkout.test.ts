import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import {
  BILLING,
  buyerWith,
  type CheckoutBody,
  catalog,
  checkoutCall,
  checkoutOk,
  type OrderBody,
  query,
  readOrder,
  sessionIdOf,
  stripeRequests,
} from '../payments/helpers';
import { addItemOk, createProduct, patchProduct, readCart } from './helpers';

let admin: TestUser;
let products: Awaited<ReturnType<typeof catalog>>;
beforeAll(async () => {
  admin = await createAdmin();
  products = await catalog(admin);
});

async function stockOf(productId: string): Promise<number | null> {
  const [row] = await query<{ stock: number | null }>(
    (db) => db`select stock from products where id = ${productId}`,
  );
  return row?.stock ?? null;
}

async function ordersOf(userId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    (db) => db`select count(*)::int as n from orders where user_id = ${userId}`,
  );
  return row?.n ?? 0;
}

describe('checkout: the order', () => {
  it('writes a pending order with a price snapshot, VAT per rate, takes stock and empties the cart', async () => {
    const user = await buyerWith([
      [products.ebook, 1],
      [products.mug, 2],
    ]);
    const stockBefore = await stockOf(products.mug.id);
    const { order, redirectUrl } = await checkoutOk(user, 'stripe');
    expect(order).toMatchObject({
      status: 'pending',
      paymentMethod: 'stripe',
      currency: 'EUR',
      subtotalMinor: 1200 + 2 * 1500,
      shippingMinor: 490,
      totalMinor: 1200 + 3000 + 490,
      itemCount: 3,
      billing: { ...BILLING, country: 'FR' },
    });
    const ebookLine = order.lines.find((line) => line.productId === products.ebook.id);
    expect(ebookLine).toMatchObject({
      kind: 'digital',
      unitPriceMinor: 1200,
      quantity: 1,
      taxRateBps: 550,
    });
    // 5.5 % on the e-book, 20 % on the mug and shipping: VAT is the included part of each.
    expect(order.vat).toEqual([
      { rateBps: 2000, grossMinor: 3490, netMinor: 2908, vatMinor: 582 },
      { rateBps: 550, grossMinor: 1200, netMinor: 1137, vatMinor: 63 },
    ]);
    expect(order.taxMinor).toBe(582 + 63);
    expect(order.history).toMatchObject([{ fromStatus: null, toStatus: 'pending' }]);
    expect(redirectUrl).toMatch(/\/pay\/cs_test_/);
    expect(await stockOf(products.mug.id)).toBe((stockBefore ?? 0) - 2);
    expect((await readCart({ token: user.accessToken })).lines).toEqual([]);

    // The Stripe session: idempotency key from the order, its id in metadata, totals equal.
    const created = (await stripeRequests()).filter(
      (r) => r.path === '/v1/checkout/sessions' && r.idempotencyKey === `checkout-${order.id}`,
    );
    expect(created).toHaveLength(1);
    const params = created[0]?.params as {
      metadata: { orderId: string };
      payment_intent_data: { metadata: { orderId: string } };
      line_items: Array<{ price_data: { unit_amount: string } }>;
      success_url: string;
    };
    expect(params.metadata.orderId).toBe(order.id);
    expect(params.payment_intent_data.metadata.orderId).toBe(order.id);
    expect(
      params.line_items.reduce((sum, item) => sum + Number(item.price_data.unit_amount), 0),
    ).toBe(order.totalMinor);
    expect(params.success_url).toContain(`/orders/${order.id}`);
  });

  it('charges the price of checkout time, not the one seen when adding to the cart', async () => {
    const product = await createProduct(admin, { kind: 'digital', priceMinor: 1000 });
    const user = await buyerWith([[product, 1]]);
    await patchProduct(admin, product.id, { priceMinor: 1300 });
    const { order } = await checkoutOk(user, 'bank_transfer');
    expect(order.lines[0]).toMatchObject({ unitPriceMinor: 1300, lineTotalMinor: 1300 });
    expect(order.totalMinor).toBe(1300);
    // The snapshot stays when the price moves again.
    await patchProduct(admin, product.id, { priceMinor: 900 });
    expect((await readOrder(user, order.id)).totalMinor).toBe(1300);
  });

  it('returns the same order for the same Idempotency-Key, never a second one', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const key = randomUUID();
    const body = { paymentMethod: 'stripe', billing: BILLING };
    const first = await checkoutCall(user, body, key);
    expect(first.status).toBe(201);
    const firstBody = await json<CheckoutBody>(first);
    const again = await checkoutCall(user, body, key);
    expect(again.status).toBe(200);
    const againBody = await json<CheckoutBody>(again);
    expect(againBody.order.id).toBe(firstBody.order.id);
    expect(againBody.redirectUrl).toBe(firstBody.redirectUrl);
    expect(await ordersOf(user.id)).toBe(1);
    // Another account may use the same key: keys are per account.
    const other = await buyerWith([[products.ebook, 1]]);
    const theirs = await checkoutCall(other, body, key);
    expect(theirs.status).toBe(201);
    expect((await json<CheckoutBody>(theirs)).order.id).not.toBe(firstBody.order.id);
  });

  it('settles racing requests with one key on one order', async () => {
    const user = await buyerWith([[products.ebook, 2]]);
    const key = randomUUID();
    const body = { paymentMethod: 'bank_transfer', billing: BILLING };
    const replies = await Promise.all([1, 2, 3].map(() => checkoutCall(user, body, key)));
    const ok = replies.filter((res) => res.status === 200 || res.status === 201);
    const ids = new Set(
      await Promise.all(ok.map(async (res) => (await json<CheckoutBody>(res)).order.id)),
    );
    expect(ok.length).toBeGreaterThan(0);
    expect(ids.size).toBe(1);
    expect(await ordersOf(user.id)).toBe(1);
  });

  it('gives bank-transfer orders a unique reference and the payee details', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const { order, instructions } = await checkoutOk(user, 'bank_transfer');
    expect(order.bankReference).toMatch(/^WBX-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(instructions).toMatchObject({
      holder: 'WeBox Test SAS',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP',
      reference: order.bankReference,
      amountMinor: order.totalMinor,
      currency: 'EUR',
    });
    expect(order.instructions).toEqual(instructions);
  });
});

describe('checkout: promo codes', () => {
  it('applies and redeems a code atomically with the order', async () => {
    const code = `CK${randomUUID().slice(0, 6).toUpperCase()}`;
    const created = await call('/api/admin/promo-codes', {
      token: admin.accessToken,
      json: { code, kind: 'percent', value: 10, maxUses: 1 },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const user = await buyerWith([[products.credits, 1]]);
    const { order } = await checkoutOk(user, 'bank_transfer', { promoCode: code.toLowerCase() });
    expect(order).toMatchObject({ promoCode: code, discountMinor: 200, totalMinor: 1800 });
    expect(order.lines[0]).toMatchObject({ discountMinor: 200, lineTotalMinor: 1800 });
    const [use] = await query<{ uses_count: number; redemptions: number }>(
      (
        db,
      ) => db`select uses_count, (select count(*)::int from promo_redemptions r where r.order_id = ${order.id}) as redemptions
                 from promo_codes where code = ${code}`,
    );
    expect(use).toEqual({ uses_count: 1, redemptions: 1 });

    // Used up: the next buyer's checkout is refused and writes nothing.
    const next = await buyerWith([[products.credits, 1]]);
    await expectProblem(
      await checkoutCall(next, {
        paymentMethod: 'bank_transfer',
        billing: BILLING,
        promoCode: code,
      }),
      422,
      'PROMO_REJECTED',
    );
    expect(await ordersOf(next.id)).toBe(0);
    expect((await readCart({ token: next.accessToken })).lines).toHaveLength(1);

    // Cancelling the first order gives the use back.
    const cancel = await call(`/api/orders/${order.id}/cancel`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect(cancel.status, await cancel.clone().text()).toBe(200);
    const [after] = await query<{ uses_count: number }>(
      (db) => db`select uses_count from promo_codes where code = ${code}`,
    );
    expect(after?.uses_count).toBe(0);
    const retry = await checkoutCall(next, {
      paymentMethod: 'bank_transfer',
      billing: BILLING,
      promoCode: code,
    });
    expect(retry.status, await retry.clone().text()).toBe(201);
  });

  it('refuses an unknown code with nothing written', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const problem = await expectProblem(
      await checkoutCall(user, {
        paymentMethod: 'stripe',
        billing: BILLING,
        promoCode: 'NOPE-NOPE',
      }),
      422,
      'PROMO_REJECTED',
    );
    expect(problem.errors?.[0]?.path).toBe('body.promoCode');
    expect(await ordersOf(user.id)).toBe(0);
  });
});

describe('checkout: refusals', () => {
  it('refuses more than the stock left with 409 OUT_OF_STOCK and writes nothing', async () => {
    const product = await createProduct(admin, { kind: 'physical', priceMinor: 800, stock: 3 });
    const first = await buyerWith([[product, 2]]);
    const second = await buyerWith([[product, 2]]);
    await checkoutOk(first, 'bank_transfer');
    expect(await stockOf(product.id)).toBe(1);
    const problem = await expectProblem(
      await checkoutCall(second, { paymentMethod: 'bank_transfer', billing: BILLING }),
      409,
      'OUT_OF_STOCK',
    );
    expect(problem.detail).toMatch(/Only 1/);
    expect(await stockOf(product.id)).toBe(1);
    expect(await ordersOf(second.id)).toBe(0);
    expect((await readCart({ token: second.accessToken })).lines).toHaveLength(1);
  });

  it('sells the last units once when buyers race', async () => {
    const product = await createProduct(admin, { kind: 'physical', priceMinor: 800, stock: 2 });
    const buyers = await Promise.all([1, 2, 3, 4].map(() => buyerWith([[product, 1]])));
    const replies = await Promise.all(
      buyers.map((buyer) =>
        checkoutCall(buyer, { paymentMethod: 'bank_transfer', billing: BILLING }),
      ),
    );
    const statuses = replies.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 201, 409, 409]);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('refuses an empty cart, a withdrawn product and a missing key', async () => {
    const empty = await registerUser();
    await expectProblem(
      await checkoutCall(empty, { paymentMethod: 'stripe', billing: BILLING }),
      409,
      'CONFLICT',
    );

    const product = await createProduct(admin, { kind: 'digital', priceMinor: 500 });
    const user = await buyerWith([[product, 1]]);
    await patchProduct(admin, product.id, { active: false });
    const withdrawn = await expectProblem(
      await checkoutCall(user, { paymentMethod: 'stripe', billing: BILLING }),
      409,
      'CONFLICT',
    );
    expect(withdrawn.detail).toMatch(/no longer for sale/);

    const keyless = await expectProblem(
      await checkoutCall(user, { paymentMethod: 'stripe', billing: BILLING }, null),
      400,
      'VALIDATION_FAILED',
    );
    expect(keyless.errors?.[0]?.path).toBe('header.idempotency-key');
    expect(await ordersOf(user.id)).toBe(0);
  });

  it('validates the body and needs a signed-in caller', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const key = { 'Idempotency-Key': randomUUID() };
    await expectProblem(
      await call('/api/checkout', {
        json: { paymentMethod: 'stripe', billing: BILLING },
        headers: key,
      }),
      401,
      'UNAUTHORIZED',
    );
    const bad = await expectProblem(
      await checkoutCall(user, { paymentMethod: 'cash', billing: { name: '', email: 'nope' } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(bad.errors?.map((e) => e.path).sort()).toEqual([
      'body.billing.email',
      'body.billing.name',
      'body.paymentMethod',
    ]);
    await expectProblem(
      await checkoutCall(user, {
        paymentMethod: 'stripe',
        billing: { ...BILLING, country: 'France' },
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/checkout', {
        token: user.accessToken,
        headers: { ...key, 'Content-Type': 'application/json' },
        body: '{"paymentMethod":',
      }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await checkoutCall(user, { paymentMethod: 'stripe', billing: BILLING, extra: true }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await ordersOf(user.id)).toBe(0);
  });
});

describe('orders: reading and cancelling', () => {
  let owner: TestUser;
  let order: OrderBody;
  beforeAll(async () => {
    owner = await buyerWith([[products.mug, 1]]);
    order = (await checkoutOk(owner, 'stripe')).order;
  });

  it('lists your orders, newest first, paged', async () => {
    const second = (
      await (async () => {
        await addItemOk({ token: owner.accessToken }, products.ebook.id, 1);
        return checkoutOk(owner, 'bank_transfer');
      })()
    ).order;
    const res = await call('/api/orders?limit=1', { token: owner.accessToken });
    expect(res.status).toBe(200);
    const page = await json<{ items: OrderBody[]; total: number; page: number; limit: number }>(
      res,
    );
    expect(page).toMatchObject({ total: 2, page: 1, limit: 1 });
    expect(page.items.map((item) => item.id)).toEqual([second.id]);
    const next = await json<{ items: OrderBody[] }>(
      await call('/api/orders?limit=1&page=2', { token: owner.accessToken }),
    );
    expect(next.items.map((item) => item.id)).toEqual([order.id]);
    await expectProblem(
      await call('/api/orders?limit=0', { token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('hides other people’s orders behind 404, like missing ones', async () => {
    const stranger = await registerUser();
    await expectProblem(
      await call(`/api/orders/${order.id}`, { token: stranger.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/orders/${order.id}/cancel`, { method: 'POST', token: stranger.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/orders/${randomUUID()}`, { token: owner.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/orders/not-a-uuid', { token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(await call(`/api/orders/${order.id}`), 401, 'UNAUTHORIZED');
  });

  it('cancels a pending order, closing its Stripe session and giving its stock back', async () => {
    const before = await stockOf(products.mug.id);
    const res = await call(`/api/orders/${order.id}/cancel`, {
      method: 'POST',
      token: owner.accessToken,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const cancelled = await json<OrderBody>(res);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'cancelled',
    });
    expect(await stockOf(products.mug.id)).toBe((before ?? 0) + 1);
    const sessionId = await sessionIdOf(order.id);
    const expired = (await stripeRequests()).filter(
      (r) => r.path === `/v1/checkout/sessions/${sessionId}/expire`,
    );
    expect(expired).toHaveLength(1);
    await expectProblem(
      await call(`/api/orders/${order.id}/cancel`, { method: 'POST', token: owner.accessToken }),
      409,
      'CONFLICT',
    );
    expect(await stockOf(products.mug.id)).toBe((before ?? 0) + 1);
  });
});

describe('checkout: API description', () => {
  it('documents the marketplace routes in the OpenAPI document', async () => {
    const res = await call('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json<{
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    }>(res);
    for (const path of [
      '/api/checkout',
      '/api/checkout/paypal/capture',
      '/api/orders',
      '/api/orders/{id}',
      '/api/orders/{id}/cancel',
      '/api/admin/orders',
      '/api/admin/orders.csv',
      '/api/admin/orders/{id}/confirm-transfer',
      '/api/admin/orders/{id}/refund',
      '/api/invoices/{id}/pdf',
      '/api/plans',
      '/api/plans/subscribe',
      '/api/plans/cancel',
      '/api/webhooks/stripe',
      '/api/webhooks/paypal',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/checkout']?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header' }),
    );
  });
});
