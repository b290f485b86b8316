import { createRoute } from '@hono/zod-openapi';
import { requireAdmin, requireAuth } from '../platform/middleware/auth';
import { createRouter, problemResponses } from '../platform/openapi';
import { OutboxListSchema, OutboxQuerySchema } from './schemas';
import { listOutbox } from './service';

const outboxRoute = createRoute({
  method: 'get',
  path: '/admin/outbox',
  tags: ['admin'],
  summary: 'Outgoing e-mail',
  description:
    'Every e-mail WeBox writes, newest first, with its delivery status. Locally (no mail API) this is where verification and welcome mails can be read.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, requireAdmin] as const,
  request: { query: OutboxQuerySchema },
  responses: {
    200: { description: 'Messages', content: { 'application/json': { schema: OutboxListSchema } } },
    ...problemResponses(400, 401, 403),
  },
});

export const adminRoutes = createRouter().openapi(outboxRoute, async (c) => {
  const items = await listOutbox(c.var.services, c.req.valid('query').limit);
  return c.json({ items }, 200);
});
