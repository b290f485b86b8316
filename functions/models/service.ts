import type { Database } from '../../db/client';
import { aiModels } from '../../db/schema';
import type { Secrets, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import type { Prefetch } from '../platform/preflight';
import { providerEndpoint } from '../profile/key-probe';
import { revealKey } from '../profile/keys';
import {
  PROVIDERS,
  type ProviderConfig,
  type ProviderName,
  type RemoteProvider,
} from './providers/types';

export type ModelRow = typeof aiModels.$inferSelect;

/** The registry's public id of a model: "provider/model-id", e.g. "openai/gpt-4o-mini". */
export function modelSlug(row: Pick<ModelRow, 'provider' | 'modelId'>): string {
  return `${row.provider}/${row.modelId}`;
}

/** Splits a slug; null when it is not "provider/model". */
export function parseSlug(slug: string): { provider: string; modelId: string } | null {
  const at = slug.indexOf('/');
  if (at <= 0 || at === slug.length - 1) return null;
  return { provider: slug.slice(0, at), modelId: slug.slice(at + 1) };
}

/** Registry rows in display order; disabled ones only when asked (admin view). */
export async function listModels(
  source: RegistrySource,
  options: { includeDisabled?: boolean } = {},
): Promise<ModelRow[]> {
  const rows = await registryRows(source);
  return rows
    .filter((row) => options.includeDisabled || row.enabled)
    .sort(
      (a, b) =>
        a.sortOrder - b.sortOrder ||
        (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0),
    );
}

/** Where registry reads come from: Postgres, through the per-isolate cache when `kv` is there. */
export type RegistrySource = Database | Pick<Services, 'db' | 'kv'>;

/** Redis key holding the registry's version; every admin change increments it. */
export const REGISTRY_VERSION_KEY = 'models:version';
/** How long an isolate trusts its copy before asking Redis whether the registry changed. */
export const REGISTRY_RECHECK_MS = 2_000;

interface RegistryCache {
  version: string;
  rows: ModelRow[];
  checkedAt: number;
}
let registryCache: RegistryCache | null = null;
/** The version a request's preflight read (see registryVersion), trusted for one recheck period. */
let prefetched: { version: string; at: number } | null = null;

/**
 * The registry's version as a prefetch: a hot path reads it in the same Redis round trip as
 * its auth (platform/preflight.ts), only when this isolate's copy is due for a recheck, so
 * requireModel then asks Redis nothing.
 */
export const registryVersion: Prefetch = {
  key: REGISTRY_VERSION_KEY,
  wanted: (now) => !registryCache || now - registryCache.checkedAt >= REGISTRY_RECHECK_MS,
  accept(value, now) {
    const version = String(value ?? 0);
    prefetched = { version, at: now };
    if (registryCache?.version === version) registryCache.checkedAt = now;
  },
};

function hasKeyValue(source: RegistrySource): source is Pick<Services, 'db' | 'kv'> {
  return 'kv' in source && 'db' in source;
}

/**
 * Every registry row (disabled ones too), from this isolate's copy when Redis says it is still
 * current. The version is asked at most every REGISTRY_RECHECK_MS, so a change made in another
 * isolate is seen within a few seconds and one made here at once (see registryChanged).
 */
async function registryRows(source: RegistrySource): Promise<ModelRow[]> {
  const load = (db: Database) => db.select().from(aiModels);
  if (!hasKeyValue(source)) return load(source);
  const now = Date.now();
  const cached = registryCache;
  if (cached && now - cached.checkedAt < REGISTRY_RECHECK_MS) return cached.rows;
  const version =
    prefetched && now - prefetched.at < REGISTRY_RECHECK_MS
      ? prefetched.version
      : await source.kv
          .get<string | number>(REGISTRY_VERSION_KEY)
          .then((value) => String(value ?? 0))
          .catch(() => null);
  if (cached && version !== null && cached.version === version) {
    cached.checkedAt = now;
    return cached.rows;
  }
  const rows = await load(source.db);
  if (version !== null) registryCache = { version, rows, checkedAt: now };
  return rows;
}

/** Drops this isolate's copy and bumps the shared version, so every isolate reloads. */
export async function registryChanged(services: Pick<Services, 'kv' | 'logger'>): Promise<void> {
  registryCache = null;
  prefetched = null;
  await services.kv.incr(REGISTRY_VERSION_KEY).catch((error: unknown) => {
    services.logger.error('model registry version not bumped', { error });
  });
}

/** An enabled registry model by slug, or MODEL_UNAVAILABLE naming it. */
export async function requireModel(source: RegistrySource, slug: string): Promise<ModelRow> {
  const parts = parseSlug(slug);
  // An unknown provider is not an enum value: asking Postgres would fail the query, not miss.
  const known = parts !== null && (PROVIDERS as readonly string[]).includes(parts.provider);
  const rows = known ? await registryRows(source) : [];
  const row = rows.find(
    (candidate) => candidate.provider === parts?.provider && candidate.modelId === parts?.modelId,
  );
  if (!row?.enabled) {
    throw new ApiError(
      'MODEL_UNAVAILABLE',
      `Model "${slug}" is not available; pick one from GET /api/models.`,
    );
  }
  return row;
}

const PLATFORM_KEY: Record<RemoteProvider, keyof Secrets> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GOOGLE_AI_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  groq: 'GROQ_API_KEY',
};

export type KeySource = 'user' | 'platform' | 'none';

/** Default longest wait for a provider's first or next chunk. */
export const STREAM_IDLE_TIMEOUT_MS = 60_000;

/** Where a provider's key would come from for this user, without decrypting anything. */
export function platformKeyFor(secrets: Secrets, provider: ProviderName): string | undefined {
  if (provider === 'offline') return undefined;
  const value = secrets[PLATFORM_KEY[provider]];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The key and endpoint for one call: the user's own key first, else the platform's key from
 * the environment, else PROVIDER_NOT_CONFIGURED naming the provider and what to do.
 */
export async function resolveProvider(
  services: Pick<Services, 'db' | 'secrets' | 'logger'> & Partial<Pick<Services, 'kv'>>,
  userId: string,
  provider: ProviderName,
): Promise<{ config: ProviderConfig; source: KeySource }> {
  const { secrets } = services;
  const idleTimeoutMs = secrets.AI_STREAM_TIMEOUT_MS ?? STREAM_IDLE_TIMEOUT_MS;
  if (provider === 'offline') {
    return {
      config: { apiKey: null, idleTimeoutMs, tokenDelayMs: secrets.OFFLINE_TOKEN_DELAY_MS },
      source: 'none',
    };
  }
  const baseUrl = providerEndpoint(provider, secrets);
  const own = await revealKey(services, userId, provider);
  if (own) return { config: { apiKey: own, baseUrl, idleTimeoutMs }, source: 'user' };
  const platform = platformKeyFor(secrets, provider);
  if (platform) return { config: { apiKey: platform, baseUrl, idleTimeoutMs }, source: 'platform' };
  throw new ApiError(
    'PROVIDER_NOT_CONFIGURED',
    `${provider} is not configured: add your own ${provider} key under AI keys, or ask an administrator to set ${PLATFORM_KEY[provider]}.`,
  );
}
