import { createRouter, jsonResponse, userRoute } from '../platform/openapi';
import { UsageQuerySchema, UsageReportSchema } from './schemas';
import { usageReport } from './service';

const usageRoute = userRoute({
  method: 'get',
  path: '/usage',
  tags: ['usage'],
  summary: 'Your AI usage and quota',
  description:
    'Tokens, calls and cost over the last `days` UTC days: totals, one entry per day (zeros included), per model and per source (chat, compare, api, generation), and today’s and this month’s quota. Offline models are listed at zero cost and do not count against the quota.',
  request: { query: UsageQuerySchema },
  responses: {
    200: jsonResponse(UsageReportSchema, 'Usage'),
  },
});

/** Usage accounting as the owner sees it. */
export const usageRoutes = createRouter().openapi(usageRoute, async (c) => {
  const { days } = c.req.valid('query');
  return c.json(await usageReport(c.var.services.db, c.var.auth.userId, days), 200);
});
