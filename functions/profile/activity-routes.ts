import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../platform/middleware/auth';
import { createRouter, problemResponses } from '../platform/openapi';
import { getStats, listActivity } from './activity';
import { ActivityPageSchema, ActivityQuerySchema, StatsSchema } from './schemas';

const statsRoute = createRoute({
  method: 'get',
  path: '/profile/stats',
  tags: ['profile'],
  summary: 'Your account in figures',
  description:
    'Member since, active sessions, passkeys, AI keys, two-factor status and sign-ins (successful and failed) in the last 30 days.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth] as const,
  responses: {
    200: { description: 'Figures', content: { 'application/json': { schema: StatsSchema } } },
    ...problemResponses(401),
  },
});

const activityRoute = createRoute({
  method: 'get',
  path: '/profile/activity',
  tags: ['profile'],
  summary: 'Your security and account events, newest first',
  description: 'Pass nextCursor back as cursor for the next page.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth] as const,
  request: { query: ActivityQuerySchema },
  responses: {
    200: {
      description: 'A page of events',
      content: { 'application/json': { schema: ActivityPageSchema } },
    },
    ...problemResponses(400, 401),
  },
});

/** Statistics and the activity log. */
export const activityRoutes = createRouter()
  .openapi(statsRoute, async (c) => {
    return c.json(await getStats(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(activityRoute, async (c) => {
    const query = c.req.valid('query');
    return c.json(await listActivity(c.var.services, c.var.auth.userId, query), 200);
  });
