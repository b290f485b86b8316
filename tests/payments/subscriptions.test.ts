import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../commerce/helpers';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import {
  deliverStripeOk,
  payStripeSession,
  query,
  type StripeObject,
  stripeRequests,
} from './helpers';

let admin: TestUser;
const priceId = `price_test_pro_year_${randomBytes(4).toString('hex')}`;
beforeAll(async () => {
  admin = await createAdmin();
  await createProduct(admin, {
    kind: 'plan',
    plan: 'pro',
    billingInterval: 'year',
    priceMinor: 19_000,
    stripePriceId: priceId,
  });
  await createProduct(admin, {
    kind: 'plan',
    plan: 'business',
    billingInterval: 'year',
    priceMinor: 49_000,
  });
});

async function planOf(userId: string): Promise<string> {
  const [row] = await query<{ plan: string }>(
    (db) => db`select plan from users where id = ${userId}`,
  );
  return row?.plan ?? 'missing';
}

function subscribe(user: TestUser, body: Record<string, unknown>) {
  return call('/api/plans/subscribe', { token: user.accessToken, json: body });
}

/** A user who went through Stripe Checkout for Pro, yearly; the subscription as Stripe made it. */
async function subscribed(): Promise<{ user: TestUser; subscription: StripeObject }> {
  const user = await registerUser();
  const res = await subscribe(user, { plan: 'pro', interval: 'year' });
  expect(res.status, await res.clone().text()).toBe(200);
  const { sessionId } = await json<{ sessionId: string; redirectUrl: string }>(res);
  const { subscription } = await payStripeSession(sessionId);
  if (!subscription) throw new Error('no subscription');
  return { user, subscription };
}

describe('plans', () => {
  it('lists the plans with their prices and quotas, publicly', async () => {
    const res = await call('/api/plans?locale=en');
    expect(res.status).toBe(200);
    const { plans } = await json<{
      plans: Array<{
        plan: string;
        quotas: { dailyTokens: number; monthlyTokens: number };
        prices: Array<{ interval: string; priceMinor: number; subscribable: boolean }>;
      }>;
    }>(res);
    expect(plans.map((p) => p.plan)).toEqual(['free', 'pro', 'business']);
    expect(plans[0]).toMatchObject({ quotas: { dailyTokens: 200_000 }, prices: [] });
    expect(plans[1]?.prices).toContainEqual(
      expect.objectContaining({ interval: 'year', priceMinor: 19_000, subscribable: true }),
    );
    expect(plans[2]?.prices).toContainEqual(
      expect.objectContaining({ interval: 'year', priceMinor: 49_000, subscribable: false }),
    );
  });

  it('opens a Stripe Checkout Session in subscription mode', async () => {
    const user = await registerUser();
    const res = await subscribe(user, { plan: 'pro', interval: 'year' });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json<{ redirectUrl: string; sessionId: string }>(res);
    expect(body.redirectUrl).toContain(body.sessionId);
    const [created] = (await stripeRequests()).filter(
      (r) => r.path === '/v1/checkout/sessions' && r.params.client_reference_id === user.id,
    );
    expect(created?.params).toMatchObject({
      mode: 'subscription',
      line_items: [{ price: priceId, quantity: '1' }],
      subscription_data: { metadata: { userId: user.id, plan: 'pro' } },
    });
  });

  it('answers 424 for a plan without a Stripe price, calling nothing', async () => {
    const user = await registerUser();
    const before = (await stripeRequests()).length;
    const problem = await expectProblem(
      await subscribe(user, { plan: 'business', interval: 'year' }),
      424,
      'PAYMENT_NOT_CONFIGURED',
    );
    expect(problem.detail).toMatch(/stripePriceId/);
    expect((await stripeRequests()).length).toBe(before);
  });

  it('validates the request and needs a signed-in caller', async () => {
    const user = await registerUser();
    await expectProblem(await subscribe(user, { plan: 'free' }), 400, 'VALIDATION_FAILED');
    await expectProblem(
      await subscribe(user, { plan: 'pro', interval: 'week' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/plans/subscribe', { json: { plan: 'pro' } }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(
      await call('/api/plans/cancel', { method: 'POST', token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('plans: subscription webhooks', () => {
  it('sets the plan, survives events out of order, and resets it when the subscription ends', async () => {
    const { user, subscription } = await subscribed();
    const t0 = Math.floor(Date.now() / 1000);
    // "updated" overtakes "created": the plan is set by whichever arrives first.
    expect(
      await deliverStripeOk('customer.subscription.updated', subscription, { created: t0 + 1 }),
    ).toMatchObject({ outcome: 'subscription applied' });
    expect(await planOf(user.id)).toBe('pro');
    expect(
      await deliverStripeOk(
        'customer.subscription.created',
        { ...subscription, status: 'incomplete' },
        { created: t0 },
      ),
    ).toMatchObject({ outcome: 'subscription stale' });
    expect(await planOf(user.id)).toBe('pro');

    const mine = await json<{
      plan: string;
      subscription: { status: string; cancelAtPeriodEnd: boolean; currentPeriodEnd: string };
    }>(await call('/api/plans/subscription', { token: user.accessToken }));
    expect(mine).toMatchObject({
      plan: 'pro',
      subscription: { status: 'active', cancelAtPeriodEnd: false },
    });
    expect(Date.parse(mine.subscription.currentPeriodEnd)).toBeGreaterThan(Date.now());

    const ending = { ...subscription, cancel_at_period_end: true };
    await deliverStripeOk('customer.subscription.updated', ending, { created: t0 + 2 });
    expect(await planOf(user.id)).toBe('pro');
    await deliverStripeOk(
      'customer.subscription.deleted',
      { ...ending, status: 'canceled' },
      { created: t0 + 3 },
    );
    expect(await planOf(user.id)).toBe('free');
    // An older "active" event delivered late cannot bring the plan back.
    expect(
      await deliverStripeOk('customer.subscription.updated', subscription, { created: t0 + 1 }),
    ).toMatchObject({ outcome: 'subscription stale' });
    expect(await planOf(user.id)).toBe('free');
    const [row] = await query<{ status: string; n: number }>(
      (
        db,
      ) => db`select status, (select count(*)::int from subscriptions where user_id = ${user.id}) as n
                 from subscriptions where stripe_subscription_id = ${subscription.id}`,
    );
    expect(row).toEqual({ status: 'canceled', n: 1 });
  });

  it('cancels at period end through Stripe, keeping the plan until Stripe ends it', async () => {
    const { user, subscription } = await subscribed();
    await deliverStripeOk('customer.subscription.created', subscription);
    expect(await planOf(user.id)).toBe('pro');
    await expectProblem(await subscribe(user, { plan: 'pro', interval: 'year' }), 409, 'CONFLICT');

    const res = await call('/api/plans/cancel', { method: 'POST', token: user.accessToken });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({
      plan: 'pro',
      status: 'active',
      cancelAtPeriodEnd: true,
    });
    const calls = (await stripeRequests()).filter(
      (r) => r.path === `/v1/subscriptions/${subscription.id}`,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.params).toEqual({ cancel_at_period_end: 'true' });
    expect(calls[0]?.idempotencyKey).toMatch(/^cancel-/);
    expect(await planOf(user.id)).toBe('pro');
  });

  it('ignores subscription events for accounts it does not know', async () => {
    const outcome = await deliverStripeOk('customer.subscription.created', {
      id: `sub_test_${randomBytes(6).toString('hex')}`,
      object: 'subscription',
      status: 'active',
      customer: 'cus_x',
      metadata: {},
      items: { object: 'list', data: [] },
    });
    expect(outcome.outcome).toBe('subscription unknown');
  });
});
