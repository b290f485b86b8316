import { eq } from 'drizzle-orm';
import { auditLog, users } from '../../db/schema';
import type { AuthContext, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertAllowed, consume } from '../platform/rate-limit';
import { VERIFY_REQUEST_ADDRESS_RULE, VERIFY_RESEND_ACCOUNT_RULE } from './limits';
import { verificationMail } from './mail';
import {
  consumeAuthToken,
  issueAuthToken,
  retireAuthTokens,
  VERIFY_EMAIL_TTL_SECONDS,
} from './one-time-tokens';
import { ipOrNull, type RequestMeta } from './request-meta';

/**
 * Whether a sign-in with a correct password must still be refused because the address is
 * not confirmed. Checked only after the password, so the answer reveals nothing to someone
 * who does not know it.
 */
export function mustVerifyEmail(
  user: { emailVerifiedAt: Date | null },
  requireVerifiedEmail: boolean,
): boolean {
  return requireVerifiedEmail && user.emailVerifiedAt === null;
}

/** The link a verification e-mail carries. */
export function verificationLink(appOrigin: string, token: string): string {
  return `${appOrigin}/verify?token=${encodeURIComponent(token)}`;
}

/** Issues a verification token and writes the e-mail (in the user's language) to the outbox. */
export async function sendVerificationMail(
  services: Services,
  user: { id: string; email: string; name: string; locale: string },
): Promise<void> {
  const token = await issueAuthToken(
    services.db,
    user.id,
    'verify_email',
    VERIFY_EMAIL_TTL_SECONDS,
  );
  await services.mailer.send(
    verificationMail(
      user.email,
      user.name,
      user.locale,
      verificationLink(services.config.appOrigin, token),
    ),
  );
}

/**
 * Confirms the address a verification token was sent to: single use, 48 h. Every other
 * pending verification link of the account dies with it.
 */
export async function verifyEmail(
  services: Services,
  token: string,
  meta: RequestMeta,
): Promise<{ emailVerified: true; email: string }> {
  const email = await services.db.transaction(async (tx) => {
    const { userId } = await consumeAuthToken(tx, 'verify_email', token);
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!user) throw new Error('token of a missing user');
    if (user.emailVerifiedAt === null) {
      await tx
        .update(users)
        .set({ emailVerifiedAt: new Date(), updatedAt: new Date() })
        .where(eq(users.id, userId));
    }
    await retireAuthTokens(tx, userId, 'verify_email');
    await tx.insert(auditLog).values({
      userId,
      action: 'email.verified',
      ip: ipOrNull(meta.ip),
      userAgent: meta.userAgent,
      metadata: { email: user.email },
    });
    return user.email;
  });
  return { emailVerified: true, email };
}

/** Whether the caller's address is confirmed, and whether the platform requires it. */
export async function verificationStatus(
  services: Services,
  auth: AuthContext,
): Promise<{ emailVerified: boolean; email: string; required: boolean }> {
  const [user] = await services.db
    .select({ email: users.email, emailVerifiedAt: users.emailVerifiedAt, status: users.status })
    .from(users)
    .where(eq(users.id, auth.userId))
    .limit(1);
  if (user?.status !== 'active')
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  return {
    emailVerified: user.emailVerifiedAt !== null,
    email: user.email,
    required: services.config.requireVerifiedEmail,
  };
}

/** Sends a new verification link to the signed-in user; at most 3 an hour per account. */
export async function resendVerification(services: Services, auth: AuthContext): Promise<void> {
  const { db, kv, secrets } = services;
  assertAllowed(
    await consume(kv, VERIFY_RESEND_ACCOUNT_RULE, auth.userId, secrets.RATE_LIMIT_MULTIPLIER),
  );
  const [user] = await db.select().from(users).where(eq(users.id, auth.userId)).limit(1);
  if (user?.status !== 'active')
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  if (user.emailVerifiedAt !== null) {
    throw new ApiError('CONFLICT', 'This e-mail address is already confirmed.');
  }
  await sendVerificationMail(services, user);
}

/**
 * The signed-out way to get a new link (sign-in refused with EMAIL_NOT_VERIFIED): the answer
 * is the same whatever the address, and the lookup and e-mail run after the response.
 */
export async function requestVerification(services: Services, email: string): Promise<void> {
  const { db, kv, secrets } = services;
  assertAllowed(
    await consume(kv, VERIFY_REQUEST_ADDRESS_RULE, email, secrets.RATE_LIMIT_MULTIPLIER),
  );
  services.background(
    (async () => {
      const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      if (user?.status !== 'active' || user.emailVerifiedAt !== null) return;
      await sendVerificationMail(services, user);
    })(),
  );
}
