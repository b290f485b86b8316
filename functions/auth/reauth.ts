import { and, eq, isNull } from 'drizzle-orm';
import { auditLog, sessions, users } from '../../db/schema';
import type { AuthContext, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { RECENT_AUTH_SECONDS } from '../platform/middleware/recent-auth';
import { assertAllowed, consume } from '../platform/rate-limit';
import { assertLoginFailuresAllowed, REAUTH_ACCOUNT_RULE, recordLoginFailure } from './limits';
import { verifyPassword } from './password';
import { ipOrNull, type RequestMeta } from './request-meta';
import { LOGIN_ACCOUNT_RULE } from './service';
import { type SecondFactor, verifySecondFactor } from './two-factor';

/** What the caller proves identity with: the password, plus a second factor when 2FA is on. */
export interface ReauthInput {
  password: string;
  code?: string;
  recoveryCode?: string;
}

type UserRow = typeof users.$inferSelect;

/**
 * Checks the caller's password for a sensitive change. A wrong one counts like a failed
 * sign-in (the 10-per-15-minutes attempt limiter and the 100-per-hour failure cap), so a
 * stolen session cannot be used to guess the password faster than the login form allows.
 */
export async function checkPassword(
  services: Services,
  user: UserRow,
  password: string,
  meta: RequestMeta,
): Promise<void> {
  const { db, kv, secrets } = services;
  await assertLoginFailuresAllowed(kv, user.email, secrets.RATE_LIMIT_MULTIPLIER);
  if (await verifyPassword(password, user.passwordHash)) return;
  await recordLoginFailure(kv, user.email);
  await consume(kv, LOGIN_ACCOUNT_RULE, user.email, secrets.RATE_LIMIT_MULTIPLIER);
  await db.insert(auditLog).values({
    userId: user.id,
    action: 'reauth.failed',
    ip: ipOrNull(meta.ip),
    userAgent: meta.userAgent,
  });
  throw new ApiError('INVALID_CREDENTIALS', 'The password is wrong.');
}

/**
 * For an account with 2FA on, re-authenticating also needs a current code (or a recovery
 * code): a password alone must not unlock what it could not sign in with. A wrong code counts
 * like a failed sign-in.
 */
async function checkSecondFactor(
  services: Services,
  user: UserRow,
  factor: SecondFactor,
  meta: RequestMeta,
): Promise<void> {
  if (factor.code === undefined && factor.recoveryCode === undefined) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'body.code: Enter the code from your authenticator app.',
      {
        issues: [{ path: 'body.code', message: 'Enter the code from your authenticator app' }],
      },
    );
  }
  if (await verifySecondFactor(services, user, factor)) return;
  await recordLoginFailure(services.kv, user.email);
  await services.db.insert(auditLog).values({
    userId: user.id,
    action: 'reauth.failed',
    ip: ipOrNull(meta.ip),
    userAgent: meta.userAgent,
    metadata: { factor: factor.code === undefined ? 'recovery' : 'totp' },
  });
  throw new ApiError('INVALID_CODE', 'The code is wrong or was already used.');
}

/** The caller's account row, or 401 when it no longer exists or is disabled. */
export async function activeUser(services: Services, userId: string): Promise<UserRow> {
  const [user] = await services.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (user?.status !== 'active') {
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  }
  return user;
}

/**
 * Re-authenticates the caller's session: after the password is checked, the session family's
 * `authenticatedAt` becomes now, which `requireRecentAuth` accepts for ten minutes.
 * The one entry point for "prove it is you again"; other factors plug in here.
 */
export async function reauthenticate(
  services: Services,
  auth: AuthContext,
  input: ReauthInput,
  meta: RequestMeta,
): Promise<{ authenticatedAt: string; validForSeconds: number }> {
  const { db, kv, secrets } = services;
  assertAllowed(await consume(kv, REAUTH_ACCOUNT_RULE, auth.userId, secrets.RATE_LIMIT_MULTIPLIER));
  const user = await activeUser(services, auth.userId);
  await checkPassword(services, user, input.password, meta);
  if (user.totpEnabledAt) await checkSecondFactor(services, user, input, meta);
  const now = new Date();
  const touched = await db.transaction(async (tx) => {
    const rows = await tx
      .update(sessions)
      .set({ authenticatedAt: now })
      .where(
        and(
          eq(sessions.familyId, auth.sessionId),
          eq(sessions.userId, auth.userId),
          isNull(sessions.revokedAt),
        ),
      )
      .returning({ id: sessions.id });
    if (rows.length > 0) {
      await tx.insert(auditLog).values({
        userId: user.id,
        action: 'reauth.succeeded',
        ip: ipOrNull(meta.ip),
        userAgent: meta.userAgent,
        metadata: { familyId: auth.sessionId },
      });
    }
    return rows.length;
  });
  if (touched === 0) throw new ApiError('UNAUTHORIZED', 'This session has ended; sign in again.');
  return { authenticatedAt: now.toISOString(), validForSeconds: RECENT_AUTH_SECONDS };
}
