import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
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

const listRoute = publicRoute({
  method: 'get',
  path: '/plans',
  tags: ['plans'],
  summary: 'The plans, their prices and their quotas',
  request: { query: LocaleQuerySchema },
  responses: {
    200: jsonResponse(PlanListSchema, 'The plans'),
  },
});

const mineRoute = userRoute({
  method: 'get',
  path: '/plans/subscription',
  tags: ['plans'],
  summary: 'Your plan and your running subscription',
  responses: {
    200: jsonResponse(MySubscriptionSchema, 'Your plan'),
  },
});

const subscribeRoute = userRoute({
  method: 'post',
  path: '/plans/subscribe',
  tags: ['plans'],
  summary: 'Subscribe to a plan through Stripe Checkout',
  description:
    'Answers the Stripe Checkout page to send the buyer to. The plan is set when Stripe reports the subscription (webhook). 424 when Stripe or the plan’s Stripe price is not configured; 409 with a subscription already running.',
  rateLimit: rateLimitByUser(PLAN_WRITE_RULE),
  request: { headers: OptionalIdempotencyHeaderSchema, body: jsonBody(SubscribeRequestSchema) },
  responses: {
    200: jsonResponse(SubscribeResultSchema, 'Where to pay'),
    ...problemResponses(404, 409, 424, 502),
  },
});

const cancelRoute = userRoute({
  method: 'post',
  path: '/plans/cancel',
  tags: ['plans'],
  summary: 'End your subscription at the end of the paid period',
  description:
    'Your plan stays until then; Stripe then reports the end and the plan returns to free.',
  rateLimit: rateLimitByUser(PLAN_WRITE_RULE),
  responses: {
    200: jsonResponse(SubscriptionSchema, 'The subscription'),
    ...problemResponses(404, 424, 502),
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
