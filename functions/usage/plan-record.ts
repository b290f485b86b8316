import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import type { Logger } from '../platform/logging';
import type { KeyValue } from '../platform/redis';

export type Plan = 'free' | 'pro' | 'business';

/**
 * Each account's plan, cached per isolate under a version kept in Redis (the model
 * registry's pattern, one version per user): a change of plan writes a new random version
 * after its commit, so the next check anywhere reloads it. A random version rather than a
 * count, so that a flushed Redis can never bring back a version some isolate still holds.
 */
export const planVersionKey = (userId: string) => `plan:version:${userId}`;

/** Versions live a month unused; a missing one is set afresh and the plan read again. */
const VERSION_TTL_SECONDS = 30 * 86_400;
/** Accounts kept per isolate; the oldest entry goes first. */
const MAX_CACHED = 10_000;
/** Even with its version unchanged (a bump lost with Redis down), a copy is read again after this. */
const MAX_AGE_MS = 5 * 60_000;

const cache = new Map<string, { version: string; plan: Plan; at: number }>();

function remember(userId: string, version: string, plan: Plan): void {
  cache.delete(userId);
  cache.set(userId, { version, plan, at: Date.now() });
  if (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
}

/** The account's plan as Postgres has it now. */
export async function readPlan(db: Database, userId: string): Promise<Plan> {
  const [user] = await db
    .select({ plan: users.plan })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return (user?.plan ?? 'free') as Plan;
}

/**
 * The account's plan. `version` is what the caller read from `planVersionKey` (in a pipeline
 * it sends anyway; `undefined` when Redis could not be read, which skips the cache): equal to
 * the cached one, nothing is read; otherwise the plan comes from Postgres and is cached.
 */
export async function planOf(
  kv: KeyValue,
  db: Database,
  userId: string,
  version: string | null | undefined,
): Promise<Plan> {
  if (version === undefined) return readPlan(db, userId);
  const hit = cache.get(userId);
  if (version !== null && hit?.version === version && Date.now() - hit.at < MAX_AGE_MS) {
    return hit.plan;
  }
  if (version !== null) {
    const plan = await readPlan(db, userId);
    remember(userId, version, plan);
    return plan;
  }
  // No version yet: set one while reading, and cache only if this request's version stuck
  // (a change committed meanwhile bumps it, and the plan read here is never trusted).
  const fresh = crypto.randomUUID();
  const [plan, set] = await Promise.all([
    readPlan(db, userId),
    kv.set(planVersionKey(userId), fresh, { nx: true, ex: VERSION_TTL_SECONDS }).catch(() => null),
  ]);
  if (set === 'OK') remember(userId, fresh, plan);
  return plan;
}

/**
 * Marks an account's plan as changed, after the change committed: every isolate reloads it
 * on its next check. A failure is logged (the old plan stays cached until the version key
 * expires or the copy ages out), never thrown: the change itself is already committed.
 */
export async function planChanged(
  services: { kv: KeyValue; logger: Pick<Logger, 'error'> },
  userId: string,
): Promise<void> {
  cache.delete(userId);
  await services.kv
    .set(planVersionKey(userId), crypto.randomUUID(), { ex: VERSION_TTL_SECONDS })
    .catch((error: unknown) => {
      services.logger.error('plan version not bumped', { userId, error });
    });
}
