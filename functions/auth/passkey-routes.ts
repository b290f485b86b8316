import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../platform/middleware/auth';
import { requireRecentAuth } from '../platform/middleware/recent-auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { rateLimitByIp } from '../platform/rate-limit';
import {
  LoginOptionsRequestSchema,
  LoginOptionsResponseSchema,
  LoginVerifySchema,
  PasskeyIdParamSchema,
  PasskeyListSchema,
  PasskeySchema,
  RegisterVerifySchema,
  RegistrationOptionsSchema,
  RenamePasskeySchema,
} from './passkey-schemas';
import {
  deletePasskey,
  listPasskeys,
  loginOptions,
  loginWithPasskey,
  registrationOptions,
  renamePasskey,
  verifyRegistration,
} from './passkeys';
import { requestMeta } from './request-meta';
import { sessionResponse, signedIn } from './session-response';

const TAGS = ['passkeys'];
const security = [{ bearerAuth: [] }];
const registerIp = rateLimitByIp({ name: 'passkey-register-ip', limit: 30, windowSeconds: 900 });
const loginIp = rateLimitByIp({ name: 'passkey-login-ip', limit: 60, windowSeconds: 900 });

const registerOptionsRoute = createRoute({
  method: 'post',
  path: '/auth/passkeys/register/options',
  tags: TAGS,
  summary: 'Start adding a passkey',
  description:
    'Options for navigator.credentials.create() (startRegistration). Needs a recent sign-in; the challenge is valid 5 minutes, once.',
  security,
  middleware: [requireAuth, requireRecentAuth, registerIp] as const,
  responses: {
    200: {
      description: 'Creation options',
      content: { 'application/json': { schema: RegistrationOptionsSchema } },
    },
    ...problemResponses(401, 403, 409, 429),
  },
});

const registerVerifyRoute = createRoute({
  method: 'post',
  path: '/auth/passkeys/register/verify',
  tags: TAGS,
  summary: 'Finish adding a passkey',
  security,
  middleware: [requireAuth, requireRecentAuth, registerIp] as const,
  request: { body: jsonBody(RegisterVerifySchema) },
  responses: {
    201: {
      description: 'The new passkey',
      content: { 'application/json': { schema: PasskeySchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

const loginOptionsRoute = createRoute({
  method: 'post',
  path: '/auth/passkeys/login/options',
  tags: ['auth', ...TAGS],
  summary: 'Start signing in with a passkey',
  description:
    'Options for navigator.credentials.get() (startAuthentication) and the id to send back with the answer. Discoverable sign-in only: the browser offers the passkeys it holds for this site, `allowCredentials` is never set, and the body (optional) must be an empty object: a field such as `email` is refused (400 VALIDATION_FAILED), so the endpoint never tells which addresses have an account or passkeys.',
  middleware: [loginIp] as const,
  request: {
    body: { ...jsonBody(LoginOptionsRequestSchema), required: false },
  },
  responses: {
    200: {
      description: 'Request options',
      content: { 'application/json': { schema: LoginOptionsResponseSchema } },
    },
    ...problemResponses(400, 413, 415, 429),
  },
});

const loginVerifyRoute = createRoute({
  method: 'post',
  path: '/auth/passkeys/login/verify',
  tags: ['auth', ...TAGS],
  summary: 'Sign in with a passkey',
  description:
    'Verifies the assertion and signs in (no TOTP step: a passkey with user verification is two factors). The refresh token is set as an HttpOnly cookie.',
  middleware: [loginIp] as const,
  request: { body: jsonBody(LoginVerifySchema) },
  responses: {
    200: sessionResponse('Signed in'),
    ...problemResponses(400, 401, 403, 413, 415, 429),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/auth/passkeys',
  tags: TAGS,
  summary: 'Your passkeys',
  security,
  middleware: [requireAuth] as const,
  responses: {
    200: {
      description: 'Passkeys, oldest first',
      content: { 'application/json': { schema: PasskeyListSchema } },
    },
    ...problemResponses(401),
  },
});

const renameRoute = createRoute({
  method: 'patch',
  path: '/auth/passkeys/{id}',
  tags: TAGS,
  summary: 'Rename a passkey',
  security,
  middleware: [requireAuth] as const,
  request: { params: PasskeyIdParamSchema, body: jsonBody(RenamePasskeySchema) },
  responses: {
    200: {
      description: 'The renamed passkey',
      content: { 'application/json': { schema: PasskeySchema } },
    },
    ...problemResponses(400, 401, 404, 413, 415),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/auth/passkeys/{id}',
  tags: TAGS,
  summary: 'Remove a passkey',
  description: 'Needs a recent sign-in.',
  security,
  middleware: [requireAuth, requireRecentAuth] as const,
  request: { params: PasskeyIdParamSchema },
  responses: {
    204: { description: 'Removed' },
    ...problemResponses(400, 401, 403, 404),
  },
});

/** Passkey registration, sign-in and management. */
export const passkeyRoutes = createRouter()
  .openapi(registerOptionsRoute, async (c) => {
    return c.json(await registrationOptions(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(registerVerifyRoute, async (c) => {
    const { services, auth } = c.var;
    const passkey = await verifyRegistration(
      services,
      auth.userId,
      c.req.valid('json'),
      requestMeta(c),
    );
    return c.json(passkey, 201);
  })
  .openapi(loginOptionsRoute, async (c) => c.json(await loginOptions(c.var.services), 200))
  .openapi(loginVerifyRoute, async (c) => {
    const session = await loginWithPasskey(c.var.services, c.req.valid('json'), requestMeta(c));
    return c.json(signedIn(c, session), 200);
  })
  .openapi(listRoute, async (c) => {
    return c.json({ items: await listPasskeys(c.var.services, c.var.auth.userId) }, 200);
  })
  .openapi(renameRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { name } = c.req.valid('json');
    return c.json(await renamePasskey(c.var.services, c.var.auth.userId, id, name), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid('param');
    await deletePasskey(c.var.services, c.var.auth.userId, id, requestMeta(c));
    return c.body(null, 204);
  });
