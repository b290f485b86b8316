import { createRouter, jsonResponse, userRoute } from '../platform/openapi';
import { getStats, listActivity } from './activity';
import { ActivityPageSchema, ActivityQuerySchema, StatsSchema } from './schemas';

const statsRoute = userRoute({
  method: 'get',
  path: '/profile/stats',
  tags: ['profile'],
  summary: 'Your account in figures',
  description:
    'Member since, active sessions, passkeys, AI keys, two-factor status and sign-ins (successful and failed) in the last 30 days.',
  responses: {
    200: jsonResponse(StatsSchema, 'Figures'),
  },
});

const activityRoute = userRoute({
  method: 'get',
  path: '/profile/activity',
  tags: ['profile'],
  summary: 'Your security and account events, newest first',
  description: 'Pass nextCursor back as cursor for the next page.',
  request: { query: ActivityQuerySchema },
  responses: {
    200: jsonResponse(ActivityPageSchema, 'A page of events'),
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
