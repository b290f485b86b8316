import { requestMeta } from '../auth/request-meta';
import { requireRecentAuth } from '../platform/middleware/recent-auth';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { createToken, listTokens, MAX_ACTIVE_TOKENS, revokeToken } from './api-tokens';
import { TOKEN_WRITE_RULE } from './limits';
import {
  TokenCreatedSchema,
  TokenCreateSchema,
  TokenListSchema,
  TokenParamSchema,
} from './schemas';

const listRoute = userRoute({
  method: 'get',
  path: '/tokens',
  tags: ['developer'],
  summary: 'Your personal API tokens',
  description: 'Unrevoked tokens, newest first. Only a short prefix of each token is ever shown.',
  responses: {
    200: jsonResponse(TokenListSchema, 'Tokens'),
  },
});

const createTokenRoute = userRoute({
  method: 'post',
  path: '/tokens',
  tags: ['developer'],
  summary: 'Create a personal API token',
  description: `For the OpenAI-compatible API at /v1. The token is in this response only; WeBox stores its SHA-256. Needs a sign-in in the last 10 minutes; at most ${MAX_ACTIVE_TOKENS} active tokens per account.`,
  middleware: [requireRecentAuth],
  rateLimit: rateLimitByUser(TOKEN_WRITE_RULE),
  request: { body: jsonBody(TokenCreateSchema) },
  responses: {
    201: jsonResponse(TokenCreatedSchema, 'Created; copy the token now'),
    ...problemResponses(403, 409),
  },
});

const revokeRoute = userRoute({
  method: 'delete',
  path: '/tokens/{id}',
  tags: ['developer'],
  summary: 'Revoke a personal API token',
  description: 'Takes effect at once: the next call with the token answers 401.',
  rateLimit: rateLimitByUser(TOKEN_WRITE_RULE),
  request: { params: TokenParamSchema },
  responses: {
    204: { description: 'Revoked' },
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
