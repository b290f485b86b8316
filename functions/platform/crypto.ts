import { ApiError } from './errors';

/**
 * Envelope encryption for secrets at rest (users' AI keys, TOTP secrets): AES-256-GCM with
 * a fresh 96-bit IV per encryption and caller-supplied additional data, under versioned
 * master keys from the ENCRYPTION_KEYS secret ("1:<base64 32 bytes>,2:<base64 32 bytes>").
 * The highest version encrypts; every listed version decrypts, so keys can be rotated by
 * adding a version and re-encrypting (see `needsRotation`).
 */
export interface Keyring {
  current: number;
  keys: Map<number, CryptoKey>;
}

export interface Sealed {
  ciphertext: string;
  iv: string;
  version: number;
}

const IV_BYTES = 12;

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const keyringCache = new Map<string, Promise<Keyring>>();

/** Parses and imports the master keys; cached per isolate by spec. */
export function loadKeyring(spec: string | undefined): Promise<Keyring> {
  if (!spec) {
    return Promise.reject(
      new ApiError('SERVICE_UNAVAILABLE', 'Encryption is not configured: set ENCRYPTION_KEYS.'),
    );
  }
  let cached = keyringCache.get(spec);
  if (!cached) {
    cached = importKeyring(spec);
    keyringCache.set(spec, cached);
  }
  return cached;
}

async function importKeyring(spec: string): Promise<Keyring> {
  const keys = new Map<number, CryptoKey>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(\d+):([A-Za-z0-9+/_=-]+)$/.exec(part);
    if (!match) throw new ApiError('BAD_ENVIRONMENT', 'ENCRYPTION_KEYS is malformed.');
    const raw = fromBase64Url(
      (match[2] ?? '').replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', ''),
    );
    if (raw.length !== 32) {
      throw new ApiError('BAD_ENVIRONMENT', 'Each ENCRYPTION_KEYS entry must be 32 bytes.');
    }
    keys.set(
      Number(match[1]),
      await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']),
    );
  }
  if (keys.size === 0) throw new ApiError('BAD_ENVIRONMENT', 'ENCRYPTION_KEYS is empty.');
  return { current: Math.max(...keys.keys()), keys };
}

const encoder = new TextEncoder();

/** Encrypts with the current key; `aad` must be given again, unchanged, to decrypt. */
export async function seal(keyring: Keyring, plaintext: string, aad: string): Promise<Sealed> {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error('keyring has no current key');
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(plaintext),
  );
  return {
    ciphertext: toBase64Url(new Uint8Array(ciphertext)),
    iv: toBase64Url(iv),
    version: keyring.current,
  };
}

/** Decrypts; throws if the key version is unknown, the data was altered or the aad differs. */
export async function unseal(keyring: Keyring, sealed: Sealed, aad: string): Promise<string> {
  const key = keyring.keys.get(sealed.version);
  if (!key) throw new Error(`no master key version ${sealed.version}`);
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(sealed.iv), additionalData: encoder.encode(aad) },
    key,
    fromBase64Url(sealed.ciphertext),
  );
  return new TextDecoder().decode(plaintext);
}

/** True when a value was sealed under an older key than the current one. */
export function needsRotation(keyring: Keyring, version: number): boolean {
  return version < keyring.current;
}

/** One-column form `v<version>.<iv>.<ciphertext>`, for secrets kept in a single text field. */
export function packSealed(sealed: Sealed): string {
  return `v${sealed.version}.${sealed.iv}.${sealed.ciphertext}`;
}

export function unpackSealed(packed: string): Sealed {
  const match = /^v(\d+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(packed);
  if (!match) throw new Error('not a packed sealed value');
  return { version: Number(match[1]), iv: match[2] ?? '', ciphertext: match[3] ?? '' };
}
