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
import { FORGOT_IP_RULE, REAUTH_IP_RULE, RESET_IP_RULE } from './limits';
import { changePassword } from './password-change';
import { forgotPassword, resetPassword } from './password-reset';
import { reauthenticate } from './reauth';
import { requestMeta } from './request-meta';
import {
  AcceptedSchema,
  ChangePasswordResponseSchema,
  ChangePasswordSchema,
  EmailOnlySchema,
  ReauthenticateResponseSchema,
  ReauthenticateSchema,
  ResetPasswordSchema,
} from './schemas';

const forgotRoute = publicRoute({
  method: 'post',
  path: '/auth/forgot-password',
  tags: ['auth'],
  summary: 'E-mail a password-reset link',
  description:
    'Always 202 with the same body, whether or not the address has an account: the lookup and the e-mail happen after the response. Rate-limited per IP and per address.',
  rateLimit: rateLimitByIp(FORGOT_IP_RULE),
  request: { body: jsonBody(EmailOnlySchema) },
  responses: {
    202: jsonResponse(AcceptedSchema, 'Accepted'),
  },
});

const resetRoute = publicRoute({
  method: 'post',
  path: '/auth/reset-password',
  tags: ['auth'],
  summary: 'Set a new password with the token from the e-mailed link',
  description:
    'Single use, valid one hour. Signs out every session of the account at once and mails a notice. Bad, expired and used tokens answer 400 TOKEN_INVALID.',
  rateLimit: rateLimitByIp(RESET_IP_RULE),
  request: { body: jsonBody(ResetPasswordSchema) },
  responses: {
    204: { description: 'Password changed; sign in with it' },
  },
});

const reauthRoute = userRoute({
  method: 'post',
  path: '/auth/reauthenticate',
  tags: ['auth'],
  summary: 'Confirm your identity again before a sensitive change',
  description:
    'Checks the password (and, when two-factor sign-in is on, `code` or `recoveryCode`); the current session then counts as freshly signed in for 10 minutes (routes marked "recent sign-in"). A wrong password counts as a failed sign-in.',
  rateLimit: rateLimitByIp(REAUTH_IP_RULE),
  request: { body: jsonBody(ReauthenticateSchema) },
  responses: {
    200: jsonResponse(ReauthenticateResponseSchema, 'Identity confirmed'),
  },
});

const changeRoute = userRoute({
  method: 'post',
  path: '/auth/change-password',
  tags: ['auth'],
  summary: 'Change your password (recent sign-in)',
  description:
    'Needs the current password and a sign-in or re-authentication in the last 10 minutes (else 403 REAUTH_REQUIRED). Optionally signs out every other device.',
  middleware: [requireRecentAuth],
  request: { body: jsonBody(ChangePasswordSchema) },
  responses: {
    200: jsonResponse(ChangePasswordResponseSchema, 'Password changed'),
    ...problemResponses(403, 429),
  },
});

export const passwordRoutes = createRouter()
  .openapi(forgotRoute, async (c) => {
    await forgotPassword(c.var.services, c.req.valid('json').email);
    return c.json(
      {
        status: 'accepted' as const,
        message: 'If an account uses this address, a reset link is on its way.',
      },
      202,
    );
  })
  .openapi(resetRoute, async (c) => {
    await resetPassword(c.var.services, c.req.valid('json'), requestMeta(c));
    return c.body(null, 204);
  })
  .openapi(reauthRoute, async (c) => {
    const result = await reauthenticate(
      c.var.services,
      c.var.auth,
      c.req.valid('json'),
      requestMeta(c),
    );
    return c.json(result, 200);
  })
  .openapi(changeRoute, async (c) => {
    const result = await changePassword(
      c.var.services,
      c.var.auth,
      c.req.valid('json'),
      requestMeta(c),
    );
    return c.json(result, 200);
  });
