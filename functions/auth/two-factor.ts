import { and, count, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import type { Database, Transaction } from '../../db/client';
import { auditLog, recoveryCodes, users } from '../../db/schema';
import { loadKeyring, packSealed, seal, unpackSealed, unseal } from '../platform/crypto';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertAllowed, consume, type RateLimitRule } from '../platform/rate-limit';
import { sha256Hex } from '../platform/tokens';
import { assertLoginFailuresAllowed, recordLoginFailure } from './limits';
import { verifyPassword } from './password';
import { ipOrNull, type RequestMeta } from './request-meta';
import {
  type IssuedSession,
  issue,
  LOGIN_ACCOUNT_RULE,
  type SignInMethod,
  startSession,
} from './service';
import { TWO_FACTOR_CHALLENGE_TTL_SECONDS, twoFactorChallengeKey } from './two-factor-challenge';

/** RFC 6238 parameters every authenticator app supports. */
const TOTP_PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** One step either side absorbs clock drift and the time it takes to type the code. */
const TOTP_WINDOW = 1;
const ISSUER = 'WeBox';
export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes allowed on one sign-in challenge before it is burnt. */
const CHALLENGE_TRIES: RateLimitRule = {
  name: '2fa-challenge',
  limit: 5,
  windowSeconds: TWO_FACTOR_CHALLENGE_TTL_SECONDS,
};
/** Confirmations (enable, disable, new recovery codes) per account: a stolen session cannot guess. */
const CONFIRM_RULE: RateLimitRule = { name: '2fa-confirm', limit: 10, windowSeconds: 900 };

type UserRow = typeof users.$inferSelect;
type Db = Database | Transaction;

/** Either a code from the authenticator app or one of the recovery codes. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
}

function auditRow(userId: string, action: string, meta: RequestMeta) {
  return { userId, action, ip: ipOrNull(meta.ip), userAgent: meta.userAgent };
}

async function loadUser(db: Db, userId: string): Promise<UserRow> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (user?.status !== 'active')
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  return user;
}

const totpAad = (userId: string) => `${userId}:totp`;

async function unsealSecret(services: Services, user: UserRow): Promise<string | null> {
  if (!user.totpSecretSealed) return null;
  const keyring = await loadKeyring(services.secrets.ENCRYPTION_KEYS);
  return unseal(keyring, unpackSealed(user.totpSecretSealed), totpAad(user.id));
}

/** The time step a code belongs to (within the window), or null when it matches none. */
function matchingStep(secret: string, code: string, now = Date.now()): number | null {
  const delta = TOTP.validate({
    ...TOTP_PARAMS,
    token: code,
    secret: Secret.fromBase32(secret),
    timestamp: now,
    window: TOTP_WINDOW,
  });
  if (delta === null) return null;
  return TOTP.counter({ period: TOTP_PARAMS.period, timestamp: now }) + delta;
}

/**
 * Accepts a code once: the step is recorded only if it is above the highest step accepted so
 * far, in one conditional UPDATE, so the same code sent twice (even at the same moment) passes
 * once. `extra` adds columns to set and conditions to meet in that same statement.
 */
async function acceptTotp(
  db: Db,
  user: UserRow,
  secret: string,
  code: string,
  extra: { set?: Partial<typeof users.$inferInsert>; where?: SQL } = {},
): Promise<boolean> {
  const step = matchingStep(secret, code);
  if (step === null) return false;
  const accepted = await db
    .update(users)
    .set({ ...extra.set, totpLastStep: step, updatedAt: new Date() })
    .where(
      and(
        eq(users.id, user.id),
        or(isNull(users.totpLastStep), lt(users.totpLastStep, step)),
        extra.where,
      ),
    )
    .returning({ id: users.id });
  return accepted.length === 1;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten random codes of 10 characters (about 49 bits each), shown as "abcde-fghjk". */
function newRecoveryCodes(): string[] {
  const codes: string[] = [];
  while (codes.length < RECOVERY_CODE_COUNT) {
    let code = '';
    while (code.length < 10) {
      for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
        // Rejection sampling keeps every character equally likely.
        if (byte < 248 && code.length < 10) code += RECOVERY_ALPHABET[byte % 31];
      }
    }
    codes.push(`${code.slice(0, 5)}-${code.slice(5)}`);
  }
  return codes;
}

/** Recovery codes are hashed with the user id, so equal codes of two users hash differently. */
const recoveryHash = (userId: string, code: string) =>
  sha256Hex(`${userId}:${code.toLowerCase().replace(/[\s-]+/g, '')}`);

async function replaceRecoveryCodes(tx: Transaction, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx
    .insert(recoveryCodes)
    .values(
      await Promise.all(
        codes.map(async (code) => ({ userId, codeHash: await recoveryHash(userId, code) })),
      ),
    );
  return codes;
}

/** Marks a recovery code used; false when it is unknown or already used (also under races). */
async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, await recoveryHash(userId, code)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used.length === 1;
}

/**
 * Checks a second factor for a user with 2FA on and consumes it (a TOTP step or a recovery
 * code can serve once only). Returns how the user proved it, or null when it failed.
 */
export async function verifySecondFactor(
  services: Services,
  user: UserRow,
  factor: SecondFactor,
): Promise<'totp' | 'recovery' | null> {
  if (!user.totpEnabledAt) return null;
  if (factor.code !== undefined) {
    const secret = await unsealSecret(services, user);
    if (!secret) return null;
    return (await acceptTotp(services.db, user, secret, factor.code)) ? 'totp' : null;
  }
  if (factor.recoveryCode !== undefined) {
    return (await useRecoveryCode(services.db, user.id, factor.recoveryCode)) ? 'recovery' : null;
  }
  return null;
}

/** Whether 2FA is on, since when, and how many recovery codes remain. */
export async function twoFactorStatus(services: Services, userId: string) {
  const user = await loadUser(services.db, userId);
  const [left] = await services.db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft: user.totpEnabledAt ? (left?.n ?? 0) : 0,
  };
}

/**
 * Generates and stores (sealed) a new secret without turning 2FA on: that waits for the first
 * correct code, which proves the app holds the same secret.
 */
export async function setupTotp(
  services: Services,
  userId: string,
): Promise<{ otpauthUri: string; secret: string }> {
  const user = await loadUser(services.db, userId);
  if (user.totpEnabledAt) {
    throw new ApiError('CONFLICT', 'Two-factor sign-in is already on; turn it off first.');
  }
  const secret = new Secret({ size: 20 });
  const keyring = await loadKeyring(services.secrets.ENCRYPTION_KEYS);
  const sealed = packSealed(await seal(keyring, secret.base32, totpAad(user.id)));
  await services.db
    .update(users)
    .set({ totpSecretSealed: sealed, totpLastStep: null, updatedAt: new Date() })
    .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt)));
  const totp = new TOTP({ ...TOTP_PARAMS, issuer: ISSUER, label: user.email, secret });
  return { otpauthUri: totp.toString(), secret: secret.base32 };
}

async function assertConfirmAllowed(services: Services, userId: string): Promise<void> {
  const { kv, secrets } = services;
  assertAllowed(await consume(kv, CONFIRM_RULE, userId, secrets.RATE_LIMIT_MULTIPLIER));
}

const wrongCode = () =>
  new ApiError(
    'CONFIRMATION_FAILED',
    'The code is wrong or was already used. Check that the time on your device is correct.',
  );

/** Turns 2FA on with the first code from the app and returns ten fresh recovery codes. */
export async function enableTotp(
  services: Services,
  userId: string,
  code: string,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  await assertConfirmAllowed(services, userId);
  const user = await loadUser(services.db, userId);
  if (user.totpEnabledAt) {
    throw new ApiError('CONFLICT', 'Two-factor sign-in is already on.');
  }
  const secret = await unsealSecret(services, user);
  const pending = user.totpSecretSealed;
  if (!secret || !pending) {
    throw new ApiError('CONFLICT', 'Start the set-up first (POST /api/auth/2fa/totp/setup).');
  }
  const codes = await services.db.transaction(async (tx) => {
    // The secret must still be the one the code was checked against (no set-up in between).
    const ok = await acceptTotp(tx, user, secret, code, {
      set: { totpEnabledAt: new Date() },
      where: and(isNull(users.totpEnabledAt), eq(users.totpSecretSealed, pending)),
    });
    if (!ok) return null;
    const codes = await replaceRecoveryCodes(tx, user.id);
    await tx.insert(auditLog).values(auditRow(user.id, 'totp.enabled', meta));
    return codes;
  });
  if (!codes) throw wrongCode();
  services.logger.info('totp enabled', { userId });
  return { recoveryCodes: codes };
}

/** Turns 2FA off after the password and a second factor: clears the secret and the codes. */
export async function disableTotp(
  services: Services,
  userId: string,
  input: SecondFactor & { password: string },
  meta: RequestMeta,
): Promise<void> {
  await assertConfirmAllowed(services, userId);
  const user = await loadUser(services.db, userId);
  if (!user.totpEnabledAt) {
    throw new ApiError('CONFLICT', 'Two-factor sign-in is not on.');
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    await services.db.insert(auditLog).values(auditRow(user.id, 'totp.disable_failed', meta));
    throw new ApiError('CONFIRMATION_FAILED', 'The password is wrong.');
  }
  if (!(await verifySecondFactor(services, user, input))) {
    await services.db.insert(auditLog).values(auditRow(user.id, 'totp.disable_failed', meta));
    throw wrongCode();
  }
  await services.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        totpSecretSealed: null,
        totpEnabledAt: null,
        totpLastStep: null,
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx.insert(auditLog).values(auditRow(user.id, 'totp.disabled', meta));
  });
  services.logger.info('totp disabled', { userId });
}

/** Replaces the recovery codes after a second factor; the old ones stop working at once. */
export async function regenerateRecoveryCodes(
  services: Services,
  userId: string,
  factor: SecondFactor,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  await assertConfirmAllowed(services, userId);
  const user = await loadUser(services.db, userId);
  if (!user.totpEnabledAt) {
    throw new ApiError('CONFLICT', 'Two-factor sign-in is not on.');
  }
  if (!(await verifySecondFactor(services, user, factor))) throw wrongCode();
  const codes = await services.db.transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, user.id);
    await tx.insert(auditLog).values(auditRow(user.id, 'recovery_codes.regenerated', meta));
    return codes;
  });
  return { recoveryCodes: codes };
}

const deadChallenge = () =>
  new ApiError(
    'UNAUTHORIZED',
    'This sign-in attempt has expired or was already used; sign in again.',
  );

/**
 * The second sign-in step. The challenge (from a correct password) stays valid for five
 * minutes and five wrong codes; every attempt counts against the account's login limit and
 * a wrong code also as a failed sign-in (limits.ts).
 * A correct factor consumes the challenge with GETDEL, so it starts one session at most.
 */
export async function completeTwoFactorLogin(
  services: Services,
  input: SecondFactor & { challengeToken: string },
  meta: RequestMeta,
): Promise<IssuedSession> {
  const { db, kv, secrets } = services;
  const key = await twoFactorChallengeKey(input.challengeToken);
  const userId = await kv.get<string>(key);
  if (typeof userId !== 'string') throw deadChallenge();
  const tries = await consume(kv, CHALLENGE_TRIES, key);
  if (!tries.allowed) {
    await kv.del(key);
    throw deadChallenge();
  }
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (user?.status !== 'active' || !user.totpEnabledAt) {
    await kv.del(key);
    throw deadChallenge();
  }
  assertAllowed(await consume(kv, LOGIN_ACCOUNT_RULE, user.email, secrets.RATE_LIMIT_MULTIPLIER));
  await assertLoginFailuresAllowed(kv, user.email, secrets.RATE_LIMIT_MULTIPLIER);
  const used = await verifySecondFactor(services, user, input);
  if (!used) {
    if (tries.remaining === 0) await kv.del(key);
    await recordLoginFailure(kv, user.email);
    await db.insert(auditLog).values(auditRow(user.id, 'login.2fa_failed', meta));
    throw new ApiError(
      'INVALID_CODE',
      tries.remaining === 0
        ? 'The code is wrong. Too many attempts: sign in again.'
        : 'The code is wrong or was already used.',
    );
  }
  if ((await kv.getdel<string>(key)) !== userId) throw deadChallenge();
  const method: SignInMethod = used === 'totp' ? 'password+totp' : 'password+recovery';
  const familyId = crypto.randomUUID();
  const refreshToken = await db.transaction(async (tx) => {
    await tx
      .insert(auditLog)
      .values({ ...auditRow(user.id, 'login.succeeded', meta), metadata: { method } });
    if (used === 'recovery') {
      await tx.insert(auditLog).values(auditRow(user.id, 'recovery_code.used', meta));
    }
    return startSession(tx, user.id, familyId, meta, { method });
  });
  return issue(services, user, familyId, refreshToken);
}
