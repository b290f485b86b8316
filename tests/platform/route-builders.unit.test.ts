import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../functions/platform/env';
import { requireAdmin, requireAuth } from '../../functions/platform/middleware/auth';
import { requireSameOrigin } from '../../functions/platform/middleware/same-origin';
import {
  ACCESS_EXTENSION,
  adminRoute,
  apiTokenRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
  webhookRoute,
} from '../../functions/platform/openapi';

const Item = z.object({ id: z.string() });
const limit: MiddlewareHandler<AppEnv> = async (_c, next) => next();
const extra: MiddlewareHandler<AppEnv> = async (_c, next) => next();
const statuses = (route: { responses: object }) => Object.keys(route.responses).sort();

describe('route builders', () => {
  it('a user route gets bearer auth first, its middleware, the rate limit last, and the standard problems', () => {
    const route = userRoute({
      method: 'post',
      path: '/items/{id}',
      middleware: [extra],
      rateLimit: limit,
      request: { params: Item, body: jsonBody(Item) },
      responses: { 200: jsonResponse(Item, 'The item'), ...problemResponses(409) },
    });
    expect(route.middleware).toEqual([requireAuth, extra, limit]);
    expect(route.security).toEqual([{ bearerAuth: [] }]);
    expect(route[ACCESS_EXTENSION]).toBe('user');
    expect(statuses(route)).toEqual(['200', '400', '401', '404', '409', '413', '415', '429']);
    expect(route).not.toHaveProperty('rateLimit');
  });

  it('an admin route checks the role after the token and documents 401 and 403 only', () => {
    const route = adminRoute({
      method: 'get',
      path: '/admin/items',
      responses: { 200: jsonResponse(z.array(Item), 'Items') },
    });
    expect(route.middleware).toEqual([requireAuth, requireAdmin]);
    expect(statuses(route)).toEqual(['200', '401', '403']);
    expect(route[ACCESS_EXTENSION]).toBe('admin');
  });

  it('a public cookie route puts the CSRF guard after its own middleware and before the limit', () => {
    const route = publicRoute({
      method: 'post',
      path: '/cart',
      security: [{}, { bearerAuth: [] }],
      middleware: [extra],
      csrf: true,
      rateLimit: limit,
      responses: { 204: { description: 'Done' } },
    });
    expect(route.middleware).toEqual([extra, requireSameOrigin, limit]);
    expect(route.security).toEqual([{}, { bearerAuth: [] }]);
    expect(statuses(route)).toEqual(['204', '403', '429']);
    expect(route[ACCESS_EXTENSION]).toBe('public');
  });

  it('a webhook has no session, no CSRF guard and no 404 for its path parameter', () => {
    const route = webhookRoute({
      method: 'post',
      path: '/hooks/{provider}',
      request: { params: z.object({ provider: z.string() }) },
      responses: { 200: { description: 'Accepted' } },
    });
    expect(route.middleware).toEqual([]);
    expect(route).not.toHaveProperty('security');
    expect(statuses(route)).toEqual(['200', '400']);
  });

  it("a route's own description of a standard status wins", () => {
    const route = apiTokenRoute({
      method: 'get',
      path: '/models',
      responses: { 200: { description: 'Models' }, 401: { description: 'Bad API token' } },
    });
    expect(route.responses[401]).toEqual({ description: 'Bad API token' });
    expect(route.security).toEqual([{ apiToken: [] }]);
  });

  it('writes x-webox-access into the OpenAPI document', () => {
    const route = userRoute({
      method: 'get',
      path: '/items/{id}',
      request: { params: Item },
      responses: { 200: jsonResponse(Item, 'The item') },
    });
    const app = createRouter().openapi(route, (c) => c.json({ id: c.req.valid('param').id }, 200));
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '0' } });
    const operation = doc.paths?.['/items/{id}']?.get;
    expect(operation?.[ACCESS_EXTENSION]).toBe('user');
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(['200', '400', '401', '404']);
    expect(operation?.security).toEqual([{ bearerAuth: [] }]);
  });
});
