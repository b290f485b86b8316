import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { isUniqueViolation, type Transaction } from '../../db/client';
import { auditLog, sessions, users } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertAllowed, consume } from '../platform/rate-limit';
import { markFamilyRevoked } from '../platform/revocation';
import { ACCESS_TOKEN_TTL_SECONDS, randomToken, sha256Hex, signToken } from '../platform/tokens';
import { assertLoginFailuresAllowed, recordLoginFailure } from './limits';
import { verificationMail } from './mail';
import { issueAuthToken, VERIFY_EMAIL_TTL_SECONDS } from './one-time-tokens';
import { decoy, hashPassword, needsRehash, verifyPassword } from './password';
import { ipOrNull, type RequestMeta } from './request-meta';
import type { PublicUser } from './schemas';
import { createTwoFactorChallenge, type TwoFactorChallenge } from './two-factor-challenge';
import { mustVerifyEmail, verificationLink } from './verification';

/** Refresh tokens (and so sessions) last 30 days from their last rotation. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/**
 * Two tabs refreshing at the same moment both present the same token; within this window
 * the second one gets its own new token instead of tripping reuse detection.
 */
const ROTATION_GRACE_MS = 10_000;

export const LOGIN_ACCOUNT_RULE = { name: 'login-account', limit: 10, windowSeconds: 900 };

/** How a session family was started; shown in the sessions list. */
export type SignInMethod = 'password' | 'password+totp' | 'password+recovery' | 'passkey';

export interface IssuedSession {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

type UserRow = typeof users.$inferSelect;

/** The public shape of a user: never the hash, never internal flags. */
export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    plan: row.plan,
    locale: row.locale,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Inserts a refresh-token row for a family and returns the token (shown once, never stored). */
export async function startSession(
  tx: Transaction,
  userId: string,
  familyId: string,
  meta: RequestMeta,
  options: { method?: SignInMethod; authenticatedAt?: Date } = {},
): Promise<string> {
  const refreshToken = randomToken(32);
  // A rotation (authenticatedAt carried over) is the same device; a sign-in from a user
  // agent this account has never used, when it has used others, is a new device.
  if (!options.authenticatedAt && meta.userAgent) {
    const [seen] = await tx
      .select({
        any: sql<number>`count(*)::int`,
        same: sql<number>`count(*) filter (where ${sessions.userAgent} = ${meta.userAgent.slice(0, 512)})::int`,
      })
      .from(sessions)
      .where(eq(sessions.userId, userId));
    if (seen && seen.any > 0 && seen.same === 0) {
      await tx.insert(auditLog).values({
        userId,
        action: 'login.new_device',
        ip: ipOrNull(meta.ip),
        userAgent: meta.userAgent,
        metadata: { location: meta.location ?? null, method: options.method ?? 'password' },
      });
    }
  }
  await tx.insert(sessions).values({
    userId,
    familyId,
    tokenHash: await sha256Hex(refreshToken),
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    ip: ipOrNull(meta.ip),
    location: meta.location?.slice(0, 200) ?? null,
    method: options.method ?? 'password',
    // A rotation carries the family's sign-in time over: refreshing is not re-authenticating.
    authenticatedAt: options.authenticatedAt ?? new Date(),
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  return refreshToken;
}

/** Signs the access token for a family and assembles what the client receives. */
export async function issue(
  services: Services,
  user: UserRow,
  familyId: string,
  refreshToken: string,
): Promise<IssuedSession> {
  const { config, secrets } = services;
  const accessToken = await signToken(
    { secret: secrets.JWT_SECRET, issuer: config.jwtIssuer, audience: config.jwtAudience },
    { userId: user.id, role: user.role, sessionId: familyId },
    ACCESS_TOKEN_TTL_SECONDS,
  );
  return {
    user: toPublicUser(user),
    accessToken,
    refreshToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  };
}

/**
 * Creates an account and its first session in one transaction: a failure at any point
 * leaves no user behind. The unique index on the normalised e-mail settles races.
 */
export async function register(
  services: Services,
  input: { email: string; password: string; name: string; locale: 'fr' | 'en' },
  meta: RequestMeta,
): Promise<IssuedSession> {
  const passwordHash = await hashPassword(input.password);
  try {
    const familyId = crypto.randomUUID();
    const { user, refreshToken, verifyToken } = await services.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, locale: input.locale, passwordHash })
        .returning();
      if (!user) throw new Error('user insert returned no row');
      const refreshToken = await startSession(tx, user.id, familyId, meta);
      const verifyToken = await issueAuthToken(
        tx,
        user.id,
        'verify_email',
        VERIFY_EMAIL_TTL_SECONDS,
      );
      await tx.insert(auditLog).values({
        userId: user.id,
        action: 'account.created',
        ip: ipOrNull(meta.ip),
        userAgent: meta.userAgent,
      });
      return { user, refreshToken, verifyToken };
    });
    services.logger.info('account created', { userId: user.id });
    services.background(
      services.mailer.send(
        verificationMail(
          user.email,
          user.name,
          user.locale,
          verificationLink(services.config.appOrigin, verifyToken),
        ),
      ),
    );
    return issue(services, user, familyId, refreshToken);
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_key')) {
      throw new ApiError(
        'EMAIL_TAKEN',
        'An account already uses this e-mail address; sign in instead.',
        {
          issues: [{ path: 'body.email', message: 'Already registered' }],
        },
      );
    }
    throw err;
  }
}

/**
 * The writes of a password sign-in in ONE statement (one round trip, atomic): the session row,
 * the audit entries (login.succeeded, and login.new_device when the device check says so) and
 * the password rehash when due. Returns the refresh token (shown once, never stored).
 */
async function writeSignIn(
  services: Services,
  userId: string,
  familyId: string,
  meta: RequestMeta,
  options: { rehash: string | null; newDevice: boolean },
): Promise<string> {
  const refreshToken = randomToken(32);
  const ip = ipOrNull(meta.ip);
  const audit = [
    sql`(${userId}::uuid, 'login.succeeded', ${ip}::inet, ${meta.userAgent}, '{}'::jsonb)`,
  ];
  if (options.newDevice) {
    const metadata = JSON.stringify({ location: meta.location ?? null, method: 'password' });
    audit.unshift(
      sql`(${userId}::uuid, 'login.new_device', ${ip}::inet, ${meta.userAgent}, ${metadata}::jsonb)`,
    );
  }
  const rehash = options.rehash
    ? sql`, rehashed as (update ${users} set password_hash = ${options.rehash} where id = ${userId}::uuid)`
    : sql``;
  await services.db.execute(sql`
    with audited as (
      insert into ${auditLog} (user_id, action, ip, user_agent, metadata)
      values ${sql.join(audit, sql`, `)}
    )${rehash}
    insert into ${sessions}
      (user_id, family_id, token_hash, user_agent, ip, location, method, authenticated_at, expires_at)
    values (
      ${userId}::uuid, ${familyId}::uuid, ${await sha256Hex(refreshToken)},
      ${meta.userAgent?.slice(0, 512) ?? null}, ${ip}::inet, ${meta.location?.slice(0, 200) ?? null},
      'password', now(), now() + make_interval(secs => ${REFRESH_TOKEN_TTL_SECONDS})
    )`);
  return refreshToken;
}

/**
 * Checks a password; for an account with 2FA on, answers a challenge for the second step
 * instead of a session. Unknown addresses are checked against a decoy hash so that both
 * failures cost the same scrypt work and return the same 401.
 */
export async function login(
  services: Services,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<IssuedSession | TwoFactorChallenge> {
  const { db, kv, secrets } = services;
  // One round trip for the reads: the account, and (for the new-device check) how many of its
  // sessions there are and how many came from this user agent; the Redis checks run alongside.
  const userAgent = meta.userAgent?.slice(0, 512) ?? null;
  const reads = Promise.all([
    db.select().from(users).where(eq(users.email, input.email)).limit(1),
    userAgent
      ? db
          .select({
            any: sql<number>`count(*)::int`,
            same: sql<number>`count(*) filter (where ${sessions.userAgent} = ${userAgent})::int`,
          })
          .from(sessions)
          .where(
            inArray(
              sessions.userId,
              db.select({ id: users.id }).from(users).where(eq(users.email, input.email)),
            ),
          )
      : Promise.resolve([]),
  ]);
  // A refused attempt must not leave the reads unobserved (an unhandled rejection).
  reads.catch(() => {});
  const [allowance] = await Promise.all([
    consume(kv, LOGIN_ACCOUNT_RULE, input.email, secrets.RATE_LIMIT_MULTIPLIER),
    assertLoginFailuresAllowed(kv, input.email, secrets.RATE_LIMIT_MULTIPLIER),
  ]);
  assertAllowed(allowance);
  const [[user], [seen]] = await reads;
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoy()));
  if (!user || !ok) {
    await Promise.all([
      recordLoginFailure(kv, input.email),
      db.insert(auditLog).values({
        userId: user?.id ?? null,
        action: 'login.failed',
        ip: ipOrNull(meta.ip),
        userAgent: meta.userAgent,
      }),
    ]);
    throw new ApiError('INVALID_CREDENTIALS', 'The e-mail address or the password is wrong.');
  }
  if (user.status !== 'active') {
    throw new ApiError('FORBIDDEN', 'This account is disabled. Contact support.');
  }
  if (mustVerifyEmail(user, services.config.requireVerifiedEmail)) {
    throw new ApiError(
      'EMAIL_NOT_VERIFIED',
      'Confirm your e-mail address first: open the link we sent you, or ask for a new one.',
    );
  }
  const familyId = crypto.randomUUID();
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
  if (user.totpEnabledAt) {
    // The password is right but the session waits for the second factor (login/2fa).
    if (rehash) await db.update(users).set({ passwordHash: rehash }).where(eq(users.id, user.id));
    return createTwoFactorChallenge(kv, user.id);
  }
  const newDevice = Boolean(userAgent && seen && seen.any > 0 && seen.same === 0);
  const refreshToken = await writeSignIn(services, user.id, familyId, meta, { rehash, newDevice });
  return issue(services, user, familyId, refreshToken);
}

const invalidRefresh = () => new ApiError('UNAUTHORIZED', 'Your session has ended; sign in again.');

/**
 * Rotates a refresh token: the presented one is retired and a new one issued in the same
 * family. A retired token presented again (after the grace window) means it was stolen
 * or replayed, so the whole family is revoked.
 */
export async function refresh(
  services: Services,
  presented: string,
  meta: RequestMeta,
): Promise<IssuedSession> {
  const { db, logger } = services;
  const tokenHash = await sha256Hex(presented);
  const [current] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(1);
  if (!current || current.revokedAt || current.expiresAt.getTime() <= Date.now())
    throw invalidRefresh();
  if (current.rotatedAt && Date.now() - current.rotatedAt.getTime() > ROTATION_GRACE_MS) {
    await revokeFamily(services, current.familyId, 'refresh.reused');
    logger.warn('refresh token reuse: family revoked', { userId: current.userId });
    throw invalidRefresh();
  }
  const [user] = await db.select().from(users).where(eq(users.id, current.userId)).limit(1);
  if (user?.status !== 'active') throw invalidRefresh();
  const refreshToken = await db.transaction(async (tx) => {
    if (!current.rotatedAt) {
      const retired = await tx
        .update(sessions)
        .set({ rotatedAt: new Date(), lastUsedAt: new Date() })
        .where(and(eq(sessions.id, current.id), isNull(sessions.rotatedAt)))
        .returning({ id: sessions.id });
      // Lost a race with a concurrent refresh of the same token: that is the grace case.
      if (retired.length === 0) logger.info('concurrent refresh', { userId: user.id });
    }
    return startSession(tx, user.id, current.familyId, meta, {
      method: current.method as SignInMethod,
      authenticatedAt: current.authenticatedAt,
    });
  });
  return issue(services, user, current.familyId, refreshToken);
}

/** Revokes every token of a session family (one device's sign-in). */
export async function revokeFamily(
  services: Services,
  familyId: string,
  reason: string,
): Promise<void> {
  await markFamilyRevoked(services.kv, familyId);
  await services.db.transaction(async (tx) => {
    const revoked = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)))
      .returning({ userId: sessions.userId });
    const userId = revoked[0]?.userId;
    if (userId)
      await tx.insert(auditLog).values({ userId, action: reason, metadata: { familyId } });
  });
}

/** Ends the session the refresh token (or access token's session id) belongs to. */
export async function logout(
  services: Services,
  presented: string | undefined,
  userSession?: { userId: string; sessionId: string },
): Promise<void> {
  if (presented) {
    const [row] = await services.db
      .select({ familyId: sessions.familyId })
      .from(sessions)
      .where(eq(sessions.tokenHash, await sha256Hex(presented)))
      .limit(1);
    if (row) await revokeFamily(services, row.familyId, 'logout');
    return;
  }
  if (userSession) {
    const [row] = await services.db
      .select({ familyId: sessions.familyId })
      .from(sessions)
      .where(
        and(eq(sessions.familyId, userSession.sessionId), eq(sessions.userId, userSession.userId)),
      )
      .limit(1);
    if (row) await revokeFamily(services, row.familyId, 'logout');
  }
}

/** The signed-in user, or 401 when the account no longer exists or is disabled. */
export async function currentUser(services: Services, userId: string): Promise<PublicUser> {
  const [user] = await services.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (user?.status !== 'active') {
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  }
  return toPublicUser(user);
}
