import { and, eq, gte, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { usageRollups } from '../../db/schema';
import type { Logger } from '../platform/logging';
import type { KeyValue } from '../platform/redis';

/**
 * Paid tokens per user per UTC day and per UTC month, kept in Redis by the usage writer so
 * that a quota check reads a counter instead of summing the ledger (issue 13).
 *
 * Each counter is a hash: `used` is what the writer added (HINCRBY, which creates the hash
 * when it is missing), `base` is set once from the rollups when a check finds it missing
 * (Redis flushed, a new day or month). `base` is the rollups' sum minus the `used` the check
 * read just before summing, so a row counted by both is not counted twice; the only error
 * left is a row committed before the sum whose increment lands after that read, counted
 * twice (a few milliseconds' window, and only ever too strict). Counting starts over with
 * the next period's keys; the hash expires a day after its period ends.
 */
export type Period = 'day' | 'month';

const PERIODS: readonly Period[] = ['day', 'month'];

export interface PeriodBounds {
  start: Date;
  end: Date;
  /** YYYY-MM-DD (day) or YYYY-MM (month), part of the counter's key. */
  label: string;
}

/** The UTC day and UTC month that contain `now`. */
export function periodsOf(now: Date): Record<Period, PeriodBounds> {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const dayStart = new Date(Date.UTC(y, m, now.getUTCDate()));
  const monthStart = new Date(Date.UTC(y, m, 1));
  return {
    day: {
      start: dayStart,
      end: new Date(dayStart.getTime() + 86_400_000),
      label: dayStart.toISOString().slice(0, 10),
    },
    month: {
      start: monthStart,
      end: new Date(Date.UTC(y, m + 1, 1)),
      label: monthStart.toISOString().slice(0, 7),
    },
  };
}

export const counterKey = (userId: string, period: Period, label: string) =>
  `quota:${period}:${userId}:${label}`;

/** Seconds a counter is kept: until a day after its period ends. */
function ttlSeconds(bounds: PeriodBounds, now: Date): number {
  return Math.max(60, Math.ceil((bounds.end.getTime() + 86_400_000 - now.getTime()) / 1000));
}

/**
 * Adds a new ledger row's tokens to its owner's day and month counters. Call it once per row,
 * only when the insert took (a retried duplicate adds nothing) and after the row committed.
 * Offline calls are free and not counted. A failure is logged: the counter then lags the
 * ledger until it is rebuilt.
 */
export async function countUsage(
  kv: KeyValue,
  logger: Pick<Logger, 'warn'> | undefined,
  row: { userId: string; provider: string; inputTokens: number; outputTokens: number },
  now = new Date(),
): Promise<void> {
  const tokens = row.inputTokens + row.outputTokens;
  if (row.provider === 'offline' || tokens <= 0) return;
  const bounds = periodsOf(now);
  const pipeline = kv.pipeline();
  for (const period of PERIODS) {
    const key = counterKey(row.userId, period, bounds[period].label);
    pipeline.hincrby(key, 'used', tokens);
    pipeline.expire(key, ttlSeconds(bounds[period], now));
  }
  await pipeline.exec().catch((error: unknown) => {
    logger?.warn('usage counter not incremented', { userId: row.userId, error });
  });
}

export type Used = Record<Period, number>;

interface Read {
  base: number | null;
  used: number;
}

const numberOrNull = (value: unknown) =>
  value === null || value === undefined ? null : Number(value);

/** Tokens of paid calls in the rollups since each period's start (one statement). */
export async function rollupTotals(
  db: Database,
  userId: string,
  bounds: Record<Period, PeriodBounds>,
) {
  const tokens = sql`${usageRollups.inputTokens} + ${usageRollups.outputTokens}`;
  const [totals] = await db
    .select({
      month: sql<string>`coalesce(sum(${tokens}), 0)::bigint`,
      day: sql<string>`coalesce(sum(${tokens}) filter (where ${usageRollups.day} = ${bounds.day.label}::date), 0)::bigint`,
    })
    .from(usageRollups)
    .where(
      and(
        eq(usageRollups.userId, userId),
        gte(usageRollups.day, bounds.month.label.concat('-01')),
        ne(usageRollups.provider, 'offline'),
      ),
    );
  return { day: Number(totals?.day ?? 0), month: Number(totals?.month ?? 0) };
}

/** A counter hash as HGETALL returns it (null when missing). */
export type CounterHash = Record<string, unknown> | null;

/** The day and month counters' keys, in the order `usedTokens` wants their hashes. */
export function counterKeys(userId: string, now: Date): [day: string, month: string] {
  const bounds = periodsOf(now);
  return [
    counterKey(userId, 'day', bounds.day.label),
    counterKey(userId, 'month', bounds.month.label),
  ];
}

/**
 * The paid tokens a user used today and this month, from the counter hashes the caller read
 * (HGETALL of `counterKeys`, in one pipeline with whatever else it needs): rebuilt once from
 * the rollups when one is missing, or straight from the rollups when Redis could not be read
 * (`hashes` null). Warm, this reads nothing from Postgres.
 */
export async function usedTokens(
  kv: KeyValue,
  db: Database,
  userId: string,
  now: Date,
  hashes: [CounterHash, CounterHash] | null,
): Promise<Used> {
  const bounds = periodsOf(now);
  if (!hashes) return rollupTotals(db, userId, bounds);
  const reads: Read[] = hashes.map((hash) => ({
    base: numberOrNull(hash?.base),
    used: Number(hash?.used ?? 0),
  }));
  const [day, month] = reads as [Read, Read];
  if (day.base !== null && month.base !== null) {
    return { day: day.base + day.used, month: month.base + month.used };
  }
  const totals = await rollupTotals(db, userId, bounds);
  const keys = counterKeys(userId, now);
  const pipeline = kv.pipeline();
  PERIODS.forEach((period, index) => {
    const key = keys[index] as string;
    pipeline.hsetnx(key, 'base', totals[period] - (reads[index] as Read).used);
    pipeline.expire(key, ttlSeconds(bounds[period], now));
  });
  // Another check may have rebuilt it meanwhile: HSETNX keeps the first, and both are right.
  await pipeline.exec().catch(() => undefined);
  return totals;
}
