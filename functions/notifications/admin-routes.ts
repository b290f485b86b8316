import { auditLog } from '../../db/schema';
import { adminRoute, createRouter, jsonBody, jsonResponse } from '../platform/openapi';
import { AnnouncementResultSchema, AnnouncementSchema } from './schemas';
import { announce } from './service';

const announceRoute = adminRoute({
  method: 'post',
  path: '/admin/announcements',
  tags: ['admin'],
  summary: 'Send an announcement',
  description:
    'Stores one "announcement" notification per recipient, whatever their preferences, and pushes it to their open sockets. Without `userIds`, every active account receives it.',
  request: { body: jsonBody(AnnouncementSchema) },
  responses: {
    200: jsonResponse(
      AnnouncementResultSchema,
      'How many were stored and how many sockets were reached',
    ),
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
