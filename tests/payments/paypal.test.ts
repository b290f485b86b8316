import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import {
  buyerWith,
  catalog,
  checkoutOk,
  deliverPaypal,
  type OrderBody,
  orderFootprint,
  paymentTables,
  paypalControl,
  paypalDelivery,
  paypalFakeUrl,
  query,
  readOrder,
} from './helpers';

let admin: TestUser;
let products: Awaited<ReturnType<typeof catalog>>;
beforeAll(async () => {
  admin = await createAdmin();
  products = await catalog(admin);
});

interface PaypalRequest {
  method: string;
  path: string;
  requestId: string | null;
  body: {
    purchase_units?: Array<{
      custom_id?: string;
      amount?: { value: string; currency_code: string };
    }>;
  };
}

async function paypalRequests(): Promise<PaypalRequest[]> {
  const res = await fetch(`${paypalFakeUrl()}/__requests`);
  return ((await res.json()) as { requests: PaypalRequest[] }).requests;
}

async function providerRef(orderId: string): Promise<string> {
  const [row] = await query<{ provider_ref: string }>(
    (db) => db`select provider_ref from orders where id = ${orderId}`,
  );
  return row?.provider_ref ?? '';
}

interface FakeOrder {
  status: string;
  purchase_units: Array<{
    payments?: { captures?: Array<{ id: string; amount: unknown; custom_id: string }> };
  }>;
}

async function fakeOrder(paypalId: string): Promise<FakeOrder> {
  return (await (await fetch(`${paypalFakeUrl()}/__orders/${paypalId}`)).json()) as FakeOrder;
}

function capture(user: TestUser, orderId: string): Promise<Response> {
  return call('/api/checkout/paypal/capture', { token: user.accessToken, json: { orderId } });
}

describe('paypal: create, approve, capture, webhook', () => {
  let user: TestUser;
  let order: OrderBody;
  let paypalId: string;

  beforeAll(async () => {
    user = await buyerWith([[products.credits, 1]]);
    const result = await checkoutOk(user, 'paypal');
    order = result.order;
    paypalId = await providerRef(order.id);
    expect(result.approveUrl).toBe(`${paypalFakeUrl()}/checkoutnow?token=${paypalId}`);
  });

  it('creates the PayPal order through the SDK, idempotent on the order id', async () => {
    const created = (await paypalRequests()).filter(
      (r) => r.path === '/v2/checkout/orders' && r.requestId === `order-${order.id}`,
    );
    expect(created).toHaveLength(1);
    expect(created[0]?.body.purchase_units?.[0]).toMatchObject({
      custom_id: order.id,
      amount: { currency_code: 'EUR', value: '20.00' },
    });
    expect((await paypalRequests()).some((r) => r.path === '/v1/oauth2/token')).toBe(true);
  });

  it('refuses to capture before the buyer approves, and only for the owner', async () => {
    await expectProblem(await capture(user, order.id), 409, 'CONFLICT');
    const stranger = await registerUser();
    await expectProblem(await capture(stranger, order.id), 404, 'NOT_FOUND');
    await expectProblem(await capture(user, randomUUID()), 404, 'NOT_FOUND');
    await expectProblem(
      await call('/api/checkout/paypal/capture', {
        token: user.accessToken,
        json: { orderId: 'x' },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await orderFootprint(order.id)).status).toBe('pending');
  });

  it('captures once after approval and fulfils the order', async () => {
    await paypalControl(`/__orders/${paypalId}/approve`);
    const res = await capture(user, order.id);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json<{ order: OrderBody }>(res);
    expect(body.order.status).toBe('fulfilled');
    const again = await capture(user, order.id);
    expect(again.status).toBe(200);
    const captures = (await paypalRequests()).filter(
      (r) => r.path === `/v2/checkout/orders/${paypalId}/capture`,
    );
    expect(captures).toHaveLength(1);
    expect(captures[0]?.requestId).toBe(`capture-${order.id}`);
    expect(await orderFootprint(order.id)).toMatchObject({
      status: 'fulfilled',
      paid_events: 1,
      invoices: 1,
      grants: 1,
      credits: 500,
    });
  });

  it('accepts the verified PAYMENT.CAPTURE.COMPLETED webhook without fulfilling twice', async () => {
    const captured = (await fakeOrder(paypalId)).purchase_units[0]?.payments?.captures?.[0];
    expect(captured?.custom_id).toBe(order.id);
    const delivery = await paypalDelivery('PAYMENT.CAPTURE.COMPLETED', {
      ...captured,
      status: 'COMPLETED',
      supplementary_data: { related_ids: { order_id: paypalId } },
    });
    const res = await deliverPaypal(delivery);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ duplicate: false, outcome: 'already' });
    const replay = await deliverPaypal(delivery);
    expect(await json(replay)).toMatchObject({ duplicate: true });
    expect(await orderFootprint(order.id)).toMatchObject({
      paid_events: 1,
      invoices: 1,
      grants: 1,
    });
    expect(
      (await paypalRequests()).some((r) => r.path === '/v1/notifications/verify-webhook-signature'),
    ).toBe(true);
  });

  it('refunds through PayPal, and the refund webhook does not count it twice', async () => {
    const res = await call(`/api/admin/orders/${order.id}/refund`, {
      token: admin.accessToken,
      json: { reason: 'Annulation' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const refunded = await json<OrderBody>(res);
    expect(refunded).toMatchObject({ status: 'refunded', refundedMinor: 2000 });
    const captureId = (await fakeOrder(paypalId)).purchase_units[0]?.payments?.captures?.[0]?.id;
    const calls = (await paypalRequests()).filter(
      (r) => r.path === `/v2/payments/captures/${captureId}/refund`,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.requestId).toBe(`refund-${order.id}-0-2000`);
    const [refundRow] = await query<{ provider_ref: string }>(
      (db) => db`select provider_ref from refunds where order_id = ${order.id}`,
    );
    const delivery = await paypalDelivery('PAYMENT.CAPTURE.REFUNDED', {
      id: refundRow?.provider_ref,
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '20.00' },
      custom_id: order.id,
    });
    const hook = await deliverPaypal(delivery);
    expect(await json(hook)).toMatchObject({ outcome: 'duplicate' });
    const read = await readOrder(user, order.id);
    expect(read.refunds).toHaveLength(1);
    expect(read.invoices.filter((doc) => doc.kind === 'credit_note')).toHaveLength(1);
  });
});

describe('paypal: the webhook first, and refunds made on PayPal', () => {
  it('fulfils from the webhook alone; the later capture call returns the fulfilled order', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const { order } = await checkoutOk(user, 'paypal');
    const delivery = await paypalDelivery('PAYMENT.CAPTURE.COMPLETED', {
      id: `CAP${randomUUID().slice(0, 8)}`,
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '12.00' },
      custom_id: order.id,
    });
    const res = await deliverPaypal(delivery);
    expect(await json(res)).toMatchObject({ outcome: 'fulfilled' });
    const late = await capture(user, order.id);
    expect(late.status).toBe(200);
    expect((await json<{ order: OrderBody }>(late)).order.status).toBe('fulfilled');
    expect(await orderFootprint(order.id)).toMatchObject({
      paid_events: 1,
      invoices: 1,
      downloads: 1,
    });
  });

  it('records a refund made on PayPal, finding the order through the capture', async () => {
    const user = await buyerWith([[products.credits, 1]]);
    const { order } = await checkoutOk(user, 'paypal');
    const paypalId = await providerRef(order.id);
    await paypalControl(`/__orders/${paypalId}/approve`);
    expect((await capture(user, order.id)).status).toBe(200);
    const captureId = (await fakeOrder(paypalId)).purchase_units[0]?.payments?.captures?.[0]?.id;
    const delivery = await paypalDelivery('PAYMENT.CAPTURE.REFUNDED', {
      id: `REF${randomUUID().slice(0, 8)}`,
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '5.00' },
      links: [
        { href: `${paypalFakeUrl()}/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
      ],
    });
    expect(await json(await deliverPaypal(delivery))).toMatchObject({ outcome: 'recorded' });
    expect(await readOrder(user, order.id)).toMatchObject({
      status: 'partially_refunded',
      refundedMinor: 500,
    });
  });
});

describe('paypal: webhook verification', () => {
  let order: OrderBody;
  beforeAll(async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    order = (await checkoutOk(user, 'paypal')).order;
  });

  async function expectRejected(delivery: { body: string; headers: Record<string, string> }) {
    const before = await paymentTables();
    await expectProblem(await deliverPaypal(delivery), 400, 'WEBHOOK_REJECTED');
    expect(await paymentTables()).toEqual(before);
    expect((await orderFootprint(order.id)).status).toBe('pending');
  }

  const completed = () =>
    paypalDelivery('PAYMENT.CAPTURE.COMPLETED', {
      id: `CAP${randomUUID().slice(0, 8)}`,
      status: 'COMPLETED',
      amount: { currency_code: 'EUR', value: '12.00' },
      custom_id: order.id,
    });

  it('rejects a delivery PayPal answers FAILURE for: a changed body', async () => {
    const delivery = await completed();
    await expectRejected({ ...delivery, body: delivery.body.replace('"12.00"', '"0.01"') });
  });

  it('rejects changed or made-up transmission headers', async () => {
    const delivery = await completed();
    await expectRejected({
      ...delivery,
      headers: {
        ...delivery.headers,
        'paypal-transmission-sig': Buffer.from('forged').toString('base64'),
      },
    });
    await expectRejected({
      ...delivery,
      headers: { ...delivery.headers, 'paypal-transmission-id': randomUUID() },
    });
    await expectRejected({
      ...delivery,
      headers: { ...delivery.headers, 'paypal-cert-url': 'https://evil.example/cert.pem' },
    });
  });

  it('rejects a delivery without the transmission headers, or not JSON', async () => {
    const delivery = await completed();
    await expectRejected({ body: delivery.body, headers: {} });
    await expectRejected({ body: 'not json', headers: delivery.headers });
  });

  it('accepts the untouched delivery', async () => {
    const res = await deliverPaypal(await completed());
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await orderFootprint(order.id)).status).toBe('fulfilled');
  });
});
