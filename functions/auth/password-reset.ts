import { and, eq, isNull } from 'drizzle-orm';
import { auditLog, sessions, users } from '../../db/schema';
import type { Services } from '../platform/env';
import { assertAllowed, consume } from '../platform/rate-limit';
import { markUserRevoked } from '../platform/revocation';
import { FORGOT_ADDRESS_RULE } from './limits';
import { passwordChangedMail, passwordResetMail } from './mail';
import {
  consumeAuthToken,
  issueAuthToken,
  peekAuthToken,
  RESET_PASSWORD_TTL_SECONDS,
  retireAuthTokens,
} from './one-time-tokens';
import { hashPassword } from './password';
import { ipOrNull, type RequestMeta } from './request-meta';

/** The link a password-reset e-mail carries. */
export function resetLink(appOrigin: string, token: string): string {
  return `${appOrigin}/reset?token=${encodeURIComponent(token)}`;
}

/**
 * Starts a password reset. The caller always gets the same answer: the account lookup, the
 * token and the e-mail all happen after the response (services.background), so neither the
 * body nor the time taken tells whether the address has an account. Only the newest link
 * works.
 */
export async function forgotPassword(services: Services, email: string): Promise<void> {
  const { db, kv, secrets, config } = services;
  assertAllowed(await consume(kv, FORGOT_ADDRESS_RULE, email, secrets.RATE_LIMIT_MULTIPLIER));
  services.background(
    (async () => {
      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      if (user?.status !== 'active') return;
      const token = await issueAuthToken(
        db,
        user.id,
        'reset_password',
        RESET_PASSWORD_TTL_SECONDS,
        { replace: true },
      );
      await db.insert(auditLog).values({ userId: user.id, action: 'password.reset_requested' });
      await services.mailer.send(
        passwordResetMail(user.email, user.name, user.locale, resetLink(config.appOrigin, token)),
      );
    })(),
  );
}

/**
 * Sets a new password from a reset link. In one transaction: the token is spent, the hash
 * replaced, every session of the account revoked and the event audited; then every access
 * token still in flight is cut off through Redis, and a notice is mailed. Opening the link
 * proves the mailbox, so an unconfirmed address becomes confirmed.
 */
export async function resetPassword(
  services: Services,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const { db, kv, config } = services;
  // Refuse a bad token before paying for scrypt; the UPDATE below re-checks atomically.
  await peekAuthToken(db, 'reset_password', input.token);
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  const user = await db.transaction(async (tx) => {
    const { userId } = await consumeAuthToken(tx, 'reset_password', input.token);
    const [user] = await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, userId))
      .returning();
    if (!user) throw new Error('token of a missing user');
    if (user.emailVerifiedAt === null) {
      await tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, userId));
    }
    await retireAuthTokens(tx, userId, 'reset_password');
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ familyId: sessions.familyId });
    await tx.insert(auditLog).values({
      userId,
      action: 'password.reset',
      ip: ipOrNull(meta.ip),
      userAgent: meta.userAgent,
      metadata: { sessionsRevoked: new Set(revoked.map((r) => r.familyId)).size },
    });
    return user;
  });
  // Marked after the commit: any access token a refresh minted before it is older than the mark.
  await markUserRevoked(kv, user.id);
  services.background(
    services.mailer.send(passwordChangedMail(user.email, user.name, user.locale, config.appOrigin)),
  );
}
