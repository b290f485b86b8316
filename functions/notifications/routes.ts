import { createRoute, z } from '@hono/zod-openapi';
import { ROOM_USER_HEADER } from '../../durable-objects/notification-room';
import { ApiError } from '../platform/errors';
import { requireAuth } from '../platform/middleware/auth';
import { createRouter, problemResponses } from '../platform/openapi';
import { SOCKET_TOKEN_TTL_SECONDS, signToken, verifyToken } from '../platform/tokens';

const SocketTokenSchema = z
  .object({
    token: z.string(),
    expiresIn: z.number().int(),
    url: z.string().openapi({ example: '/api/notifications/socket?token=…' }),
  })
  .openapi('SocketToken');

const socketTokenRoute = createRoute({
  method: 'post',
  path: '/notifications/socket-token',
  tags: ['notifications'],
  summary: 'A short-lived token to open the notification WebSocket',
  description:
    'Browsers cannot send an Authorization header on a WebSocket, so they trade the access token for this one-minute token.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth] as const,
  responses: {
    200: {
      description: 'Socket token',
      content: { 'application/json': { schema: SocketTokenSchema } },
    },
    ...problemResponses(401),
  },
});

const socketRoute = createRoute({
  method: 'get',
  path: '/notifications/socket',
  tags: ['notifications'],
  summary: 'Open the notification WebSocket',
  description:
    'Upgrade to a WebSocket that receives JSON events for the signed-in user. Send "ping" to get "pong".',
  request: { query: z.object({ token: z.string().min(1).max(2048) }) },
  responses: {
    101: { description: 'Switching protocols' },
    ...problemResponses(400, 401, 403),
    426: { description: 'Not a WebSocket upgrade' },
  },
});

export const notificationRoutes = createRouter()
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
  });
