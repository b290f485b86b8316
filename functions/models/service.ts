import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { aiModels } from '../../db/schema';
import type { Secrets, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
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
  db: Database,
  options: { includeDisabled?: boolean } = {},
): Promise<ModelRow[]> {
  return db
    .select()
    .from(aiModels)
    .where(options.includeDisabled ? undefined : eq(aiModels.enabled, true))
    .orderBy(asc(aiModels.sortOrder), asc(aiModels.displayName));
}

/** An enabled registry model by slug, or MODEL_UNAVAILABLE naming it. */
export async function requireModel(db: Database, slug: string): Promise<ModelRow> {
  const parts = parseSlug(slug);
  // An unknown provider is not an enum value: asking Postgres would fail the query, not miss.
  const known = parts !== null && (PROVIDERS as readonly string[]).includes(parts.provider);
  const [row] =
    parts && known
      ? await db
          .select()
          .from(aiModels)
          .where(
            and(
              eq(aiModels.provider, parts.provider as ProviderName),
              eq(aiModels.modelId, parts.modelId),
            ),
          )
          .limit(1)
      : [];
  if (!row || !row.enabled) {
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
  services: Pick<Services, 'db' | 'secrets' | 'logger'>,
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

/** Cost in micro-dollars, rounded up so a tiny call never costs zero on a paid model. */
export function costMicros(
  model: Pick<ModelRow, 'inputPriceMicros' | 'outputPriceMicros'>,
  inputTokens: number,
  outputTokens: number,
): number {
  return Math.ceil(
    (inputTokens * model.inputPriceMicros + outputTokens * model.outputPriceMicros) / 1_000_000,
  );
}
