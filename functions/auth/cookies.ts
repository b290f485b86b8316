import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../platform/env';
import { type IssuedSession, REFRESH_TOKEN_TTL_SECONDS } from './service';

/** The refresh cookie is only ever sent to the auth endpoints. */
export const REFRESH_COOKIE = 'webox_rt';
export const COOKIE_PATH = '/api/auth';

/** Sets the HttpOnly refresh cookie of a new or rotated session. */
export function setRefreshCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: COOKIE_PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

/** The JSON a client receives for a session: never the refresh token, which is the cookie. */
export function sessionBody(session: IssuedSession) {
  return {
    user: session.user,
    accessToken: session.accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: session.expiresIn,
  };
}
