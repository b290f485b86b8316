import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../platform/middleware/auth';
import { createRouter, problemResponses } from '../platform/openapi';
import { UsageQuerySchema, UsageReportSchema } from './schemas';
import { usageReport } from './service';

const usageRoute = createRoute({
  method: 'get',
  path: '/usage',
  tags: ['usage'],
  summary: 'Your AI usage and quota',
  description:
    'Tokens, calls and cost over the last `days` UTC days: totals, one entry per day (zeros included), per model and per source (chat, compare, api, generation), and today’s and this month’s quota. Offline models are listed at zero cost and do not count against the quota.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth] as const,
  request: { query: UsageQuerySchema },
  responses: {
    200: { description: 'Usage', content: { 'application/json': { schema: UsageReportSchema } } },
    ...problemResponses(400, 401),
  },
});

/** Usage accounting as the owner sees it. */
export const usageRoutes = createRouter().openapi(usageRoute, async (c) => {
  const { days } = c.req.valid('query');
  return c.json(await usageReport(c.var.services.db, c.var.auth.userId, days), 200);
});
