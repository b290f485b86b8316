import type { KeyValue } from './redis';
import { ACCESS_TOKEN_TTL_SECONDS } from './tokens';

/**
 * Access tokens are stateless for 15 minutes; ending a session "at once" (sign-out of a
 * device, a disabled account, a password reset) therefore also writes a short-lived mark
 * in Redis that the auth middleware checks on every request. The mark only has to outlive
 * the longest access token: after that the refresh token, revoked in Postgres, is refused.
 */
const familyKey = (familyId: string) => `revoked:family:${familyId}`;
const userKey = (userId: string) => `revoked:user:${userId}`;

/** Marks one session family (one device's sign-in) as ended. */
export async function markFamilyRevoked(kv: KeyValue, familyId: string): Promise<void> {
  await kv.set(familyKey(familyId), 1, { ex: ACCESS_TOKEN_TTL_SECONDS + 60 });
}

/**
 * Marks every access token of a user issued before now as ended (disabled account,
 * password reset, "sign out everywhere"). Tokens issued later carry a newer `iat`.
 */
export async function markUserRevoked(kv: KeyValue, userId: string): Promise<void> {
  await kv.set(userKey(userId), Date.now(), { ex: ACCESS_TOKEN_TTL_SECONDS + 60 });
}

/** True when the token's session or user was revoked after it was issued. */
export async function isRevoked(
  kv: KeyValue,
  token: { userId: string; sessionId: string; issuedAtMs: number },
): Promise<boolean> {
  const [family, user] = await kv.mget<[number | null, number | null]>(
    familyKey(token.sessionId),
    userKey(token.userId),
  );
  if (family !== null) return true;
  return user !== null && token.issuedAtMs <= user;
}
