import { createRouter, jsonResponse, userRoute } from '../platform/openapi';
import { RevokedCountSchema, SessionIdParamSchema, SessionListSchema } from './schemas';
import { listSessions, revokeOtherSessions, revokeSession } from './sessions';

const listRoute = userRoute({
  method: 'get',
  path: '/auth/sessions',
  tags: ['auth'],
  summary: 'Your signed-in devices',
  description:
    'One entry per sign-in (session family), most recently used first; `current` marks the caller.',
  responses: {
    200: jsonResponse(SessionListSchema, 'Sessions'),
  },
});

const revokeRoute = userRoute({
  method: 'delete',
  path: '/auth/sessions/{id}',
  tags: ['auth'],
  summary: 'Sign one of your devices out',
  description: "Ends it at once, access token included. Another user's or an unknown id is a 404.",
  request: { params: SessionIdParamSchema },
  responses: {
    204: { description: 'Signed out' },
  },
});

const revokeOthersRoute = userRoute({
  method: 'post',
  path: '/auth/sessions/revoke-others',
  tags: ['auth'],
  summary: 'Sign out every device but this one',
  responses: {
    200: jsonResponse(RevokedCountSchema, 'How many sessions were ended'),
  },
});

export const sessionRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json({ items: await listSessions(c.var.services, c.var.auth) }, 200);
  })
  .openapi(revokeOthersRoute, async (c) => {
    const { userId, sessionId } = c.var.auth;
    return c.json({ revoked: await revokeOtherSessions(c.var.services, userId, sessionId) }, 200);
  })
  .openapi(revokeRoute, async (c) => {
    await revokeSession(c.var.services, c.var.auth, c.req.valid('param').id);
    return c.body(null, 204);
  });
