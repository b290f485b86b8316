import { z } from '@hono/zod-openapi';

/** Most items one page of notifications may hold. */
export const MAX_PAGE = 50;
/** Most recipients one announcement may name. */
export const MAX_ANNOUNCEMENT_RECIPIENTS = 1000;

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    type: z.string().openapi({ example: 'job.succeeded' }),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().openapi({ example: '/generation?job=…' }),
    data: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

export const NotificationListQuerySchema = z.object({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Only unread notifications when "true".' }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
});

export const NotificationPageSchema = z
  .object({
    items: z.array(NotificationSchema),
    nextCursor: z.string().nullable(),
    unread: z.number().int().openapi({ description: 'Unread notifications in total' }),
  })
  .openapi('NotificationPage');

export const NotificationParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const MarkReadResponseSchema = z
  .object({ notification: NotificationSchema, unread: z.number().int() })
  .openapi('NotificationRead');

export const MarkAllReadResponseSchema = z
  .object({ updated: z.number().int(), unread: z.number().int() })
  .openapi('NotificationsReadAll');

export const PreferencesSchema = z
  .object({
    jobFinished: z
      .boolean()
      .openapi({ description: 'Store and push "job finished / failed" notifications.' }),
    jobProgress: z.boolean().openapi({ description: 'Push live progress of running jobs.' }),
    email: z.boolean().openapi({ description: 'Also e-mail each notification.' }),
  })
  .strict()
  .openapi('NotificationPreferences');

/** A site path such as "/generation?job=…": never another origin or a script URL. */
const SitePath = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s]*$/, 'Must be a path on this site, starting with one "/"');

export const AnnouncementSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().max(2000),
    link: SitePath.optional(),
    userIds: z
      .array(z.uuid())
      .min(1)
      .max(MAX_ANNOUNCEMENT_RECIPIENTS)
      .optional()
      .openapi({ description: 'Recipients; omitted means every active account.' }),
  })
  .openapi('Announcement');

export const AnnouncementResultSchema = z
  .object({
    recipients: z.number().int().openapi({ description: 'Notifications stored' }),
    delivered: z.number().int().openapi({ description: 'Open sockets reached' }),
  })
  .openapi('AnnouncementResult');
