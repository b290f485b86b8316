import { deleteCookie, getCookie } from 'hono/cookie';
import { ApiError } from '../platform/errors';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { rateLimitByIp } from '../platform/rate-limit';
import { COOKIE_PATH, REFRESH_COOKIE, sessionBody, setRefreshCookie } from './cookies';
import { localeFrom } from './mail';
import { requestMeta } from './request-meta';
import { LoginSchema, MeResponseSchema, RegisterSchema } from './schemas';
import { currentUser, login, logout, refresh, register } from './service';
import { sessionResponse, signedIn } from './session-response';
import { LoginResponseSchema } from './two-factor-schemas';

const registerRoute = publicRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['auth'],
  summary: 'Create an account',
  description:
    'Creates the account and signs it in: the refresh token is set as an HttpOnly cookie.',
  rateLimit: rateLimitByIp({ name: 'register-ip', limit: 10, windowSeconds: 3600 }),
  request: { body: jsonBody(RegisterSchema) },
  responses: {
    201: sessionResponse('Account created and signed in'),
    ...problemResponses(409),
  },
});

const loginRoute = publicRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary: 'Sign in with e-mail and password',
  rateLimit: rateLimitByIp({ name: 'login-ip', limit: 60, windowSeconds: 900 }),
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonResponse(
      LoginResponseSchema,
      'Signed in, or (2FA on) the challenge for POST /api/auth/login/2fa',
    ),
    ...problemResponses(401, 403),
  },
});

const refreshRoute = publicRoute({
  method: 'post',
  path: '/auth/refresh',
  tags: ['auth'],
  summary: 'Rotate the refresh cookie and get a new access token',
  description:
    'Reads the HttpOnly refresh cookie. Reusing a rotated token revokes the whole session.',
  csrf: true,
  rateLimit: rateLimitByIp({ name: 'refresh-ip', limit: 120, windowSeconds: 900 }),
  responses: {
    200: sessionResponse('New access token'),
    ...problemResponses(401),
  },
});

const logoutRoute = publicRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'Sign out: revoke the session and clear the cookie',
  csrf: true,
  responses: {
    204: { description: 'Signed out' },
  },
});

const meRoute = userRoute({
  method: 'get',
  path: '/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  responses: {
    200: jsonResponse(MeResponseSchema, 'The user'),
  },
});

/** Register, sign in, refresh, sign out and the signed-in user. */
export const signInRoutes = createRouter()
  .openapi(registerRoute, async (c) => {
    const session = await register(
      c.var.services,
      { ...c.req.valid('json'), locale: localeFrom(c.req.header('Accept-Language')) },
      requestMeta(c),
    );
    setRefreshCookie(c, session.refreshToken);
    return c.json(sessionBody(session), 201);
  })
  .openapi(loginRoute, async (c) => {
    const { services } = c.var;
    const session = await login(services, c.req.valid('json'), requestMeta(c));
    if ('twoFactorRequired' in session) return c.json(session, 200);
    return c.json(signedIn(c, session), 200);
  })
  .openapi(refreshRoute, async (c) => {
    const presented = getCookie(c, REFRESH_COOKIE);
    if (!presented) {
      throw new ApiError('UNAUTHORIZED', 'No session cookie: sign in first.');
    }
    const session = await refresh(c.var.services, presented, requestMeta(c));
    setRefreshCookie(c, session.refreshToken);
    return c.json(sessionBody(session), 200);
  })
  .openapi(logoutRoute, async (c) => {
    await logout(c.var.services, getCookie(c, REFRESH_COOKIE));
    deleteCookie(c, REFRESH_COOKIE, { path: COOKIE_PATH, secure: true });
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => {
    const user = await currentUser(c.var.services, c.var.auth.userId);
    return c.json({ user }, 200);
  });
