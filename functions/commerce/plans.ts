import type { z } from '@hono/zod-openapi';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Transaction } from '../../db/client';
import { products, subscriptions, users } from '../../db/schema';
import {
  missingStripeSettings,
  notConfigured,
  type Stripe,
  stripeCall,
  stripeClient,
} from '../payments/stripe';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { PLAN_QUOTAS } from '../usage/service';
import type {
  MySubscriptionSchema,
  PlanListSchema,
  SubscribeResultSchema,
  SubscriptionSchema,
} from './plans-schemas';

type PlanList = z.infer<typeof PlanListSchema>;
type SubscriptionView = z.infer<typeof SubscriptionSchema>;
type SubscriptionRow = typeof subscriptions.$inferSelect;
type PaidPlan = 'pro' | 'business';
type Interval = 'month' | 'year';

const PLAN_RANK = { free: 0, pro: 1, business: 2 } as const;

/** The plans on offer, with their prices (plan products on sale) and token quotas. */
export async function listPlans(services: Services, locale: 'fr' | 'en'): Promise<PlanList> {
  const rows = await services.db
    .select()
    .from(products)
    .where(and(eq(products.kind, 'plan'), eq(products.active, true)))
    .orderBy(asc(products.priceMinor), asc(products.id));
  return {
    plans: (['free', 'pro', 'business'] as const).map((plan) => ({
      plan,
      quotas: PLAN_QUOTAS[plan],
      prices: rows
        .filter((row) => row.plan === plan)
        .map((row) => ({
          productId: row.id,
          slug: row.slug,
          name: locale === 'en' ? row.nameEn : row.nameFr,
          interval: row.billingInterval ?? 'month',
          priceMinor: row.priceMinor,
          currency: row.currency,
          subscribable: row.stripePriceId !== null,
        })),
    })),
  };
}

function toView(row: SubscriptionRow): SubscriptionView {
  return {
    id: row.id,
    plan: row.plan,
    status: row.status,
    currentPeriodEnd: row.currentPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    createdAt: row.createdAt.toISOString(),
  };
}

async function liveSubscription(
  services: Services,
  userId: string,
): Promise<SubscriptionRow | null> {
  const [row] = await services.db
    .select()
    .from(subscriptions)
    .where(
      and(eq(subscriptions.userId, userId), inArray(subscriptions.status, ['active', 'past_due'])),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  return row ?? null;
}

/** The caller's plan and their running subscription, if any. */
export async function mySubscription(
  services: Services,
  userId: string,
): Promise<z.infer<typeof MySubscriptionSchema>> {
  const [user] = await services.db
    .select({ plan: users.plan })
    .from(users)
    .where(eq(users.id, userId));
  const row = await liveSubscription(services, userId);
  return { plan: user?.plan ?? 'free', subscription: row ? toView(row) : null };
}

/**
 * Opens a Stripe Checkout Session in subscription mode for a plan. Needs Stripe configured
 * and a plan product on sale for that plan and interval with a Stripe price id (424
 * otherwise); an account with a running subscription must cancel it first (409).
 */
export async function subscribe(
  services: Services,
  userId: string,
  input: { plan: PaidPlan; interval: Interval },
  idempotencyKey: string | undefined,
): Promise<z.infer<typeof SubscribeResultSchema>> {
  const missing = missingStripeSettings(services.secrets);
  if (missing.length > 0) throw notConfigured('Plan subscriptions (Stripe)', missing);
  const [product] = await services.db
    .select()
    .from(products)
    .where(
      and(
        eq(products.kind, 'plan'),
        eq(products.active, true),
        eq(products.plan, input.plan),
        eq(products.billingInterval, input.interval),
      ),
    )
    // A product with a Stripe price first: only it can be subscribed to.
    .orderBy(sql`${products.stripePriceId} is null`, asc(products.createdAt))
    .limit(1);
  if (!product) {
    throw new ApiError('NOT_FOUND', `The ${input.plan} plan is not sold by the ${input.interval}.`);
  }
  const priceId = product.stripePriceId;
  if (!priceId) {
    throw new ApiError(
      'PAYMENT_NOT_CONFIGURED',
      `The ${input.plan} plan (${product.slug}) has no Stripe price: set its stripePriceId in the catalog.`,
    );
  }
  if (await liveSubscription(services, userId)) {
    throw new ApiError(
      'CONFLICT',
      'You already have a subscription: cancel it before taking another.',
    );
  }
  const [user] = await services.db
    .select({ email: users.email, locale: users.locale })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new ApiError('UNAUTHORIZED', 'This account no longer exists.');
  const stripe = stripeClient(services.secrets);
  const origin = services.config.appOrigin;
  const metadata = { userId, plan: input.plan, productId: product.id };
  const session = await stripeCall('open the subscription page', () =>
    stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        line_items: [{ price: priceId, quantity: 1 }],
        client_reference_id: userId,
        customer_email: user.email,
        locale: user.locale === 'en' ? 'en' : 'fr',
        metadata,
        subscription_data: { metadata },
        success_url: `${origin}/plans?subscribed=${input.plan}`,
        cancel_url: `${origin}/plans`,
      },
      idempotencyKey ? { idempotencyKey: `subscribe-${userId}-${idempotencyKey}` } : undefined,
    ),
  );
  if (!session.url)
    throw new ApiError('PAYMENT_PROVIDER_ERROR', 'Stripe opened no subscription page.');
  return { redirectUrl: session.url, sessionId: session.id };
}

/** Asks Stripe to end the caller's subscription at the end of the paid period. */
export async function cancelSubscription(
  services: Services,
  userId: string,
): Promise<SubscriptionView> {
  const row = await liveSubscription(services, userId);
  if (!row) throw new ApiError('NOT_FOUND', 'You have no running subscription.');
  const stripe = stripeClient(services.secrets);
  await stripeCall('cancel the subscription', () =>
    stripe.subscriptions.update(
      row.stripeSubscriptionId,
      { cancel_at_period_end: true },
      { idempotencyKey: `cancel-${row.id}` },
    ),
  );
  const [updated] = await services.db
    .update(subscriptions)
    .set({ cancelAtPeriodEnd: true, updatedAt: new Date() })
    .where(eq(subscriptions.id, row.id))
    .returning();
  return toView(updated ?? row);
}

function statusOf(status: Stripe.Subscription.Status): SubscriptionRow['status'] {
  switch (status) {
    case 'active':
    case 'trialing':
      return 'active';
    case 'past_due':
    case 'unpaid':
      return 'past_due';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return 'incomplete';
  }
}

const isPaidPlan = (value: unknown): value is PaidPlan => value === 'pro' || value === 'business';

/**
 * Applies a customer.subscription.* event in the caller's transaction. Events can arrive in
 * any order, so the row keeps the time of the event last applied (last_event_at) and an
 * older event changes nothing; at the same second, only a cancellation overrides. The
 * account's plan follows: the best plan among its active or past-due subscriptions, and
 * `free` once none is left. Says whose subscription it was, so that the caller marks that
 * account's plan changed once the transaction committed.
 */
export async function applySubscriptionEvent(
  tx: Transaction,
  subscription: Stripe.Subscription,
  at: Date,
  deleted: boolean,
): Promise<{ outcome: 'applied' | 'stale' | 'unknown'; userId: string | null }> {
  const [known] = await tx
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, subscription.id));
  const userId = subscription.metadata?.userId ?? known?.userId;
  if (!userId) return { outcome: 'unknown', userId: null };
  const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) return { outcome: 'unknown', userId: null };
  let plan: PaidPlan | null = isPaidPlan(subscription.metadata?.plan)
    ? subscription.metadata.plan
    : known && isPaidPlan(known.plan)
      ? known.plan
      : null;
  const item = subscription.items?.data?.[0];
  if (!plan && item?.price?.id) {
    const [product] = await tx
      .select({ plan: products.plan })
      .from(products)
      .where(eq(products.stripePriceId, item.price.id));
    if (isPaidPlan(product?.plan)) plan = product.plan;
  }
  if (!plan) return { outcome: 'unknown', userId: null };
  const status = deleted ? 'canceled' : statusOf(subscription.status);
  const periodEnd = item?.current_period_end ? new Date(item.current_period_end * 1000) : null;
  const customer =
    typeof subscription.customer === 'string'
      ? subscription.customer
      : (subscription.customer?.id ?? null);
  const applied = await tx
    .insert(subscriptions)
    .values({
      userId,
      plan,
      stripeSubscriptionId: subscription.id,
      stripeCustomerId: customer,
      status,
      currentPeriodEnd: periodEnd,
      cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
      lastEventAt: at,
    })
    .onConflictDoUpdate({
      target: subscriptions.stripeSubscriptionId,
      set: {
        plan,
        status,
        stripeCustomerId: customer,
        currentPeriodEnd: periodEnd,
        cancelAtPeriodEnd: subscription.cancel_at_period_end ?? false,
        lastEventAt: at,
        updatedAt: new Date(),
      },
      setWhere: sql`${subscriptions.lastEventAt} is null or ${subscriptions.lastEventAt} < excluded.last_event_at or (${subscriptions.lastEventAt} = excluded.last_event_at and excluded.status = 'canceled')`,
    })
    .returning({ id: subscriptions.id });
  if (applied.length === 0) return { outcome: 'stale', userId };
  if (status === 'incomplete') return { outcome: 'applied', userId };
  const live = await tx
    .select({ plan: subscriptions.plan })
    .from(subscriptions)
    .where(
      and(eq(subscriptions.userId, userId), inArray(subscriptions.status, ['active', 'past_due'])),
    );
  const best = live.reduce<'free' | PaidPlan>(
    (top, row) => (PLAN_RANK[row.plan] > PLAN_RANK[top] ? row.plan : top),
    'free',
  );
  await tx.update(users).set({ plan: best, updatedAt: new Date() }).where(eq(users.id, userId));
  return { outcome: 'applied', userId };
}
