import { createRoute } from '@hono/zod-openapi';
import { requireAdmin, requireAuth } from '../platform/middleware/auth';
import { createRouter, problemResponses } from '../platform/openapi';
import {
  AdminUserListSchema,
  AdminUserParamSchema,
  AdminUserResponseSchema,
  UserListQuerySchema,
} from './schemas';
import { disableUser, enableUser, listUsers } from './users-service';

const listRoute = createRoute({
  method: 'get',
  path: '/admin/users',
  tags: ['admin'],
  summary: 'Search users',
  description: 'By part of the name or e-mail address, optionally by status; newest first, paged.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, requireAdmin] as const,
  request: { query: UserListQuerySchema },
  responses: {
    200: {
      description: 'One page of users',
      content: { 'application/json': { schema: AdminUserListSchema } },
    },
    ...problemResponses(400, 401, 403),
  },
});

const userResponse = {
  description: 'The user after the change',
  content: { 'application/json': { schema: AdminUserResponseSchema } },
};

const disableRoute = createRoute({
  method: 'post',
  path: '/admin/users/{id}/disable',
  tags: ['admin'],
  summary: 'Disable an account',
  description:
    'Refuses sign-in, revokes every session and stops its access tokens at once. Not for your own account.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, requireAdmin] as const,
  request: { params: AdminUserParamSchema },
  responses: { 200: userResponse, ...problemResponses(400, 401, 403, 404) },
});

const enableRoute = createRoute({
  method: 'post',
  path: '/admin/users/{id}/enable',
  tags: ['admin'],
  summary: 'Enable a disabled account',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, requireAdmin] as const,
  request: { params: AdminUserParamSchema },
  responses: { 200: userResponse, ...problemResponses(400, 401, 403, 404) },
});

export const adminUserRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await listUsers(c.var.services, c.req.valid('query')), 200);
  })
  .openapi(disableRoute, async (c) => {
    const user = await disableUser(c.var.services, c.var.auth, c.req.valid('param').id);
    return c.json({ user }, 200);
  })
  .openapi(enableRoute, async (c) => {
    const user = await enableUser(c.var.services, c.var.auth, c.req.valid('param').id);
    return c.json({ user }, 200);
  });
