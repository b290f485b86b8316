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
import { requestMeta } from './request-meta';
import { sessionResponse, signedIn } from './session-response';
import {
  completeTwoFactorLogin,
  disableTotp,
  enableTotp,
  regenerateRecoveryCodes,
  setupTotp,
  twoFactorStatus,
} from './two-factor';
import {
  RecoveryCodesResponseSchema,
  SecondFactorSchema,
  TotpDisableSchema,
  TotpEnableSchema,
  TotpSetupResponseSchema,
  TwoFactorLoginSchema,
  TwoFactorStatusSchema,
} from './two-factor-schemas';

const TAGS = ['two-factor'];
const confirmIp = rateLimitByIp({ name: '2fa-confirm-ip', limit: 30, windowSeconds: 900 });

const statusRoute = userRoute({
  method: 'get',
  path: '/auth/2fa',
  tags: TAGS,
  summary: 'Whether two-factor sign-in is on',
  responses: {
    200: jsonResponse(TwoFactorStatusSchema, 'Status'),
  },
});

const setupRoute = userRoute({
  method: 'post',
  path: '/auth/2fa/totp/setup',
  tags: TAGS,
  summary: 'Start enrolling an authenticator app',
  description:
    'Generates a new secret and stores it encrypted, without turning 2FA on: POST /api/auth/2fa/totp/enable with the first code does. Needs a recent sign-in.',
  middleware: [requireRecentAuth],
  rateLimit: rateLimitByIp({ name: '2fa-setup-ip', limit: 20, windowSeconds: 900 }),
  responses: {
    200: jsonResponse(TotpSetupResponseSchema, 'Secret and otpauth URI (render it as a QR code)'),
    ...problemResponses(403, 409, 503),
  },
});

const enableRoute = userRoute({
  method: 'post',
  path: '/auth/2fa/totp/enable',
  tags: TAGS,
  summary: 'Turn two-factor sign-in on with the first code',
  description: 'Returns ten single-use recovery codes, shown this once only.',
  rateLimit: confirmIp,
  request: { body: jsonBody(TotpEnableSchema) },
  responses: {
    200: jsonResponse(RecoveryCodesResponseSchema, '2FA is on'),
    ...problemResponses(403, 409),
  },
});

const disableRoute = userRoute({
  method: 'post',
  path: '/auth/2fa/totp/disable',
  tags: TAGS,
  summary: 'Turn two-factor sign-in off',
  description:
    'Needs a recent sign-in, the password and a current code (or a recovery code). Deletes the secret and the recovery codes.',
  middleware: [requireRecentAuth],
  rateLimit: confirmIp,
  request: { body: jsonBody(TotpDisableSchema) },
  responses: {
    204: { description: '2FA is off' },
    ...problemResponses(403, 409),
  },
});

const recoveryCodesRoute = userRoute({
  method: 'post',
  path: '/auth/2fa/recovery-codes',
  tags: TAGS,
  summary: 'Replace the recovery codes',
  description: 'Needs a recent sign-in and a current code; the old codes stop working.',
  middleware: [requireRecentAuth],
  rateLimit: confirmIp,
  request: { body: jsonBody(SecondFactorSchema) },
  responses: {
    200: jsonResponse(RecoveryCodesResponseSchema, 'Ten new codes, shown this once only'),
    ...problemResponses(403, 409),
  },
});

const loginSecondStepRoute = publicRoute({
  method: 'post',
  path: '/auth/login/2fa',
  tags: ['auth', ...TAGS],
  summary: 'Second sign-in step: a code from the app or a recovery code',
  description:
    'Takes the challenge token POST /api/auth/login answered with. The challenge lasts 5 minutes and 5 wrong codes; on success the refresh token is set as an HttpOnly cookie.',
  rateLimit: rateLimitByIp({ name: 'login-2fa-ip', limit: 60, windowSeconds: 900 }),
  request: { body: jsonBody(TwoFactorLoginSchema) },
  responses: {
    200: sessionResponse('Signed in'),
    ...problemResponses(401),
  },
});

/** TOTP enrolment, recovery codes and the second sign-in step. */
export const twoFactorRoutes = createRouter()
  .openapi(statusRoute, async (c) => {
    return c.json(await twoFactorStatus(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(setupRoute, async (c) => {
    return c.json(await setupTotp(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(enableRoute, async (c) => {
    const { code } = c.req.valid('json');
    const result = await enableTotp(c.var.services, c.var.auth.userId, code, requestMeta(c));
    return c.json(result, 200);
  })
  .openapi(disableRoute, async (c) => {
    await disableTotp(c.var.services, c.var.auth.userId, c.req.valid('json'), requestMeta(c));
    return c.body(null, 204);
  })
  .openapi(recoveryCodesRoute, async (c) => {
    const { services, auth } = c.var;
    const result = await regenerateRecoveryCodes(
      services,
      auth.userId,
      c.req.valid('json'),
      requestMeta(c),
    );
    return c.json(result, 200);
  })
  .openapi(loginSecondStepRoute, async (c) => {
    const { services } = c.var;
    const session = await completeTwoFactorLogin(services, c.req.valid('json'), requestMeta(c));
    return c.json(signedIn(c, session), 200);
  });
