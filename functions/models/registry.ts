import { eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/client';
import { aiKeys, aiModels } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import type { AdminModelCreate, AdminModelPatch } from './schemas';
import { listModels, type ModelRow, modelSlug, platformKeyFor, registryChanged } from './service';

export type Availability = 'offline' | 'own-key' | 'platform-key' | 'not-configured';

/** A registry row as every client sees it. */
export interface RegistryModel {
  slug: string;
  provider: ModelRow['provider'];
  modelId: string;
  displayName: string;
  contextWindow: number;
  inputPriceMicros: number;
  outputPriceMicros: number;
  inputPriceDollars: number;
  outputPriceDollars: number;
  vision: boolean;
  tools: boolean;
  offline: boolean;
}

export interface UserModel extends RegistryModel {
  availability: Availability;
}

export interface AdminModel extends RegistryModel {
  id: string;
  enabled: boolean;
  sortOrder: number;
  createdAt: string;
  updatedAt: string;
}

function toRegistry(row: ModelRow): RegistryModel {
  return {
    slug: modelSlug(row),
    provider: row.provider,
    modelId: row.modelId,
    displayName: row.displayName,
    contextWindow: row.contextWindow,
    inputPriceMicros: row.inputPriceMicros,
    outputPriceMicros: row.outputPriceMicros,
    inputPriceDollars: row.inputPriceMicros / 1_000_000,
    outputPriceDollars: row.outputPriceMicros / 1_000_000,
    vision: row.vision,
    tools: row.tools,
    offline: row.provider === 'offline',
  };
}

function toAdmin(row: ModelRow): AdminModel {
  return {
    id: row.id,
    ...toRegistry(row),
    enabled: row.enabled,
    sortOrder: row.sortOrder,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The enabled models with where the caller's key would come from. Only the presence of an
 * own key is read, never its ciphertext: listing must not decrypt anything.
 */
export async function modelsForUser(
  services: Pick<Services, 'db' | 'kv' | 'secrets'>,
  userId: string,
): Promise<UserModel[]> {
  const [rows, keys] = await Promise.all([
    listModels(services),
    services.db.select({ provider: aiKeys.provider }).from(aiKeys).where(eq(aiKeys.userId, userId)),
  ]);
  const own = new Set<string>(keys.map((key) => key.provider));
  return rows.map((row) => {
    let availability: Availability;
    if (row.provider === 'offline') availability = 'offline';
    else if (own.has(row.provider)) availability = 'own-key';
    else if (platformKeyFor(services.secrets, row.provider)) availability = 'platform-key';
    else availability = 'not-configured';
    return { ...toRegistry(row), availability };
  });
}

/** Every registry row, disabled ones included, for the admin table. */
export async function adminListModels(services: Pick<Services, 'db'>): Promise<AdminModel[]> {
  // Straight from Postgres: the admin table shows exactly what is stored.
  return (await listModels(services.db, { includeDisabled: true })).map(toAdmin);
}

/** Adds a model to the registry; the same provider and model id twice is a 409. */
export async function createModel(
  services: Pick<Services, 'db' | 'kv' | 'logger'>,
  input: AdminModelCreate,
): Promise<AdminModel> {
  try {
    const [row] = await services.db.insert(aiModels).values(input).returning();
    if (!row) throw new Error('ai_models insert returned no row');
    await registryChanged(services);
    return toAdmin(row);
  } catch (err) {
    if (isUniqueViolation(err, 'ai_models_provider_model_key')) {
      throw new ApiError(
        'CONFLICT',
        `The registry already has ${input.provider}/${input.modelId}; edit that entry instead.`,
      );
    }
    throw err;
  }
}

/** Changes a registry entry's editable fields; an unknown id is a 404. */
export async function updateModel(
  services: Pick<Services, 'db' | 'kv' | 'logger'>,
  id: string,
  patch: AdminModelPatch,
): Promise<AdminModel> {
  const [row] = await services.db
    .update(aiModels)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(aiModels.id, id))
    .returning();
  if (!row) throw new ApiError('NOT_FOUND', 'No model with this id in the registry.');
  await registryChanged(services);
  return toAdmin(row);
}
