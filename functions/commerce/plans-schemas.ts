import { z } from '@hono/zod-openapi';

export const PLAN_NAMES = ['free', 'pro', 'business'] as const;
export const PAID_PLANS = ['pro', 'business'] as const;
export const INTERVALS = ['month', 'year'] as const;

const QuotasSchema = z
  .object({
    dailyTokens: z.number().int(),
    monthlyTokens: z.number().int(),
  })
  .openapi('PlanQuotas');

export const PlanPriceSchema = z
  .object({
    productId: z.uuid(),
    slug: z.string(),
    name: z.string(),
    interval: z.enum(INTERVALS),
    priceMinor: z.number().int().openapi({ description: 'Per interval, VAT included' }),
    currency: z.string(),
    subscribable: z
      .boolean()
      .openapi({ description: 'A Stripe price is attached, so POST /api/plans/subscribe works' }),
  })
  .openapi('PlanPrice');

export const PlanListSchema = z
  .object({
    plans: z.array(
      z.object({
        plan: z.enum(PLAN_NAMES),
        quotas: QuotasSchema,
        prices: z.array(PlanPriceSchema),
      }),
    ),
  })
  .openapi('PlanList');

export const SubscribeRequestSchema = z
  .strictObject({
    plan: z.enum(PAID_PLANS),
    interval: z.enum(INTERVALS).default('month'),
  })
  .openapi('SubscribeRequest');

export const SubscribeResultSchema = z
  .object({
    redirectUrl: z
      .string()
      .openapi({ description: 'The Stripe Checkout page for the subscription' }),
    sessionId: z.string(),
  })
  .openapi('SubscribeResult');

export const SubscriptionSchema = z
  .object({
    id: z.uuid(),
    plan: z.enum(PLAN_NAMES),
    status: z.enum(['incomplete', 'active', 'past_due', 'canceled']),
    currentPeriodEnd: z.string().nullable().openapi({ format: 'date-time' }),
    cancelAtPeriodEnd: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Subscription');

export const MySubscriptionSchema = z
  .object({
    plan: z.enum(PLAN_NAMES).openapi({ description: 'The plan your account is on now' }),
    subscription: SubscriptionSchema.nullable(),
  })
  .openapi('MySubscription');
