import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  loadKeyring,
  needsRotation,
  packSealed,
  seal,
  unpackSealed,
  unseal,
} from '../../functions/platform/crypto';

const key = () => randomBytes(32).toString('base64');

describe('secrets at rest (AES-256-GCM)', () => {
  it('round-trips with the same additional data and a fresh IV each time', async () => {
    const ring = await loadKeyring(`1:${key()}`);
    const a = await seal(ring, 'sk-test-1234', 'user-1:openai:1');
    const b = await seal(ring, 'sk-test-1234', 'user-1:openai:1');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain('1234');
    expect(await unseal(ring, a, 'user-1:openai:1')).toBe('sk-test-1234');
  });

  it('refuses other additional data (another user or provider) and altered bytes', async () => {
    const ring = await loadKeyring(`1:${key()}`);
    const sealed = await seal(ring, 'secret', 'user-1:openai:1');
    await expect(unseal(ring, sealed, 'user-2:openai:1')).rejects.toThrow();
    await expect(unseal(ring, sealed, 'user-1:groq:1')).rejects.toThrow();
    // Change the first character to another one (replacing it with 'A' changes nothing 1 time in 64).
    const first = sealed.ciphertext.startsWith('A') ? 'B' : 'A';
    const flipped = { ...sealed, ciphertext: `${first}${sealed.ciphertext.slice(1)}` };
    await expect(unseal(ring, flipped, 'user-1:openai:1')).rejects.toThrow();
  });

  it('encrypts with the newest key and still opens values sealed under older ones', async () => {
    const v1 = key();
    const old = await loadKeyring(`1:${v1}`);
    const sealed = await seal(old, 'rotate-me', 'aad');
    const rotated = await loadKeyring(`1:${v1},2:${key()}`);
    expect(rotated.current).toBe(2);
    expect(needsRotation(rotated, sealed.version)).toBe(true);
    expect(await unseal(rotated, sealed, 'aad')).toBe('rotate-me');
    const again = await seal(rotated, 'rotate-me', 'aad');
    expect(again.version).toBe(2);
    expect(unpackSealed(packSealed(again))).toEqual(again);
  });

  it('says clearly when it is not configured or misconfigured', async () => {
    await expect(loadKeyring(undefined)).rejects.toThrow(/ENCRYPTION_KEYS/);
    await expect(loadKeyring('1:c2hvcnQ=')).rejects.toThrow(/32 bytes/);
  });
});
