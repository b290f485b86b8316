import type { Context } from 'hono';
import type { AppEnv } from '../platform/env';
import { sessionBody, setRefreshCookie } from './cookies';
import type { IssuedSession } from './service';

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
