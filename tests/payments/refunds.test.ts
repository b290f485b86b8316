import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_STRIPE_KEY } from '../fakes/stripe';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import {
  buyerWith,
  catalog,
  checkoutOk,
  deliverStripeOk,
  type OrderBody,
  payStripeSession,
  pdfText,
  query,
  readOrder,
  type StripeObject,
  sessionIdOf,
  stripeFakeUrl,
  stripeRequests,
} from './helpers';

let admin: TestUser;
let products: Awaited<ReturnType<typeof catalog>>;
beforeAll(async () => {
  admin = await createAdmin();
  products = await catalog(admin);
});

function refund(
  orderId: string,
  body: Record<string, unknown>,
  token = admin.accessToken,
  key?: string,
) {
  return call(`/api/admin/orders/${orderId}/refund`, {
    token,
    json: body,
    headers: key ? { 'Idempotency-Key': key } : {},
  });
}

async function refundOk(orderId: string, body: Record<string, unknown>): Promise<OrderBody> {
  const res = await refund(orderId, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<OrderBody>(res);
}

/** A fulfilled Stripe order (webhook delivered) and its Stripe objects. */
async function paidStripeOrder() {
  const user = await buyerWith([[products.credits, 1]]);
  const { order } = await checkoutOk(user, 'stripe');
  const paid = await payStripeSession(await sessionIdOf(order.id));
  await deliverStripeOk('checkout.session.completed', paid.session);
  return {
    user,
    order,
    charge: paid.charge as StripeObject,
    intent: paid.paymentIntent as StripeObject,
  };
}

async function stripeRefundsOf(chargeId: string): Promise<StripeObject[]> {
  const res = await fetch(`${stripeFakeUrl()}/v1/refunds?charge=${chargeId}`, {
    headers: { Authorization: `Bearer ${FAKE_STRIPE_KEY}` },
  });
  return ((await res.json()) as { data: StripeObject[] }).data;
}

describe('refunds through Stripe', () => {
  it('refunds in part, then the rest, with a credit note each time', async () => {
    const { user, order, intent, charge } = await paidStripeOrder();
    const partial = await refundOk(order.id, { amountMinor: 500, reason: 'Geste commercial' });
    expect(partial).toMatchObject({ status: 'partially_refunded', refundedMinor: 500 });
    expect(partial.refunds).toMatchObject([
      { provider: 'stripe', amountMinor: 500, reason: 'Geste commercial' },
    ]);
    const calls = (await stripeRequests()).filter(
      (r) => r.path === '/v1/refunds' && r.method === 'POST',
    );
    const mine = calls.filter((r) => r.params.payment_intent === intent.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      idempotencyKey: `refund-${order.id}-0-500`,
      params: { amount: '500', metadata: { orderId: order.id } },
    });

    const full = await refundOk(order.id, { reason: 'Retour' });
    expect(full).toMatchObject({ status: 'refunded', refundedMinor: order.totalMinor });
    expect(full.refunds.map((r) => r.amountMinor)).toEqual([500, order.totalMinor - 500]);
    const notes = full.invoices.filter((doc) => doc.kind === 'credit_note');
    expect(notes.map((doc) => doc.totalMinor)).toEqual([-500, -(order.totalMinor - 500)]);
    const invoiceNumber = full.invoices.find((doc) => doc.kind === 'invoice')?.number;
    expect(full.history.slice(-2).map((h) => h.toStatus)).toEqual([
      'partially_refunded',
      'refunded',
    ]);
    expect((await stripeRefundsOf(String(charge.id))).map((r) => r.amount)).toEqual([
      order.totalMinor - 500,
      500,
    ]);

    const pdf = await call(notes[0]?.pdfUrl ?? '', { token: user.accessToken });
    expect(pdf.status).toBe(200);
    const { text } = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('AVOIR');
    expect(text).toContain(notes[0]?.number);
    expect(text).toContain(invoiceNumber);
    expect(text).toContain('-5,00 €');
    expect(text).toContain('Geste commercial');

    await expectProblem(await refund(order.id, { reason: 'encore' }), 409, 'CONFLICT');
  });

  it('refunds once through Stripe when the same Idempotency-Key comes twice', async () => {
    const { user, order, charge } = await paidStripeOrder();
    const key = randomUUID();
    for (let i = 0; i < 2; i++) {
      const res = await refund(
        order.id,
        { amountMinor: 250, reason: 'Clic' },
        admin.accessToken,
        key,
      );
      expect(res.status, await res.clone().text()).toBe(200);
    }
    expect((await stripeRefundsOf(String(charge.id))).map((r) => r.amount)).toEqual([250]);
    expect((await readOrder(user, order.id)).refundedMinor).toBe(250);
  });

  it('refuses more than what is left, without calling Stripe', async () => {
    const { order } = await paidStripeOrder();
    const before = (await stripeRequests()).length;
    const problem = await expectProblem(
      await refund(order.id, { amountMinor: order.totalMinor + 1, reason: 'trop' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.errors?.[0]?.path).toBe('body.amountMinor');
    expect((await stripeRequests()).length).toBe(before);
  });

  it('counts a refund once when the charge.refunded webhook reports it again', async () => {
    const { user, order, charge } = await paidStripeOrder();
    await refundOk(order.id, { amountMinor: 300, reason: 'Partiel' });
    const refunds = await stripeRefundsOf(String(charge.id));
    const event = {
      ...charge,
      amount_refunded: 300,
      refunded: false,
      refunds: { object: 'list', data: refunds },
    };
    expect(await deliverStripeOk('charge.refunded', event)).toMatchObject({
      outcome: 'refunds: duplicate',
    });
    const read = await readOrder(user, order.id);
    expect(read).toMatchObject({ status: 'partially_refunded', refundedMinor: 300 });
    expect(read.refunds).toHaveLength(1);
  });

  it('records a refund made in the Stripe dashboard from the webhook, once', async () => {
    const { user, order, charge, intent } = await paidStripeOrder();
    const made = await fetch(`${stripeFakeUrl()}/v1/refunds`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${FAKE_STRIPE_KEY}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ charge: String(charge.id), amount: '700' }),
    });
    expect(made.status).toBe(200);
    const refunds = await stripeRefundsOf(String(charge.id));
    // Without metadata on the charge, the order is found through its PaymentIntent.
    const event = {
      ...charge,
      metadata: {},
      amount_refunded: 700,
      refunds: { object: 'list', data: refunds },
    };
    expect(await deliverStripeOk('charge.refunded', event)).toMatchObject({
      outcome: 'refunds: recorded',
    });
    expect(
      (await stripeRequests()).some(
        (r) => r.method === 'GET' && r.path === `/v1/payment_intents/${intent.id}`,
      ),
    ).toBe(true);
    const read = await readOrder(user, order.id);
    expect(read).toMatchObject({ status: 'partially_refunded', refundedMinor: 700 });
    expect(read.refunds[0]).toMatchObject({ provider: 'stripe', amountMinor: 700 });
    expect(read.invoices.filter((doc) => doc.kind === 'credit_note')).toHaveLength(1);
    // Replayed with a new event id, the same refund is still counted once.
    expect(await deliverStripeOk('charge.refunded', event)).toMatchObject({
      outcome: 'refunds: duplicate',
    });
    expect((await readOrder(user, order.id)).refundedMinor).toBe(700);
  });
});

describe('refunds of bank transfers and refusals', () => {
  it('records a transfer refund once when the same Idempotency-Key comes again', async () => {
    const user = await buyerWith([[products.ebook, 2]]);
    const { order } = await checkoutOk(user, 'bank_transfer');
    const confirmed = await call(`/api/admin/orders/${order.id}/confirm-transfer`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(confirmed.status).toBe(200);
    const key = randomUUID();
    const [a, b] = await Promise.all([
      refund(order.id, { amountMinor: 400, reason: 'Double clic' }, admin.accessToken, key),
      refund(order.id, { amountMinor: 400, reason: 'Double clic' }, admin.accessToken, key),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // The same click arriving once the first refund is done changes nothing either.
    const late = await refund(
      order.id,
      { amountMinor: 400, reason: 'Double clic' },
      admin.accessToken,
      key,
    );
    expect(late.status).toBe(200);
    const read = await readOrder(user, order.id);
    expect(read).toMatchObject({ status: 'partially_refunded', refundedMinor: 400 });
    expect(read.refunds).toMatchObject([{ provider: 'bank_transfer', amountMinor: 400 }]);
    const [notes] = await query<{ n: number }>(
      (db) =>
        db`select count(*)::int as n from invoices where order_id = ${order.id} and kind = 'credit_note'`,
    );
    expect(notes?.n).toBe(1);
  });

  it('refuses refunds of unpaid orders, by non-admins, and without a reason', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const { order } = await checkoutOk(user, 'bank_transfer');
    await expectProblem(await refund(order.id, { reason: 'x' }), 409, 'CONFLICT');
    await expectProblem(
      await refund(order.id, { reason: 'x' }, user.accessToken),
      403,
      'FORBIDDEN',
    );
    const someone = await registerUser();
    await expectProblem(
      await refund(order.id, { reason: 'x' }, someone.accessToken),
      403,
      'FORBIDDEN',
    );
    await expectProblem(await refund(order.id, {}), 400, 'VALIDATION_FAILED');
    await expectProblem(
      await refund(order.id, { reason: 'x', amountMinor: -5 }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await refund(order.id, { reason: 'x', amountMinor: 1.5 }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
