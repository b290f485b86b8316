import { eq } from 'drizzle-orm';
import { auditLog, users } from '../../db/schema';
import type { AuthContext, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertAllowed, consume } from '../platform/rate-limit';
import { CHANGE_PASSWORD_ACCOUNT_RULE } from './limits';
import { passwordChangedMail } from './mail';
import { hashPassword } from './password';
import { activeUser, checkPassword } from './reauth';
import { ipOrNull, type RequestMeta } from './request-meta';
import { revokeOtherSessions } from './sessions';

/**
 * Changes the caller's password after checking the current one (a wrong one counts as a
 * failed sign-in). The caller's session stays; with `signOutOtherSessions` every other
 * device is signed out at once. A notice is mailed either way.
 */
export async function changePassword(
  services: Services,
  auth: AuthContext,
  input: { currentPassword: string; newPassword: string; signOutOtherSessions: boolean },
  meta: RequestMeta,
): Promise<{ otherSessionsRevoked: number }> {
  const { db, kv, secrets, config } = services;
  assertAllowed(
    await consume(kv, CHANGE_PASSWORD_ACCOUNT_RULE, auth.userId, secrets.RATE_LIMIT_MULTIPLIER),
  );
  if (input.currentPassword === input.newPassword) {
    throw new ApiError('VALIDATION_FAILED', 'body.newPassword: Choose a different password', {
      issues: [{ path: 'body.newPassword', message: 'Choose a different password' }],
    });
  }
  const user = await activeUser(services, auth.userId);
  await checkPassword(services, user, input.currentPassword, meta);
  const passwordHash = await hashPassword(input.newPassword);
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, user.id));
    await tx.insert(auditLog).values({
      userId: user.id,
      action: 'password.changed',
      ip: ipOrNull(meta.ip),
      userAgent: meta.userAgent,
      metadata: { signOutOtherSessions: input.signOutOtherSessions },
    });
  });
  const otherSessionsRevoked = input.signOutOtherSessions
    ? await revokeOtherSessions(services, user.id, auth.sessionId)
    : 0;
  services.background(
    services.mailer.send(passwordChangedMail(user.email, user.name, user.locale, config.appOrigin)),
  );
  return { otherSessionsRevoked };
}
