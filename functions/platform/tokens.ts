import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { AuthContext } from './env';
import { ApiError } from './errors';

/** Access tokens are short-lived by design; the refresh cookie renews them. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Socket tokens only have to live long enough for the browser to open the WebSocket. */
export const SOCKET_TOKEN_TTL_SECONDS = 60;

const ALGORITHM = 'HS256';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

const keyCache = new Map<string, Uint8Array>();
function keyFor(secret: string): Uint8Array {
  let key = keyCache.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keyCache.set(secret, key);
  }
  return key;
}

/** Signs a token for the caller; `audience` distinguishes API tokens from socket tokens. */
export async function signToken(
  settings: TokenSettings,
  claims: AuthContext,
  ttlSeconds: number,
): Promise<string> {
  // `ims`: issue time in milliseconds, so a revocation and a fresh sign-in within the same
  // second are told apart (see revocation.ts).
  return new SignJWT({ role: claims.role, sid: claims.sessionId, ims: Date.now() })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .setJti(crypto.randomUUID())
    .sign(keyFor(settings.secret));
}

/**
 * Verifies a token with the algorithm pinned to HS256 and issuer and audience checked,
 * so `alg: none`, another algorithm, another key or another audience are all refused.
 */
export async function verifyToken(
  settings: TokenSettings,
  token: string,
): Promise<AuthContext & { issuedAtMs: number }> {
  try {
    const { payload } = await jwtVerify(token, keyFor(settings.secret), {
      algorithms: [ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const role = payload.role;
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string' ||
      (role !== 'user' && role !== 'admin')
    ) {
      throw new ApiError('UNAUTHORIZED', 'The access token is malformed.');
    }
    const issuedAtMs = typeof payload.ims === 'number' ? payload.ims : (payload.iat ?? 0) * 1000;
    return { userId: payload.sub, role, sessionId: payload.sid, issuedAtMs };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof joseErrors.JWTExpired) {
      throw new ApiError('TOKEN_EXPIRED', 'The access token has expired; refresh it.');
    }
    throw new ApiError('UNAUTHORIZED', 'The access token is invalid.');
  }
}

/** SHA-256 hex of a string: refresh tokens and other one-time secrets are stored this way. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let bin = '';
  for (const b of buf) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}
