import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import type { Logger } from '../platform/logging';
import type { KeyValue } from '../platform/redis';
import { VersionedCache } from '../platform/versioned-cache';

export type Plan = 'free' | 'pro' | 'business';

/**
 * Each account's plan, cached per isolate under a per-user version in Redis that every plan
 * change (an order with a plan line, a subscription event) bumps after its commit.
 */
const plans = new VersionedCache<Plan>('plan:version', {
  maxEntries: 10_000,
  maxAgeMs: 5 * 60_000,
  versionTtlSeconds: 30 * 86_400,
});

/** The Redis key of an account's plan version (read it in the caller's pipeline). */
export const planVersionKey = (userId: string) => plans.versionKey(userId);

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
 * The account's plan. `version` is what the caller read from `planVersionKey` (`undefined`
 * when Redis could not be read): equal to the cached copy's, nothing is read from Postgres.
 */
export function planOf(
  kv: KeyValue,
  db: Database,
  userId: string,
  version: string | null | undefined,
): Promise<Plan> {
  return plans.get(kv, userId, version, () => readPlan(db, userId));
}

/** Marks an account's plan changed, after the change committed (see VersionedCache). */
export function planChanged(
  services: { kv: KeyValue; logger: Pick<Logger, 'error'> },
  userId: string,
): Promise<void> {
  return plans.changed(services, userId);
}
