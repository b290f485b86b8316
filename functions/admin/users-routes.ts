import { adminRoute, createRouter, jsonResponse } from '../platform/openapi';
import {
  AdminUserListSchema,
  AdminUserParamSchema,
  AdminUserResponseSchema,
  UserListQuerySchema,
} from './schemas';
import { disableUser, enableUser, listUsers } from './users-service';

const listRoute = adminRoute({
  method: 'get',
  path: '/admin/users',
  tags: ['admin'],
  summary: 'Search users',
  description: 'By part of the name or e-mail address, optionally by status; newest first, paged.',
  request: { query: UserListQuerySchema },
  responses: {
    200: jsonResponse(AdminUserListSchema, 'One page of users'),
  },
});

const userResponse = jsonResponse(AdminUserResponseSchema, 'The user after the change');

const disableRoute = adminRoute({
  method: 'post',
  path: '/admin/users/{id}/disable',
  tags: ['admin'],
  summary: 'Disable an account',
  description:
    'Refuses sign-in, revokes every session and stops its access tokens at once. Not for your own account.',
  request: { params: AdminUserParamSchema },
  responses: { 200: userResponse },
});

const enableRoute = adminRoute({
  method: 'post',
  path: '/admin/users/{id}/enable',
  tags: ['admin'],
  summary: 'Enable a disabled account',
  request: { params: AdminUserParamSchema },
  responses: { 200: userResponse },
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
