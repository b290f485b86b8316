import { adminRoute, createRouter, jsonResponse } from '../platform/openapi';
import { OutboxListSchema, OutboxQuerySchema } from './schemas';
import { listOutbox } from './service';

const outboxRoute = adminRoute({
  method: 'get',
  path: '/admin/outbox',
  tags: ['admin'],
  summary: 'Outgoing e-mail',
  description:
    'Every e-mail WeBox writes, newest first, with its delivery status. Locally (no mail API) this is where verification and welcome mails can be read.',
  request: { query: OutboxQuerySchema },
  responses: {
    200: jsonResponse(OutboxListSchema, 'Messages'),
  },
});

/** The outgoing e-mail log. */
export const outboxRoutes = createRouter().openapi(outboxRoute, async (c) => {
  const items = await listOutbox(c.var.services, c.req.valid('query').limit);
  return c.json({ items }, 200);
});
