import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_STRIPE_KEY, signStripePayload, stripeEvent } from '../fakes/stripe';
import { createAdmin, waitForMail } from '../helpers/accounts';
import { call, expectProblem, json, sql, type TestUser } from '../helpers/api';
import {
  buyerWith,
  catalog,
  checkoutOk,
  deliverStripe,
  deliverStripeOk,
  type OrderBody,
  orderFootprint,
  paymentTables,
  payStripeSession,
  query,
  readOrder,
  type StripeObject,
  sessionIdOf,
  stripeControl,
  stripeFakeUrl,
  stripeSecret,
} from './helpers';

let admin: TestUser;
let products: Awaited<ReturnType<typeof catalog>>;
beforeAll(async () => {
  admin = await createAdmin();
  products = await catalog(admin);
});

/** A buyer with an e-book and two credit packs, checked out with Stripe and paid at the fake. */
async function paidAtStripe() {
  const user = await buyerWith([
    [products.ebook, 1],
    [products.credits, 2],
  ]);
  const { order } = await checkoutOk(user, 'stripe');
  const paid = await payStripeSession(await sessionIdOf(order.id));
  return { user, order, ...paid };
}

async function eventsSeen(eventId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    (db) =>
      db`select count(*)::int as n from webhook_events where provider = 'stripe' and event_id = ${eventId}`,
  );
  return row?.n ?? 0;
}

describe('stripe webhook: exactly one fulfilment', () => {
  it('fulfils once when checkout.session.completed is delivered 10 times', async () => {
    const { user, order, session } = await paidAtStripe();
    const event = stripeEvent('checkout.session.completed', session);
    const outcomes: Array<{ duplicate: boolean; outcome: string }> = [];
    for (let i = 0; i < 10; i++) {
      const res = await deliverStripe(event);
      expect(res.status, await res.clone().text()).toBe(200);
      outcomes.push(await json(res));
    }
    expect(outcomes[0]).toEqual({ received: true, duplicate: false, outcome: 'fulfilled' });
    expect(outcomes.slice(1).every((o) => o.duplicate && o.outcome === 'already processed')).toBe(
      true,
    );
    expect(await orderFootprint(order.id)).toEqual({
      status: 'fulfilled',
      paid_events: 1,
      fulfilled_events: 1,
      invoices: 1,
      grants: 1,
      credits: 1000,
      downloads: 1,
    });
    expect(await eventsSeen(String(event.id))).toBe(1);
    const [sales] = await query<{ sales: number }>(
      (db) => db`select sales_count as sales from products where id = ${products.credits.id}`,
    );
    expect(sales?.sales).toBeGreaterThanOrEqual(2);

    const read = await readOrder(user, order.id);
    expect(read.history.map((h) => h.toStatus)).toEqual(['pending', 'paid', 'fulfilled']);
    expect(read.invoices).toHaveLength(1);
    expect(read.invoices[0]?.number).toMatch(/^\d{4}-\d{6}$/);
    const mail = await waitForMail(user.email, /WeBox/);
    expect(mail.text_body).toContain(read.invoices[0]?.number ?? 'missing');
    expect(mail.text_body).toContain(`/orders/${order.id}`);
  });

  it('fulfils once when the same event races in 10 parallel deliveries', async () => {
    const { order, session } = await paidAtStripe();
    const event = stripeEvent('checkout.session.completed', session);
    const replies = await Promise.all(Array.from({ length: 10 }, () => deliverStripe(event)));
    expect(replies.map((res) => res.status)).toEqual(Array(10).fill(200));
    const bodies = await Promise.all(replies.map((res) => json<{ duplicate: boolean }>(res)));
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await orderFootprint(order.id)).toMatchObject({
      status: 'fulfilled',
      paid_events: 1,
      invoices: 1,
      grants: 1,
    });
  });

  it('fulfils once whichever of the payment events arrives first, and later ones change nothing', async () => {
    const { order, session, paymentIntent } = await paidAtStripe();
    // The PaymentIntent event overtakes the session's.
    expect(await deliverStripeOk('payment_intent.succeeded', paymentIntent)).toMatchObject({
      outcome: 'fulfilled',
    });
    expect(await deliverStripeOk('checkout.session.completed', session)).toMatchObject({
      outcome: 'already',
    });
    // A failed attempt reported late, or the session expiring, cannot undo the payment.
    const failed = {
      ...paymentIntent,
      status: 'requires_payment_method',
      last_payment_error: { message: 'declined' },
    };
    expect(await deliverStripeOk('payment_intent.payment_failed', failed)).toMatchObject({
      outcome: 'ignored: order fulfilled',
    });
    expect(
      await deliverStripeOk('checkout.session.expired', { ...session, status: 'expired' }),
    ).toMatchObject({
      outcome: 'ignored: not pending',
    });
    expect(await orderFootprint(order.id)).toMatchObject({
      status: 'fulfilled',
      paid_events: 1,
      fulfilled_events: 1,
      invoices: 1,
      grants: 1,
      credits: 1000,
    });
  });

  it('notes a declined attempt and keeps the order open for another try', async () => {
    const user = await buyerWith([[products.ebook, 1]]);
    const { order } = await checkoutOk(user, 'stripe');
    const { paymentIntent } = await stripeControl<{ paymentIntent: StripeObject }>(
      `/__sessions/${await sessionIdOf(order.id)}/fail`,
    );
    expect(await deliverStripeOk('payment_intent.payment_failed', paymentIntent)).toMatchObject({
      outcome: 'noted',
    });
    const read = await readOrder(user, order.id);
    expect(read.status).toBe('pending');
    expect(read.history.at(-1)).toMatchObject({ toStatus: 'pending', actor: 'stripe' });
    expect(read.history.at(-1)?.note).toMatch(/declined/);
  });

  it('cancels the order when its payment page expires, giving the stock back', async () => {
    const user = await buyerWith([[products.mug, 3]]);
    const [before] = await query<{ stock: number }>(
      (db) => db`select stock from products where id = ${products.mug.id}`,
    );
    const { order } = await checkoutOk(user, 'stripe');
    const sessionId = await sessionIdOf(order.id);
    const session = (await (
      await fetch(`${stripeFakeUrl()}/v1/checkout/sessions/${sessionId}`, {
        headers: { Authorization: `Bearer ${FAKE_STRIPE_KEY}` },
      })
    ).json()) as StripeObject;
    expect(
      await deliverStripeOk('checkout.session.expired', { ...session, status: 'expired' }),
    ).toMatchObject({
      outcome: 'cancelled',
    });
    expect((await readOrder(user, order.id)).status).toBe('cancelled');
    const [after] = await query<{ stock: number }>(
      (db) => db`select stock from products where id = ${products.mug.id}`,
    );
    expect(after?.stock).toBe(before?.stock);
  });

  it('honours a payment that arrives after the order was cancelled: one order, fulfilled', async () => {
    const user = await buyerWith([[products.credits, 1]]);
    const { order } = await checkoutOk(user, 'stripe');
    const cancel = await call(`/api/orders/${order.id}/cancel`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect(cancel.status).toBe(200);
    const intent = {
      id: `pi_test_${randomBytes(8).toString('hex')}`,
      object: 'payment_intent',
      amount: order.totalMinor,
      amount_received: order.totalMinor,
      currency: 'eur',
      status: 'succeeded',
      metadata: { orderId: order.id },
    };
    expect(await deliverStripeOk('payment_intent.succeeded', intent)).toMatchObject({
      outcome: 'fulfilled',
    });
    const read = await readOrder(user, order.id);
    expect(read.status).toBe('fulfilled');
    expect(read.history.find((h) => h.fromStatus === 'cancelled')?.note).toMatch(
      /after the order was cancelled/,
    );
    expect(await orderFootprint(order.id)).toMatchObject({
      paid_events: 1,
      invoices: 1,
      grants: 1,
    });
  });

  it('does not fulfil when the amount paid differs from the order total', async () => {
    const { user, order, session } = await paidAtStripe();
    const outcome = await deliverStripeOk('checkout.session.completed', {
      ...session,
      amount_total: 1,
    });
    expect(outcome.outcome).toBe('amount_mismatch');
    const read = await readOrder(user, order.id);
    expect(read.status).toBe('pending');
    expect(read.history.at(-1)?.note).toMatch(/does not match/);
  });

  it('accepts events about unknown orders or of other types without doing anything', async () => {
    const before = await paymentTables();
    expect(
      await deliverStripeOk('payment_intent.succeeded', {
        id: 'pi_x',
        object: 'payment_intent',
        amount_received: 100,
        currency: 'eur',
        metadata: { orderId: randomUUID() },
      }),
    ).toMatchObject({ outcome: 'ignored: unknown order' });
    expect(
      await deliverStripeOk('customer.created', { id: 'cus_x', object: 'customer' }),
    ).toMatchObject({
      outcome: 'ignored: event type not handled',
    });
    const after = await paymentTables();
    expect({ ...after, webhook_events: 0 }).toEqual({ ...before, webhook_events: 0 });
    expect(after?.webhook_events).toBe((before?.webhook_events ?? 0) + 2);
  });
});

describe('stripe webhook: signatures', () => {
  let order: OrderBody;
  let session: StripeObject;
  beforeAll(async () => {
    const paid = await paidAtStripe();
    order = paid.order;
    session = paid.session;
  });

  it.each([
    ['signed with another secret', { secret: `whsec_${randomBytes(24).toString('base64url')}` }],
    ['stale: signed 301 seconds ago', { timestamp: Math.floor(Date.now() / 1000) - 301 }],
    ['without a signature header', { signature: null }],
    ['with a malformed header', { signature: 't=abc,v1=nothex' }],
  ])('rejects an event %s with 400 and writes nothing', async (_label, options) => {
    const before = await paymentTables();
    const event = stripeEvent('checkout.session.completed', session);
    await expectProblem(await deliverStripe(event, options), 400, 'WEBHOOK_REJECTED');
    expect(await paymentTables()).toEqual(before);
    expect(await eventsSeen(String(event.id))).toBe(0);
    expect((await orderFootprint(order.id)).status).toBe('pending');
  });

  it('rejects a payload changed after signing', async () => {
    const before = await paymentTables();
    const event = stripeEvent('checkout.session.completed', session);
    const signature = signStripePayload(JSON.stringify(event), stripeSecret());
    const forged = JSON.stringify({ ...event, data: { object: { ...session, amount_total: 1 } } });
    const res = await call('/api/webhooks/stripe', {
      body: forged,
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    });
    await expectProblem(res, 400, 'WEBHOOK_REJECTED');
    expect(await paymentTables()).toEqual(before);
  });

  it('still accepts the genuine event afterwards', async () => {
    expect(await deliverStripeOk('checkout.session.completed', session)).toMatchObject({
      outcome: 'fulfilled',
    });
  });
});

describe('stripe webhook: a database failure mid-fulfilment', () => {
  it('rolls everything back, answers 500, and the retry fulfils with no gap in invoice numbers', async () => {
    const { user, order, session } = await paidAtStripe();
    const tag = `fail_once_${randomBytes(4).toString('hex')}`;
    const db = sql();
    const year = new Date().getUTCFullYear();
    try {
      // A trigger that fails the invoice insert of this order once: the sequence is not
      // transactional, so the rollback does not re-arm it.
      await db.unsafe(`create sequence ${tag}`);
      await db.unsafe(`
        create function ${tag}() returns trigger language plpgsql as $$
        begin
          if new.order_id = '${order.id}' and nextval('${tag}') = 1 then
            raise exception 'simulated database failure';
          end if;
          return new;
        end $$`);
      await db.unsafe(
        `create trigger ${tag} before insert on invoices for each row execute function ${tag}()`,
      );
      const [counter] = await db<
        { last: number }[]
      >`select last from invoice_counters where year = ${year}`;
      const event = stripeEvent('checkout.session.completed', session);

      const failed = await deliverStripe(event);
      await expectProblem(failed, 500, 'INTERNAL_SERVER_ERROR');
      // Nothing of the fulfilment survived: not paid, no credits, no download, no invoice,
      // no number taken, and the event is not marked as seen, so Stripe's retry is processed.
      expect(await orderFootprint(order.id)).toEqual({
        status: 'pending',
        paid_events: 0,
        fulfilled_events: 0,
        invoices: 0,
        grants: 0,
        credits: 0,
        downloads: 0,
      });
      expect(await eventsSeen(String(event.id))).toBe(0);
      const [same] = await db<
        { last: number }[]
      >`select last from invoice_counters where year = ${year}`;
      expect(same?.last).toBe(counter?.last);

      const retried = await deliverStripe(event);
      expect(retried.status, await retried.clone().text()).toBe(200);
      expect(await orderFootprint(order.id)).toEqual({
        status: 'fulfilled',
        paid_events: 1,
        fulfilled_events: 1,
        invoices: 1,
        grants: 1,
        credits: 1000,
        downloads: 1,
      });
      const read = await readOrder(user, order.id);
      expect(read.invoices[0]?.number).toBe(
        `${year}-${String((counter?.last ?? 0) + 1).padStart(6, '0')}`,
      );
      const [stuck] = await db<
        { n: number }[]
      >`select count(*)::int as n from orders where status = 'paid' and user_id = ${user.id}`;
      expect(stuck?.n).toBe(0);
    } finally {
      await db.unsafe(`drop trigger if exists ${tag} on invoices`);
      await db.unsafe(`drop function if exists ${tag}()`);
      await db.unsafe(`drop sequence if exists ${tag}`);
      await db.end();
    }
  });
});
