import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  parseHash,
  verifyPassword,
} from '../../functions/auth/password';

describe('password hashing', () => {
  it('writes a PHC string with the current parameters and a fresh salt', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses others', async () => {
    const phc = await hashPassword('s3cret-pässword');
    expect(await verifyPassword('s3cret-pässword', phc)).toBe(true);
    expect(await verifyPassword('s3cret-passwörd', phc)).toBe(false);
    expect(await verifyPassword('', phc)).toBe(false);
  });

  it('treats composed and decomposed accents as the same password (NFKC)', async () => {
    const phc = await hashPassword('café-crème-123');
    expect(await verifyPassword('cafe\u0301-cre\u0300me-123', phc)).toBe(true);
  });

  it('keeps old parameters verifiable and flags them for rehash', async () => {
    const weak = await hashPassword('legacy-password', { ln: 12, r: 8, p: 1 });
    expect(await verifyPassword('legacy-password', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(12)))).toBe(false);
  });

  it('refuses malformed or hostile hash strings', async () => {
    expect(parseHash('$argon2id$v=19$m=19456,t=2,p=1$abc$def')).toBeNull();
    expect(parseHash('$scrypt$ln=40,r=8,p=3$c2FsdA$aGFzaA')).toBeNull();
    expect(await verifyPassword('anything', 'plain-text-password')).toBe(false);
  });
});
