import { fromBase64Url, toBase64Url } from '../platform/crypto';
import type { Secrets } from '../platform/env';

export type MediaVariant = 'file' | 'thumbnail';

/**
 * Signed URLs are keyed by HMAC(JWT_SECRET, label): a key used for nothing else, so a media
 * signature can never be replayed as (or forged from) a token signature.
 */
const KEY_LABEL = 'webox/media-url-signing/v1';
const keyCache = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = (async () => {
      const master = await crypto.subtle.importKey(
        'raw',
        encoder.encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      const derived = await crypto.subtle.sign('HMAC', master, encoder.encode(KEY_LABEL));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]);
    })();
    keyCache.set(secret, key);
  }
  return key;
}

/** The r2Key is signed too, so a link outlives neither its file nor a reuse of the id. */
function message(id: string, r2Key: string, variant: MediaVariant, exp: number) {
  return encoder.encode(`${id}\n${variant}\n${exp}\n${r2Key}`);
}

/** Expiries are rounded up to this step, so lists reloaded minutes apart give the same URLs (cacheable). */
const EXPIRY_STEP_SECONDS = 300;

/**
 * A path that serves one file without an Authorization header (for `<img>`, `<audio>`,
 * `<video>`, links): `/api/media/signed/<id>?v=<variant>&exp=<unix>&sig=<base64url HMAC>`.
 * Anyone holding it can read the file until `exp`.
 */
export async function signedMediaUrl(
  secrets: Secrets,
  file: { id: string; r2Key: string },
  ttlSeconds = 3600,
  variant: MediaVariant = 'file',
  now = Date.now(),
): Promise<string> {
  const exp =
    Math.ceil((Math.floor(now / 1000) + ttlSeconds) / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
  const key = await signingKey(secrets.JWT_SECRET);
  const sig = await crypto.subtle.sign('HMAC', key, message(file.id, file.r2Key, variant, exp));
  const query = new URLSearchParams({
    v: variant,
    exp: String(exp),
    sig: toBase64Url(new Uint8Array(sig)),
  });
  return `/api/media/signed/${file.id}?${query}`;
}

/**
 * True when `sig` signs this file, variant and expiry with our key and `exp` is still in the
 * future. The comparison is crypto.subtle.verify's, which does not leak timing.
 */
export async function verifyMediaSignature(
  secrets: Secrets,
  file: { id: string; r2Key: string },
  variant: MediaVariant,
  exp: number,
  sig: string,
  now = Date.now(),
): Promise<boolean> {
  if (!Number.isSafeInteger(exp) || exp * 1000 <= now) return false;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(sig);
  } catch {
    return false;
  }
  if (bytes.length !== 32) return false;
  const key = await signingKey(secrets.JWT_SECRET);
  return crypto.subtle.verify('HMAC', key, bytes, message(file.id, file.r2Key, variant, exp));
}
