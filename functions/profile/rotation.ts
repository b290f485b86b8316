import { and, asc, eq, gt, isNotNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { aiKeys, users } from '../../db/schema';
import { type Keyring, packSealed, seal, unpackSealed, unseal } from '../platform/crypto';
import { keyAad } from './keys';

/** Must match the additional data functions/auth/two-factor.ts seals TOTP secrets with. */
const totpAad = (userId: string) => `${userId}:totp`;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export interface RotationCounts {
  rotated: number;
  failed: number;
}

export interface RotationResult {
  currentVersion: number;
  aiKeys: RotationCounts;
  totpSecrets: RotationCounts;
  /** False when the batch cap stopped the run early: call again to finish. */
  done: boolean;
}

export interface RotationOptions {
  batchSize?: number;
  /** Batches per table per call, so one call stays well inside a Worker's limits. */
  maxBatches?: number;
}

/**
 * Walks a table in id order, one batch at a time, handing each row to `rotate`. Rows that fail
 * (they no longer decrypt) are counted and skipped, so a bad row never stalls the walk.
 */
async function walk<T extends { id: string }>(
  next: (afterId: string, limit: number) => Promise<T[]>,
  rotate: (row: T) => Promise<boolean>,
  options: Required<RotationOptions>,
): Promise<RotationCounts & { done: boolean }> {
  const counts = { rotated: 0, failed: 0, done: false };
  let afterId = NIL_UUID;
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const rows = await next(afterId, options.batchSize);
    for (const row of rows) {
      afterId = row.id;
      try {
        if (await rotate(row)) counts.rotated++;
      } catch {
        counts.failed++;
      }
    }
    if (rows.length < options.batchSize) {
      counts.done = true;
      break;
    }
  }
  return counts;
}

/**
 * Re-encrypts every users' AI key and every TOTP secret sealed under an older master key
 * with the current one. Idempotent: rows already on the current version are not selected,
 * and each update only applies if the row still holds the ciphertext that was read, so a key
 * replaced meanwhile is left alone.
 */
export async function rotateSecrets(
  db: Database,
  keyring: Keyring,
  options: RotationOptions = {},
): Promise<RotationResult> {
  const settings = { batchSize: options.batchSize ?? 100, maxBatches: options.maxBatches ?? 50 };
  const current = keyring.current;

  const keys = await walk(
    (afterId, limit) =>
      db
        .select()
        .from(aiKeys)
        .where(and(lt(aiKeys.keyVersion, current), gt(aiKeys.id, afterId)))
        .orderBy(asc(aiKeys.id))
        .limit(limit),
    async (row) => {
      const plaintext = await unseal(
        keyring,
        { ciphertext: row.ciphertext, iv: row.iv, version: row.keyVersion },
        keyAad(row.userId, row.provider, row.keyVersion),
      );
      const sealed = await seal(keyring, plaintext, keyAad(row.userId, row.provider, current));
      const updated = await db
        .update(aiKeys)
        .set({ ciphertext: sealed.ciphertext, iv: sealed.iv, keyVersion: sealed.version })
        .where(and(eq(aiKeys.id, row.id), eq(aiKeys.ciphertext, row.ciphertext)))
        .returning({ id: aiKeys.id });
      return updated.length > 0;
    },
    settings,
  );

  const packedVersion = sql`substring(${users.totpSecretSealed} from '^v([0-9]+)[.]')::int`;
  const totp = await walk(
    (afterId, limit) =>
      db
        .select({ id: users.id, sealed: users.totpSecretSealed })
        .from(users)
        .where(
          and(
            isNotNull(users.totpSecretSealed),
            sql`${packedVersion} < ${current}`,
            gt(users.id, afterId),
          ),
        )
        .orderBy(asc(users.id))
        .limit(limit),
    async (row) => {
      if (!row.sealed) return false;
      const plaintext = await unseal(keyring, unpackSealed(row.sealed), totpAad(row.id));
      const packed = packSealed(await seal(keyring, plaintext, totpAad(row.id)));
      const updated = await db
        .update(users)
        .set({ totpSecretSealed: packed })
        .where(and(eq(users.id, row.id), eq(users.totpSecretSealed, row.sealed)))
        .returning({ id: users.id });
      return updated.length > 0;
    },
    settings,
  );

  return {
    currentVersion: current,
    aiKeys: { rotated: keys.rotated, failed: keys.failed },
    totpSecrets: { rotated: totp.rotated, failed: totp.failed },
    done: keys.done && totp.done,
  };
}
