import { createRoute } from '@hono/zod-openapi';
import { auditLog } from '../../db/schema';
import { requireAdmin, requireAuth } from '../platform/middleware/auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { AnnouncementResultSchema, AnnouncementSchema } from './schemas';
import { announce } from './service';

const announceRoute = createRoute({
  method: 'post',
  path: '/admin/announcements',
  tags: ['admin'],
  summary: 'Send an announcement',
  description:
    'Stores one "announcement" notification per recipient, whatever their preferences, and pushes it to their open sockets. Without `userIds`, every active account receives it.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, requireAdmin] as const,
  request: { body: jsonBody(AnnouncementSchema) },
  responses: {
    200: {
      description: 'How many were stored and how many sockets were reached',
      content: { 'application/json': { schema: AnnouncementResultSchema } },
    },
    ...problemResponses(400, 401, 403, 415),
  },
});

export const adminAnnouncementRoutes = createRouter().openapi(announceRoute, async (c) => {
  const { services, auth } = c.var;
  const input = c.req.valid('json');
  const result = await announce(services, input);
  await services.db.insert(auditLog).values({
    userId: auth.userId,
    action: 'admin.announcement.sent',
    metadata: { title: input.title, recipients: result.recipients, everyone: !input.userIds },
  });
  return c.json(result, 200);
});
