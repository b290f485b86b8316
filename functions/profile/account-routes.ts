import { requestMeta } from '../auth/request-meta';
import { requireRecentAuth } from '../platform/middleware/recent-auth';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { rateLimitByIp, rateLimitByUser } from '../platform/rate-limit';
import { EMAIL_CHANGE_RULE, EMAIL_CONFIRM_IP_RULE, PROFILE_UPDATE_RULE } from './limits';
import {
  EmailChangeAcceptedSchema,
  EmailChangeSchema,
  EmailConfirmedSchema,
  EmailConfirmSchema,
  ProfilePatchSchema,
  ProfileSchema,
} from './schemas';
import { confirmEmailChange, getProfile, requestEmailChange, updateProfile } from './service';

const getProfileRoute = userRoute({
  method: 'get',
  path: '/profile',
  tags: ['profile'],
  summary: 'Your profile',
  responses: {
    200: jsonResponse(ProfileSchema, 'The profile'),
  },
});

const patchProfileRoute = userRoute({
  method: 'patch',
  path: '/profile',
  tags: ['profile'],
  summary: 'Change your name, language, theme or notification choices',
  description: 'Every field is optional; notification choices merge into the stored ones.',
  rateLimit: rateLimitByUser(PROFILE_UPDATE_RULE),
  request: { body: jsonBody(ProfilePatchSchema) },
  responses: {
    200: jsonResponse(ProfileSchema, 'The updated profile'),
  },
});

const emailChangeRoute = userRoute({
  method: 'post',
  path: '/profile/email',
  tags: ['profile'],
  summary: 'Ask to change your e-mail address',
  description:
    'Needs a sign-in in the last 10 minutes. Mails a confirmation link (48 h) to the new address and a notice to the current one. The answer is the same whether or not the new address is registered; confirming is where a taken address fails.',
  middleware: [requireRecentAuth],
  rateLimit: rateLimitByUser(EMAIL_CHANGE_RULE),
  request: { body: jsonBody(EmailChangeSchema) },
  responses: {
    202: jsonResponse(EmailChangeAcceptedSchema, 'Confirmation link sent'),
    ...problemResponses(403),
  },
});

const emailConfirmRoute = publicRoute({
  method: 'post',
  path: '/profile/email/confirm',
  tags: ['profile'],
  summary: 'Confirm a new e-mail address with the e-mailed token',
  rateLimit: rateLimitByIp(EMAIL_CONFIRM_IP_RULE),
  request: { body: jsonBody(EmailConfirmSchema) },
  responses: {
    200: jsonResponse(EmailConfirmedSchema, 'The address is now the account’s, and verified'),
    ...problemResponses(409),
  },
});

/** Profile and e-mail address. */
export const accountRoutes = createRouter()
  .openapi(getProfileRoute, async (c) => {
    return c.json(await getProfile(c.var.services, c.var.auth.userId), 200);
  })
  .openapi(patchProfileRoute, async (c) => {
    const profile = await updateProfile(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('json'),
      requestMeta(c),
    );
    return c.json(profile, 200);
  })
  .openapi(emailChangeRoute, async (c) => {
    const { newEmail } = c.req.valid('json');
    await requestEmailChange(c.var.services, c.var.auth.userId, newEmail, requestMeta(c));
    return c.json(
      {
        status: 'pending' as const,
        detail: 'If this address can be used, a confirmation link is on its way to it.',
      },
      202,
    );
  })
  .openapi(emailConfirmRoute, async (c) => {
    const { token } = c.req.valid('json');
    return c.json(await confirmEmailChange(c.var.services, token, requestMeta(c)), 200);
  });
