import { and, asc, eq } from 'drizzle-orm';
import { type Database, isUniqueViolation } from '../../db/client';
import { aiKeys } from '../../db/schema';
import type { RequestMeta } from '../auth/request-meta';
import { loadKeyring, seal, unseal } from '../platform/crypto';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { isolateKeyValue } from '../platform/redis';
import { VersionedCache } from '../platform/versioned-cache';
import { recordEvent } from './audit';
import { type ProbeResult, probeProvider, providerEndpoint } from './key-probe';
import type { Provider } from './schemas';

type KeyRow = typeof aiKeys.$inferSelect;

export interface KeySummary {
  id: string;
  provider: Provider;
  label: string | null;
  last4: string;
  keyVersion: number;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
  createdAt: string;
  updatedAt: string;
}

/** The listing shape: never the ciphertext, never more than the last four characters. */
function toSummary(row: KeyRow): KeySummary {
  return {
    id: row.id,
    provider: row.provider,
    label: row.label,
    last4: row.last4,
    keyVersion: row.keyVersion,
    lastTestedAt: row.lastTestedAt?.toISOString() ?? null,
    lastTestOk: row.lastTestOk,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Additional data bound into every sealed key: the owner, the provider and the master-key
 * version. A ciphertext copied to another user's row, another provider or relabelled with
 * another version no longer decrypts.
 */
export function keyAad(userId: string, provider: Provider, version: number): string {
  return `${userId}:${provider}:${version}`;
}

const SHAPES: Record<Provider, { pattern: RegExp; hint: string }> = {
  openai: { pattern: /^sk-[A-Za-z0-9_-]{20,}$/, hint: 'OpenAI keys start with "sk-"' },
  anthropic: {
    pattern: /^sk-ant-[A-Za-z0-9_-]{20,}$/,
    hint: 'Anthropic keys start with "sk-ant-"',
  },
  google: {
    pattern: /^AIza[A-Za-z0-9_-]{30,}$/,
    hint: 'Google AI Studio keys start with "AIza"',
  },
  mistral: { pattern: /^[A-Za-z0-9]{32}$/, hint: 'Mistral keys are 32 letters and digits' },
  groq: { pattern: /^gsk_[A-Za-z0-9]{20,}$/, hint: 'Groq keys start with "gsk_"' },
};

/** Refuses a key that cannot be one of this provider's, before anything is stored. */
export function assertKeyShape(provider: Provider, apiKey: string): void {
  const shape = SHAPES[provider];
  const wrongVendor = provider === 'openai' && apiKey.startsWith('sk-ant-');
  if (wrongVendor || !shape.pattern.test(apiKey)) {
    const message = wrongVendor
      ? 'This looks like an Anthropic key; add it under anthropic'
      : `This does not look like a key for ${provider}: ${shape.hint}`;
    throw new ApiError('VALIDATION_FAILED', `body.apiKey: ${message}.`, {
      issues: [{ path: 'body.apiKey', message }],
    });
  }
}

/** The caller's keys, one per provider. */
export async function listKeys(services: Services, userId: string): Promise<KeySummary[]> {
  const rows = await services.db
    .select()
    .from(aiKeys)
    .where(eq(aiKeys.userId, userId))
    .orderBy(asc(aiKeys.provider));
  return rows.map(toSummary);
}

/**
 * Adds or replaces the caller's key for a provider, sealed under the current master key with
 * a fresh IV. A replaced key's test result is cleared: it belonged to the old key.
 */
export async function putKey(
  services: Services,
  userId: string,
  provider: Provider,
  input: { apiKey: string; label?: string },
  meta: RequestMeta,
): Promise<{ key: KeySummary; created: boolean }> {
  assertKeyShape(provider, input.apiKey);
  const keyring = await loadKeyring(services.secrets.ENCRYPTION_KEYS);
  const version = keyring.current;
  const sealed = await seal(keyring, input.apiKey, keyAad(userId, provider, version));
  const values = {
    ciphertext: sealed.ciphertext,
    iv: sealed.iv,
    keyVersion: sealed.version,
    last4: input.apiKey.slice(-4),
    lastTestedAt: null,
    lastTestOk: null,
    lastTestError: null,
    updatedAt: new Date(),
  };
  try {
    const saved = await services.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: aiKeys.id, label: aiKeys.label })
        .from(aiKeys)
        .where(and(eq(aiKeys.userId, userId), eq(aiKeys.provider, provider)))
        .for('update');
      const label = input.label ?? existing?.label ?? null;
      const [row] = existing
        ? await tx
            .update(aiKeys)
            .set({ ...values, label })
            .where(eq(aiKeys.id, existing.id))
            .returning()
        : await tx
            .insert(aiKeys)
            .values({ ...values, userId, provider, label })
            .returning();
      if (!row) throw new Error('ai_keys write returned no row');
      await recordEvent(tx, userId, existing ? 'key.replaced' : 'key.added', meta, { provider });
      return { key: toSummary(row), created: !existing };
    });
    await keysChanged(services, userId);
    return saved;
  } catch (err) {
    if (isUniqueViolation(err, 'ai_keys_user_provider_key')) {
      throw new ApiError('CONFLICT', 'This key was being saved twice at once; try again.');
    }
    throw err;
  }
}

/** Deletes the caller's key for a provider; 404 when there is none. */
export async function deleteKey(
  services: Services,
  userId: string,
  provider: Provider,
  meta: RequestMeta,
): Promise<void> {
  await services.db.transaction(async (tx) => {
    const deleted = await tx
      .delete(aiKeys)
      .where(and(eq(aiKeys.userId, userId), eq(aiKeys.provider, provider)))
      .returning({ id: aiKeys.id });
    if (deleted.length === 0) throw noKey(provider);
    await recordEvent(tx, userId, 'key.deleted', meta, { provider });
  });
  await keysChanged(services, userId);
}

const noKey = (provider: Provider) =>
  new ApiError('NOT_FOUND', `You have no ${provider} key; add one first.`);

/** Default per-test wait for the provider's answer. */
export const KEY_TEST_TIMEOUT_MS = 10_000;

export interface KeyTestResult extends ProbeResult {
  provider: Provider;
}

/**
 * Decrypts the caller's key and makes one cheap, read-only call with it (listing models).
 * The outcome is stored on the row. A key that no longer decrypts (moved between rows, or
 * its master key removed) is reported as unreadable rather than failing the request.
 */
export async function testKey(
  services: Services,
  userId: string,
  provider: Provider,
  meta: RequestMeta,
): Promise<KeyTestResult> {
  const { db, secrets } = services;
  const [row] = await db
    .select()
    .from(aiKeys)
    .where(and(eq(aiKeys.userId, userId), eq(aiKeys.provider, provider)))
    .limit(1);
  if (!row) throw noKey(provider);
  const keyring = await loadKeyring(secrets.ENCRYPTION_KEYS);
  let apiKey: string | null = null;
  try {
    apiKey = await unseal(
      keyring,
      { ciphertext: row.ciphertext, iv: row.iv, version: row.keyVersion },
      keyAad(userId, provider, row.keyVersion),
    );
  } catch {
    services.logger.warn('ai key unreadable', { userId, provider, keyVersion: row.keyVersion });
  }
  const result: ProbeResult = apiKey
    ? await probeProvider(provider, apiKey, {
        baseUrl: providerEndpoint(provider, secrets),
        timeoutMs: secrets.AI_TEST_TIMEOUT_MS ?? KEY_TEST_TIMEOUT_MS,
      })
    : { ok: false, detail: 'key unreadable, add it again' };
  await db.transaction(async (tx) => {
    await tx
      .update(aiKeys)
      .set({
        lastTestedAt: new Date(),
        lastTestOk: result.ok,
        lastTestError: result.ok ? null : result.detail.slice(0, 200),
      })
      .where(and(eq(aiKeys.id, row.id), eq(aiKeys.userId, userId)));
    await recordEvent(tx, userId, 'key.tested', meta, { provider, ok: result.ok });
  });
  return { ...result, provider };
}

/**
 * Each account's sealed key rows, cached per isolate under a per-user version in Redis that
 * every key change bumps after its commit: a warm send reads no key from Postgres. The copy
 * holds ciphertexts only; a key is decrypted for each call.
 */
const sealedKeys = new VersionedCache<KeyRow[]>('keys:version', {
  maxEntries: 10_000,
  maxAgeMs: 10 * 60_000,
  versionTtlSeconds: 30 * 86_400,
});

function keyRowsOf(db: Database, userId: string): Promise<KeyRow[]> {
  return db.select().from(aiKeys).where(eq(aiKeys.userId, userId));
}

/** Marks the account's keys changed once a write committed, so every isolate reloads them. */
function keysChanged(services: Services, userId: string): Promise<void> {
  return sealedKeys.changed(services, userId);
}

/**
 * The caller's own key for a provider in clear, for one outgoing AI call; null when there is
 * none. A stored key that no longer decrypts is a KEY_UNREADABLE error the user sees, never a
 * silent switch to the platform key (which would bill someone else). Never logged. The rows
 * come from this isolate's copy while the account's keys version in Redis has not moved.
 */
export async function revealKey(
  services: Pick<Services, 'db' | 'secrets' | 'logger'> & Partial<Pick<Services, 'kv'>>,
  userId: string,
  provider: Provider,
): Promise<string | null> {
  const kv = services.kv ?? isolateKeyValue();
  const load = () => keyRowsOf(services.db, userId);
  const rows = kv ? await sealedKeys.read(kv, userId, load) : await load();
  const row = rows.find((candidate) => candidate.provider === provider);
  if (!row) return null;
  try {
    const keyring = await loadKeyring(services.secrets.ENCRYPTION_KEYS);
    return await unseal(
      keyring,
      { ciphertext: row.ciphertext, iv: row.iv, version: row.keyVersion },
      keyAad(userId, provider, row.keyVersion),
    );
  } catch {
    services.logger.warn('ai key unreadable', { userId, provider, keyVersion: row.keyVersion });
    throw new ApiError(
      'KEY_UNREADABLE',
      `Your key for ${provider} could not be read; enter it again under AI keys.`,
    );
  }
}
