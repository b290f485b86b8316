import { scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters, OWASP's minimum for scrypt (N=2^15, r=8, p=3 uses 32 MiB). Stored in
 * every hash as a PHC string, `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`, so they can be raised
 * later: `needsRehash` tells when a stored hash is weaker than the current policy.
 * scrypt runs natively in workerd (node:crypto); Argon2 would need runtime WebAssembly
 * compilation, which workerd refuses, and production PBKDF2 is capped at 100,000 rounds.
 */
export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs 128 * N * r bytes; leave headroom above Node's 32 MiB default.
  const maxmem = 128 * N * params.r * 2;
  return new Promise((resolve, reject) => {
    scryptCallback(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { N, r: params.r, p: params.p, maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

/** Hashes a password with a fresh random salt under the current parameters. */
export async function hashPassword(password: string, params = CURRENT_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** Parses a PHC scrypt string; returns null when it is not one we wrote. */
export function parseHash(phc: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    phc,
  );
  if (!match) return null;
  const [, ln, r, p, salt, key] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (
    params.ln < 10 ||
    params.ln > 22 ||
    params.r < 1 ||
    params.r > 32 ||
    params.p < 1 ||
    params.p > 16
  ) {
    return null;
  }
  return { params, salt: Buffer.from(salt ?? '', 'base64'), key: Buffer.from(key ?? '', 'base64') };
}

/** Constant-time check of a password against a stored PHC string. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const parsed = parseHash(phc);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.params);
  return candidate.length === parsed.key.length && timingSafeEqual(candidate, parsed.key);
}

/** True when the stored hash used weaker parameters than the current policy. */
export function needsRehash(phc: string, policy = CURRENT_PARAMS): boolean {
  const parsed = parseHash(phc);
  if (!parsed) return true;
  const { ln, r, p } = parsed.params;
  return ln < policy.ln || r < policy.r || p < policy.p;
}

/**
 * A hash of a random password, computed once per isolate: unknown e-mails are checked
 * against it so that a login for an address with no account costs the same scrypt work.
 */
let decoyHash: string | undefined;
export async function decoy(): Promise<string> {
  // Cache the string, not the promise: workerd forbids settling a promise across requests.
  decoyHash ??= await hashPassword(crypto.randomUUID());
  return decoyHash;
}
