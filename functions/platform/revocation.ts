import type { KeyValue } from './redis';
import { ACCESS_TOKEN_TTL_SECONDS } from './tokens';

/**
 * Access tokens are stateless for 15 minutes; ending a session "at once" (sign-out of a
 * device, a disabled account, a password reset) therefore also writes a short-lived mark
 * in Redis that the auth middleware checks on every request. The mark only has to outlive
 * the longest access token: after that the refresh token, revoked in Postgres, is refused.
 * API tokens are checked the same way: their records are cached per isolate for a short
 * while, and a revocation mark outlives every cached copy.
 */
export const familyKey = (familyId: string) => `revoked:family:${familyId}`;
export const userKey = (userId: string) => `revoked:user:${userId}`;
export const apiTokenKey = (tokenId: string) => `revoked:api-token:${tokenId}`;

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

/**
 * Marks one API token as revoked for `seconds` (longer than any isolate keeps its record,
 * after which Postgres, where the revocation is committed, answers).
 */
export async function markApiTokenRevoked(
  kv: KeyValue,
  tokenId: string,
  seconds: number,
): Promise<void> {
  await kv.set(apiTokenKey(tokenId), Date.now(), { ex: seconds });
}

/** True when the token's session or user was revoked after it was issued, given both marks. */
export function sessionRevoked(
  marks: readonly [family: unknown, user: unknown],
  issuedAtMs: number,
): boolean {
  const [family, user] = marks;
  if (family !== null && family !== undefined) return true;
  return user !== null && user !== undefined && issuedAtMs <= Number(user);
}

/** The marks to read for an access token, in the order sessionRevoked takes them. */
export function sessionMarkKeys(token: { userId: string; sessionId: string }): [string, string] {
  return [familyKey(token.sessionId), userKey(token.userId)];
}

/** True when the token's session or user was revoked after it was issued (one Redis read). */
export async function isRevoked(
  kv: KeyValue,
  token: { userId: string; sessionId: string; issuedAtMs: number },
): Promise<boolean> {
  const marks = await kv.mget<[unknown, unknown]>(...sessionMarkKeys(token));
  return sessionRevoked(marks, token.issuedAtMs);
}
