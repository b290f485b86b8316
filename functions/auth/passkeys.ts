import type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { and, asc, count, eq, lt } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/client';
import { auditLog, passkeys, users } from '../../db/schema';
import { fromBase64Url, toBase64Url } from '../platform/crypto';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { randomToken } from '../platform/tokens';
import { ipOrNull, type RequestMeta } from './request-meta';
import { type IssuedSession, issue, startSession } from './service';
import { mustVerifyEmail } from './verification';

/**
 * SimpleWebAuthn and its X.509 and ASN.1 stack, loaded on the first passkey ceremony: they
 * would otherwise be evaluated at every start-up of the edge Worker.
 */
const webauthn = () => import('@simplewebauthn/server');

/** A passkey challenge is good for one ceremony within five minutes. */
const CHALLENGE_TTL_SECONDS = 5 * 60;
/** Enough for every device a person owns; a cap keeps a stolen session from filling the table. */
const MAX_PASSKEYS = 20;
const RP_NAME = 'WeBox';
/** ES256 (every platform authenticator), EdDSA and RS256 (Windows Hello): all WebCrypto-native. */
const ALGORITHMS = [-7, -8, -257];
const TIMEOUT_MS = 120_000;

type PasskeyRow = typeof passkeys.$inferSelect;
type UserRow = typeof users.$inferSelect;

/** The relying party: its ID is the site's host name and only the site's origin may answer. */
function relyingParty(services: Services): { rpID: string; origin: string } {
  const origin = services.config.appOrigin;
  return { rpID: new URL(origin).hostname, origin };
}

/** The WebAuthn user handle: the user id's bytes (no personal data reaches the authenticator). */
const userHandle = (userId: string) => new TextEncoder().encode(userId);

const registrationKey = (userId: string) => `passkey:reg:${userId}`;
const loginKey = (challengeId: string) => `passkey:login:${challengeId}`;

function auditRow(userId: string, action: string, meta: RequestMeta, metadata = {}) {
  return { userId, action, ip: ipOrNull(meta.ip), userAgent: meta.userAgent, metadata };
}

/** A passkey as its owner sees it: never the public key or the credential id. */
export function toPublicPasskey(row: PasskeyRow) {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    deviceType:
      row.deviceType === 'multiDevice' ? ('multiDevice' as const) : ('singleDevice' as const),
    backedUp: row.backedUp,
  };
}

async function activeUser(services: Services, userId: string): Promise<UserRow> {
  const [user] = await services.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (user?.status !== 'active')
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  return user;
}

/**
 * Options for adding a passkey to the signed-in account. The challenge is kept in Redis for
 * five minutes (one pending registration per user; a new one replaces it).
 */
export async function registrationOptions(services: Services, userId: string) {
  const user = await activeUser(services, userId);
  const existing = await services.db
    .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.userId, user.id));
  if (existing.length >= MAX_PASSKEYS) {
    throw new ApiError('CONFLICT', `An account can have at most ${MAX_PASSKEYS} passkeys.`);
  }
  const { rpID } = relyingParty(services);
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: RP_NAME,
    rpID,
    userName: user.email,
    userDisplayName: user.name,
    userID: userHandle(user.id),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({
      id: row.credentialId,
      transports: row.transports,
    })),
    // Discoverable, so the login page can offer "sign in with a passkey" without an e-mail.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await services.kv.set(registrationKey(user.id), options.challenge, {
    ex: CHALLENGE_TTL_SECONDS,
  });
  return options;
}

const rejected = (detail: string) => new ApiError('PASSKEY_REJECTED', detail);

/**
 * Verifies the authenticator's answer (challenge, origin, RP ID hash, user verification,
 * signature) and stores the credential. The challenge is consumed first, so it serves once.
 */
export async function verifyRegistration(
  services: Services,
  userId: string,
  input: { response: RegistrationResponseJSON; name?: string },
  meta: RequestMeta,
) {
  const user = await activeUser(services, userId);
  const expectedChallenge = await services.kv.getdel<string>(registrationKey(user.id));
  if (typeof expectedChallenge !== 'string') {
    throw rejected('No passkey registration is pending, or it expired; start again.');
  }
  const { rpID, origin } = relyingParty(services);
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await (await webauthn()).verifyRegistrationResponse({
      response: input.response,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (err) {
    services.logger.info('passkey registration refused', {
      userId,
      reason: err instanceof Error ? err.message : String(err),
    });
    throw rejected('The passkey could not be verified; try again.');
  }
  if (!verification.verified) throw rejected('The passkey could not be verified; try again.');
  const info = verification.registrationInfo;
  const name = input.name ?? `Passkey ${new Date().toISOString().slice(0, 10)}`;
  try {
    const row = await services.db.transaction(async (tx) => {
      const [{ n } = { n: 0 }] = await tx
        .select({ n: count() })
        .from(passkeys)
        .where(eq(passkeys.userId, user.id));
      if (n >= MAX_PASSKEYS) {
        throw new ApiError('CONFLICT', `An account can have at most ${MAX_PASSKEYS} passkeys.`);
      }
      const [row] = await tx
        .insert(passkeys)
        .values({
          userId: user.id,
          credentialId: info.credential.id,
          publicKey: toBase64Url(info.credential.publicKey),
          counter: info.credential.counter,
          transports: info.credential.transports ?? input.response.response.transports ?? [],
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
          name,
        })
        .returning();
      if (!row) throw new Error('passkey insert returned no row');
      await tx
        .insert(auditLog)
        .values(auditRow(user.id, 'passkey.added', meta, { passkeyId: row.id, name }));
      return row;
    });
    return toPublicPasskey(row);
  } catch (err) {
    if (isUniqueViolation(err, 'passkeys_credential_key')) {
      throw new ApiError('CONFLICT', 'This passkey is already registered.');
    }
    throw err;
  }
}

/**
 * Options for signing in with a passkey: discoverable only, so the browser offers the passkeys
 * it holds for this site. No account is named and no credential listed, so the answer says
 * nothing about who has an account or a passkey.
 */
export async function loginOptions(services: Services) {
  const { rpID } = relyingParty(services);
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID,
    userVerification: 'required',
    timeout: TIMEOUT_MS,
  });
  const challengeId = randomToken(24);
  await services.kv.set(
    loginKey(challengeId),
    { challenge: options.challenge },
    { ex: CHALLENGE_TTL_SECONDS },
  );
  return { challengeId, options };
}

const refused = () =>
  new ApiError('INVALID_CREDENTIALS', 'This passkey could not sign you in; try again.');

/**
 * Signs in with a passkey. The challenge is consumed first (GETDEL), then the credential is
 * looked up and the assertion verified (origin, RP ID hash, challenge, user verification,
 * signature, counter). The counter moves forward in one conditional UPDATE, so a cloned
 * authenticator or a replayed assertion racing the real one loses. A passkey with user
 * verification is two factors in one, so no TOTP step follows.
 */
export async function loginWithPasskey(
  services: Services,
  input: { challengeId: string; response: AuthenticationResponseJSON },
  meta: RequestMeta,
): Promise<IssuedSession> {
  const { db, kv, logger } = services;
  const pending = await kv.getdel<{ challenge: string }>(loginKey(input.challengeId));
  if (!pending || typeof pending.challenge !== 'string') {
    throw new ApiError('UNAUTHORIZED', 'This passkey sign-in has expired or was already used.');
  }
  const [passkey] = await db
    .select()
    .from(passkeys)
    .where(eq(passkeys.credentialId, input.response.id))
    .limit(1);
  if (!passkey) throw refused();
  const presentedHandle = input.response.response.userHandle;
  if (presentedHandle && presentedHandle !== toBase64Url(userHandle(passkey.userId))) {
    throw refused();
  }
  const { rpID, origin } = relyingParty(services);
  let newCounter: number;
  try {
    const verification = await (await webauthn()).verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: pending.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: fromBase64Url(passkey.publicKey),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
    if (!verification.verified) throw new Error('not verified');
    newCounter = verification.authenticationInfo.newCounter;
  } catch (err) {
    logger.info('passkey sign-in refused', {
      userId: passkey.userId,
      reason: err instanceof Error ? err.message : String(err),
    });
    await db
      .insert(auditLog)
      .values(auditRow(passkey.userId, 'login.failed', meta, { method: 'passkey' }));
    throw refused();
  }
  const [user] = await db.select().from(users).where(eq(users.id, passkey.userId)).limit(1);
  if (!user) throw refused();
  if (user.status !== 'active') {
    throw new ApiError('FORBIDDEN', 'This account is disabled. Contact support.');
  }
  // Same rule as the password sign-in: a passkey is no way around e-mail confirmation.
  if (mustVerifyEmail(user, services.config.requireVerifiedEmail)) {
    throw new ApiError(
      'EMAIL_NOT_VERIFIED',
      'Confirm your e-mail address first: open the link we sent you, or ask for a new one.',
    );
  }
  const familyId = crypto.randomUUID();
  const refreshToken = await db.transaction(async (tx) => {
    // Authenticators without a counter always report 0; any other value must go up.
    const moved = await tx
      .update(passkeys)
      .set({ counter: newCounter, lastUsedAt: new Date() })
      .where(
        and(
          eq(passkeys.id, passkey.id),
          newCounter === 0 ? eq(passkeys.counter, 0) : lt(passkeys.counter, newCounter),
        ),
      )
      .returning({ id: passkeys.id });
    if (moved.length === 0) return null;
    await tx
      .insert(auditLog)
      .values(
        auditRow(user.id, 'login.succeeded', meta, { method: 'passkey', passkeyId: passkey.id }),
      );
    return startSession(tx, user.id, familyId, meta, { method: 'passkey' });
  });
  if (!refreshToken) throw refused();
  return issue(services, user, familyId, refreshToken);
}

/** The caller's passkeys, oldest first. */
export async function listPasskeys(services: Services, userId: string) {
  const rows = await services.db
    .select()
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt));
  return rows.map(toPublicPasskey);
}

const notFound = () => new ApiError('NOT_FOUND', 'No such passkey.');

/** Renames one of the caller's passkeys; another user's id is a 404 like an unknown one. */
export async function renamePasskey(services: Services, userId: string, id: string, name: string) {
  const [row] = await services.db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning();
  if (!row) throw notFound();
  return toPublicPasskey(row);
}

/** Removes one of the caller's passkeys; another user's id is a 404 like an unknown one. */
export async function deletePasskey(
  services: Services,
  userId: string,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  await services.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(passkeys)
      .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
      .returning({ id: passkeys.id, name: passkeys.name });
    if (!row) throw notFound();
    await tx
      .insert(auditLog)
      .values(auditRow(userId, 'passkey.removed', meta, { passkeyId: row.id, name: row.name }));
  });
}
