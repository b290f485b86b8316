import { z } from '@hono/zod-openapi';
import { ROOM_USER_HEADER } from '../../durable-objects/notification-room';
import { ApiError } from '../platform/errors';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { SOCKET_TOKEN_TTL_SECONDS, signToken, verifyToken } from '../platform/tokens';
import {
  MarkAllReadResponseSchema,
  MarkReadResponseSchema,
  NotificationListQuerySchema,
  NotificationPageSchema,
  NotificationParamSchema,
  PreferencesSchema,
} from './schemas';
import {
  deleteNotification,
  getPreferences,
  listNotifications,
  markAllRead,
  markRead,
  publishReadState,
  setPreferences,
  unreadCount,
} from './service';

const SocketTokenSchema = z
  .object({
    token: z.string(),
    expiresIn: z.number().int(),
    url: z.string().openapi({ example: '/api/notifications/socket?token=…' }),
  })
  .openapi('SocketToken');

const socketTokenRoute = userRoute({
  method: 'post',
  path: '/notifications/socket-token',
  tags: ['notifications'],
  summary: 'A short-lived token to open the notification WebSocket',
  description:
    'Browsers cannot send an Authorization header on a WebSocket, so they trade the access token for this one-minute token.',
  responses: {
    200: jsonResponse(SocketTokenSchema, 'Socket token'),
  },
});

const socketRoute = publicRoute({
  method: 'get',
  path: '/notifications/socket',
  tags: ['notifications'],
  summary: 'Open the notification WebSocket',
  description:
    'Upgrade to a WebSocket that receives JSON events for the signed-in user. Send "ping" to get "pong".',
  request: { query: z.object({ token: z.string().min(1).max(2048) }) },
  responses: {
    101: { description: 'Switching protocols' },
    ...problemResponses(401, 403),
    426: { description: 'Not a WebSocket upgrade' },
  },
});

const listRoute = userRoute({
  method: 'get',
  path: '/notifications',
  tags: ['notifications'],
  summary: 'Your notifications',
  description: 'Newest first, paged by `nextCursor`; `unread` counts every unread one.',
  request: { query: NotificationListQuerySchema },
  responses: {
    200: jsonResponse(NotificationPageSchema, 'One page'),
  },
});

const readRoute = userRoute({
  method: 'post',
  path: '/notifications/{id}/read',
  tags: ['notifications'],
  summary: 'Mark a notification read',
  request: { params: NotificationParamSchema },
  responses: {
    200: jsonResponse(
      MarkReadResponseSchema,
      'The notification, now read, and the unread count left',
    ),
  },
});

const readAllRoute = userRoute({
  method: 'post',
  path: '/notifications/read-all',
  tags: ['notifications'],
  summary: 'Mark every notification read',
  responses: {
    200: jsonResponse(MarkAllReadResponseSchema, 'How many were marked'),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/notifications/{id}',
  tags: ['notifications'],
  summary: 'Delete a notification',
  request: { params: NotificationParamSchema },
  responses: {
    204: { description: 'Deleted' },
  },
});

const preferencesResponse = jsonResponse(PreferencesSchema, 'Your notification choices');

const getPreferencesRoute = userRoute({
  method: 'get',
  path: '/notifications/preferences',
  tags: ['notifications'],
  summary: 'Your notification choices',
  description: 'Defaults (job notifications and progress on, e-mail off) until you save yours.',
  responses: { 200: preferencesResponse },
});

const putPreferencesRoute = userRoute({
  method: 'put',
  path: '/notifications/preferences',
  tags: ['notifications'],
  summary: 'Save your notification choices',
  request: { body: jsonBody(PreferencesSchema) },
  responses: { 200: preferencesResponse },
});

/** Notifications: the socket, the inbox and the preferences. */
export const inboxRoutes = createRouter()
  .openapi(socketTokenRoute, async (c) => {
    const { config, secrets } = c.var.services;
    const token = await signToken(
      {
        secret: secrets.JWT_SECRET,
        issuer: config.jwtIssuer,
        audience: `${config.jwtAudience}:socket`,
      },
      c.var.auth,
      SOCKET_TOKEN_TTL_SECONDS,
    );
    return c.json(
      {
        token,
        expiresIn: SOCKET_TOKEN_TTL_SECONDS,
        url: `/api/notifications/socket?token=${encodeURIComponent(token)}`,
      },
      200,
    );
  })
  .openapi(socketRoute, async (c) => {
    if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError('BAD_REQUEST', 'This endpoint only accepts a WebSocket upgrade.');
    }
    const { config, secrets, notifier } = c.var.services;
    const origin = c.req.header('Origin');
    if (
      origin !== undefined &&
      origin !== config.appOrigin &&
      origin !== new URL(c.req.url).origin
    ) {
      throw new ApiError(
        'FORBIDDEN',
        'WebSocket connections are only accepted from the WeBox site.',
      );
    }
    const { userId } = await verifyToken(
      {
        secret: secrets.JWT_SECRET,
        issuer: config.jwtIssuer,
        audience: `${config.jwtAudience}:socket`,
      },
      c.req.valid('query').token,
    );
    const headers = new Headers(c.req.raw.headers);
    headers.set(ROOM_USER_HEADER, userId);
    return notifier.connect(userId, new Request(c.req.raw, { headers }));
  })
  .openapi(listRoute, async (c) => {
    const { unread, cursor, limit } = c.req.valid('query');
    const page = await listNotifications(c.var.services, c.var.auth.userId, {
      unread: unread === 'true',
      cursor,
      limit,
    });
    return c.json(page, 200);
  })
  .openapi(readAllRoute, async (c) => {
    const { services, auth } = c.var;
    const updated = await markAllRead(services, auth.userId);
    if (updated > 0) {
      services.background(publishReadState(services, auth.userId, { ids: 'all', unread: 0 }));
    }
    return c.json({ updated, unread: 0 }, 200);
  })
  .openapi(readRoute, async (c) => {
    const { services, auth } = c.var;
    const notification = await markRead(services, auth.userId, c.req.valid('param').id);
    const unread = await unreadCount(services, auth.userId);
    services.background(
      publishReadState(services, auth.userId, { ids: [notification.id], unread }),
    );
    return c.json({ notification, unread }, 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { services, auth } = c.var;
    const id = c.req.valid('param').id;
    await deleteNotification(services, auth.userId, id);
    // Other tabs drop the badge count the deleted one may have held.
    services.background(
      unreadCount(services, auth.userId).then((unread) =>
        publishReadState(services, auth.userId, { ids: [id], unread }),
      ),
    );
    return c.body(null, 204);
  })
  .openapi(getPreferencesRoute, async (c) => {
    return c.json(await getPreferences(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(putPreferencesRoute, async (c) => {
    return c.json(
      await setPreferences(c.var.services, c.var.auth.userId, c.req.valid('json')),
      200,
    );
  });
