import { createRoute } from '@hono/zod-openapi';
import { requestMeta } from '../auth/request-meta';
import { requireAuth } from '../platform/middleware/auth';
import { requireRecentAuth } from '../platform/middleware/recent-auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { TOKEN_WRITE_RULE } from './limits';
import {
  TokenCreatedSchema,
  TokenCreateSchema,
  TokenListSchema,
  TokenParamSchema,
} from './schemas';
import { createToken, listTokens, MAX_ACTIVE_TOKENS, revokeToken } from './tokens';

const listRoute = createRoute({
  method: 'get',
  path: '/tokens',
  tags: ['developer'],
  summary: 'Your personal API tokens',
  description: 'Unrevoked tokens, newest first. Only a short prefix of each token is ever shown.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth] as const,
  responses: {
    200: { description: 'Tokens', content: { 'application/json': { schema: TokenListSchema } } },
    ...problemResponses(401),
  },
});

const createTokenRoute = createRoute({
  method: 'post',
  path: '/tokens',
  tags: ['developer'],
  summary: 'Create a personal API token',
  description: `For the OpenAI-compatible API at /v1. The token is in this response only; WeBox stores its SHA-256. Needs a sign-in in the last 10 minutes; at most ${MAX_ACTIVE_TOKENS} active tokens per account.`,
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, requireRecentAuth, rateLimitByUser(TOKEN_WRITE_RULE)] as const,
  request: { body: jsonBody(TokenCreateSchema) },
  responses: {
    201: {
      description: 'Created; copy the token now',
      content: { 'application/json': { schema: TokenCreatedSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/tokens/{id}',
  tags: ['developer'],
  summary: 'Revoke a personal API token',
  description: 'Takes effect at once: the next call with the token answers 401.',
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth, rateLimitByUser(TOKEN_WRITE_RULE)] as const,
  request: { params: TokenParamSchema },
  responses: {
    204: { description: 'Revoked' },
    ...problemResponses(400, 401, 404, 429),
  },
});

/** Personal API tokens: create (shown once), list, revoke. */
export const tokenRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const items = await listTokens(c.var.services, c.var.auth.userId);
    return c.json({ items, limit: MAX_ACTIVE_TOKENS }, 200);
  })
  .openapi(createTokenRoute, async (c) => {
    const created = await createToken(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('json'),
      requestMeta(c),
    );
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  })
  .openapi(revokeRoute, async (c) => {
    await revokeToken(c.var.services, c.var.auth.userId, c.req.valid('param').id, requestMeta(c));
    return c.body(null, 204);
  });
