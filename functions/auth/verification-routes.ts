import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { rateLimitByIp } from '../platform/rate-limit';
import { VERIFY_EMAIL_IP_RULE, VERIFY_REQUEST_IP_RULE, VERIFY_RESEND_IP_RULE } from './limits';
import { requestMeta } from './request-meta';
import {
  AcceptedSchema,
  EmailOnlySchema,
  VerificationStatusSchema,
  VerifyEmailResponseSchema,
  VerifyEmailSchema,
} from './schemas';
import {
  requestVerification,
  resendVerification,
  verificationStatus,
  verifyEmail,
} from './verification';

const accepted = jsonResponse(
  AcceptedSchema,
  'Accepted: the e-mail is on its way if there is one to send',
);

const verifyRoute = publicRoute({
  method: 'post',
  path: '/auth/verify-email',
  tags: ['auth'],
  summary: 'Confirm an e-mail address with the token from the e-mailed link',
  description:
    'Single use, valid 48 hours. Unknown, forged, expired and already used tokens all answer 400 TOKEN_INVALID and change nothing. No sign-in needed: the link may be opened on another device.',
  rateLimit: rateLimitByIp(VERIFY_EMAIL_IP_RULE),
  request: { body: jsonBody(VerifyEmailSchema) },
  responses: {
    200: jsonResponse(VerifyEmailResponseSchema, 'Address confirmed'),
  },
});

const resendRoute = userRoute({
  method: 'post',
  path: '/auth/verify-email/resend',
  tags: ['auth'],
  summary: 'Send a new verification link to the signed-in user',
  description: 'At most 3 an hour per account, and a per-IP limit. 409 when already confirmed.',
  rateLimit: rateLimitByIp(VERIFY_RESEND_IP_RULE),
  responses: {
    202: accepted,
    ...problemResponses(409),
  },
});

const requestRoute = publicRoute({
  method: 'post',
  path: '/auth/verify-email/request',
  tags: ['auth'],
  summary: 'Ask for a new verification link without signing in',
  description:
    'For an account whose sign-in was refused with EMAIL_NOT_VERIFIED. The answer is the same whether or not the address has an account waiting for confirmation.',
  rateLimit: rateLimitByIp(VERIFY_REQUEST_IP_RULE),
  request: { body: jsonBody(EmailOnlySchema) },
  responses: {
    202: accepted,
  },
});

const statusRoute = userRoute({
  method: 'get',
  path: '/auth/verification-status',
  tags: ['auth'],
  summary: "Whether the signed-in user's e-mail address is confirmed",
  responses: {
    200: jsonResponse(VerificationStatusSchema, 'Verification status'),
  },
});

const ACCEPTED_MESSAGE =
  'If there is an address waiting for confirmation, a new link is on its way.';

export const verificationRoutes = createRouter()
  .openapi(verifyRoute, async (c) => {
    const result = await verifyEmail(c.var.services, c.req.valid('json').token, requestMeta(c));
    return c.json(result, 200);
  })
  .openapi(resendRoute, async (c) => {
    await resendVerification(c.var.services, c.var.auth);
    return c.json(
      { status: 'accepted' as const, message: 'A new confirmation link is on its way.' },
      202,
    );
  })
  .openapi(requestRoute, async (c) => {
    await requestVerification(c.var.services, c.req.valid('json').email);
    return c.json({ status: 'accepted' as const, message: ACCEPTED_MESSAGE }, 202);
  })
  .openapi(statusRoute, async (c) => {
    return c.json(await verificationStatus(c.var.services, c.var.auth), 200);
  });
