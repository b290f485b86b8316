import { and, eq, isNull, max } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { sessions } from '../../../db/schema';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

/** How recent a sign-in or re-authentication must be for sensitive changes. */
export const RECENT_AUTH_SECONDS = 10 * 60;

/**
 * For changes an attacker with a stolen session must not make (password, e-mail, 2FA,
 * passkeys, keys): the session must have proved the user's identity in the last ten
 * minutes, by signing in or through POST /api/auth/reauthenticate. Use after requireAuth.
 */
export const requireRecentAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { sessionId, userId } = c.var.auth;
  const [row] = await c.var.services.db
    .select({ at: max(sessions.authenticatedAt) })
    .from(sessions)
    .where(
      and(
        eq(sessions.familyId, sessionId),
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
      ),
    );
  const at = row?.at ? new Date(row.at).getTime() : 0;
  if (Date.now() - at > RECENT_AUTH_SECONDS * 1000) {
    throw new ApiError(
      'REAUTH_REQUIRED',
      'Confirm your identity first (POST /api/auth/reauthenticate), then retry within 10 minutes.',
    );
  }
  await next();
});
