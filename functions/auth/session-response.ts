import type { Context } from 'hono';
import type { AppEnv } from '../platform/env';
import { sessionBody, setRefreshCookie } from './cookies';
import { SessionResponseSchema } from './schemas';
import type { IssuedSession } from './service';

/** The OpenAPI response of an endpoint that answers with a session (and sets the cookie). */
export function sessionResponse(description: string) {
  return { description, content: { 'application/json': { schema: SessionResponseSchema } } };
}

/**
 * Finishes a sign-in, whatever the method: sets the refresh cookie, tells the user's other
 * tabs and devices that a session started, and returns the body to answer with.
 */
export function signedIn(c: Context<AppEnv>, session: IssuedSession) {
  const { services } = c.var;
  setRefreshCookie(c, session.refreshToken);
  services.background(
    services.notifier.publish(session.user.id, {
      type: 'session.started',
      data: { userAgent: c.req.header('User-Agent') ?? null },
    }),
  );
  return sessionBody(session);
}
