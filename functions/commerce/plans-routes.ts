import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../platform/middleware/auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { PLAN_WRITE_RULE } from './checkout-limits';
import { OptionalIdempotencyHeaderSchema } from './orders-schemas';
import { cancelSubscription, listPlans, mySubscription, subscribe } from './plans';
import {
  MySubscriptionSchema,
  PlanListSchema,
  SubscribeRequestSchema,
  SubscribeResultSchema,
  SubscriptionSchema,
} from './plans-schemas';
import { LocaleQuerySchema } from './schemas';

const listRoute = createRoute({
  method: 'get',
  path: '/plans',
  tags: ['plans'],
  summary: 'The plans, their prices and their quotas',
  request: { query: LocaleQuerySchema },
  responses: {
    200: { description: 'The plans', content: { 'application/json': { schema: PlanListSchema } } },
    ...problemResponses(400),
  },
});

const mineRoute = createRoute({
  method: 'get',
  path: '/plans/subscription',
  tags: ['plans'],
  summary: 'Your plan and your running subscription',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth] as const,
  responses: {
    200: {
      description: 'Your plan',
      content: { 'application/json': { schema: MySubscriptionSchema } },
    },
    ...problemResponses(401),
  },
});

const subscribeRoute = createRoute({
  method: 'post',
  path: '/plans/subscribe',
  tags: ['plans'],
  summary: 'Subscribe to a plan through Stripe Checkout',
  description:
    'Answers the Stripe Checkout page to send the buyer to. The plan is set when Stripe reports the subscription (webhook). 424 when Stripe or the plan’s Stripe price is not configured; 409 with a subscription already running.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, rateLimitByUser(PLAN_WRITE_RULE)] as const,
  request: { headers: OptionalIdempotencyHeaderSchema, body: jsonBody(SubscribeRequestSchema) },
  responses: {
    200: {
      description: 'Where to pay',
      content: { 'application/json': { schema: SubscribeResultSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 424, 429, 502),
  },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/plans/cancel',
  tags: ['plans'],
  summary: 'End your subscription at the end of the paid period',
  description:
    'Your plan stays until then; Stripe then reports the end and the plan returns to free.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, rateLimitByUser(PLAN_WRITE_RULE)] as const,
  responses: {
    200: {
      description: 'The subscription',
      content: { 'application/json': { schema: SubscriptionSchema } },
    },
    ...problemResponses(401, 404, 424, 429, 502),
  },
});

/** Plans and their Stripe subscriptions. */
export const planRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await listPlans(c.var.services, c.req.valid('query').locale), 200);
  })
  .openapi(mineRoute, async (c) => {
    return c.json(await mySubscription(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(subscribeRoute, async (c) => {
    const result = await subscribe(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('json'),
      c.req.valid('header')['idempotency-key'],
    );
    return c.json(result, 200);
  })
  .openapi(cancelRoute, async (c) => {
    return c.json(await cancelSubscription(c.var.services, c.var.auth.userId), 200);
  });
