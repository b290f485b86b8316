import { requireRecentAuth } from '../platform/middleware/recent-auth';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
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
const registerIp = rateLimitByIp({ name: 'passkey-register-ip', limit: 30, windowSeconds: 900 });
const loginIp = rateLimitByIp({ name: 'passkey-login-ip', limit: 60, windowSeconds: 900 });

const registerOptionsRoute = userRoute({
  method: 'post',
  path: '/auth/passkeys/register/options',
  tags: TAGS,
  summary: 'Start adding a passkey',
  description:
    'Options for navigator.credentials.create() (startRegistration). Needs a recent sign-in; the challenge is valid 5 minutes, once.',
  middleware: [requireRecentAuth],
  rateLimit: registerIp,
  responses: {
    200: jsonResponse(RegistrationOptionsSchema, 'Creation options'),
    ...problemResponses(403, 409),
  },
});

const registerVerifyRoute = userRoute({
  method: 'post',
  path: '/auth/passkeys/register/verify',
  tags: TAGS,
  summary: 'Finish adding a passkey',
  middleware: [requireRecentAuth],
  rateLimit: registerIp,
  request: { body: jsonBody(RegisterVerifySchema) },
  responses: {
    201: jsonResponse(PasskeySchema, 'The new passkey'),
    ...problemResponses(403, 409),
  },
});

const loginOptionsRoute = publicRoute({
  method: 'post',
  path: '/auth/passkeys/login/options',
  tags: ['auth', ...TAGS],
  summary: 'Start signing in with a passkey',
  description:
    'Options for navigator.credentials.get() (startAuthentication) and the id to send back with the answer. Discoverable sign-in only: the browser offers the passkeys it holds for this site, `allowCredentials` is never set, and the body (optional) must be an empty object: a field such as `email` is refused (400 VALIDATION_FAILED), so the endpoint never tells which addresses have an account or passkeys.',
  rateLimit: loginIp,
  request: {
    body: { ...jsonBody(LoginOptionsRequestSchema), required: false },
  },
  responses: {
    200: jsonResponse(LoginOptionsResponseSchema, 'Request options'),
  },
});

const loginVerifyRoute = publicRoute({
  method: 'post',
  path: '/auth/passkeys/login/verify',
  tags: ['auth', ...TAGS],
  summary: 'Sign in with a passkey',
  description:
    'Verifies the assertion and signs in (no TOTP step: a passkey with user verification is two factors). The refresh token is set as an HttpOnly cookie.',
  rateLimit: loginIp,
  request: { body: jsonBody(LoginVerifySchema) },
  responses: {
    200: sessionResponse('Signed in'),
    ...problemResponses(401, 403),
  },
});

const listRoute = userRoute({
  method: 'get',
  path: '/auth/passkeys',
  tags: TAGS,
  summary: 'Your passkeys',
  responses: {
    200: jsonResponse(PasskeyListSchema, 'Passkeys, oldest first'),
  },
});

const renameRoute = userRoute({
  method: 'patch',
  path: '/auth/passkeys/{id}',
  tags: TAGS,
  summary: 'Rename a passkey',
  request: { params: PasskeyIdParamSchema, body: jsonBody(RenamePasskeySchema) },
  responses: {
    200: jsonResponse(PasskeySchema, 'The renamed passkey'),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/auth/passkeys/{id}',
  tags: TAGS,
  summary: 'Remove a passkey',
  description: 'Needs a recent sign-in.',
  middleware: [requireRecentAuth],
  request: { params: PasskeyIdParamSchema },
  responses: {
    204: { description: 'Removed' },
    ...problemResponses(403),
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
