import { and, eq, gte, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client';
import { usageEvents, usageRollups } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import type { Logger } from '../platform/logging';
import type { KeyValue } from '../platform/redis';
import { isolateKeyValue } from '../platform/redis';
import {
  type CounterHash,
  counterKeys,
  countUsage,
  periodsOf,
  rollupTotals,
  type Used,
  usedTokens,
} from './counters';
import { type Plan, planOf, planVersionKey, readPlan } from './plan-record';

export type { Plan } from './plan-record';

/**
 * Token allowances per plan until the commerce issue sells plans. Offline models cost
 * nothing and are not counted against them.
 */
export const PLAN_QUOTAS: Record<Plan, { dailyTokens: number; monthlyTokens: number }> = {
  free: { dailyTokens: 200_000, monthlyTokens: 2_000_000 },
  pro: { dailyTokens: 2_000_000, monthlyTokens: 40_000_000 },
  business: { dailyTokens: 10_000_000, monthlyTokens: 200_000_000 },
};

export interface UsageRecord {
  userId: string;
  source: 'chat' | 'compare' | 'api' | 'generation';
  /** Unique per billed call (message id, completion id, job step): a retry counts once. */
  reference: string;
  provider: (typeof usageEvents.$inferInsert)['provider'];
  model: string;
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
  costMicros: number;
}

/** Where the quota counters live: the request's client, else this isolate's own. */
export interface CounterStore {
  kv: KeyValue;
  logger?: Pick<Logger, 'warn'>;
}

function counterStore(given?: Partial<CounterStore>): CounterStore | null {
  const kv = given?.kv ?? isolateKeyValue();
  return kv ? { kv, logger: given?.logger } : null;
}

/**
 * Writes one ledger row inside the caller's transaction; a second write with the same
 * reference changes nothing. The row's insert trigger adds it to the day's rollup in the same
 * statement (migration 0006). Returns whether the row was new: then, once the transaction
 * committed, the caller passes the row to `countNewUsage`.
 */
export async function insertUsage(
  db: Database | Transaction,
  record: UsageRecord,
): Promise<boolean> {
  const rows = await db
    .insert(usageEvents)
    .values(record)
    .onConflictDoNothing({ target: usageEvents.reference })
    .returning({ id: usageEvents.id });
  return rows.length > 0;
}

/** Adds a committed new ledger row to its owner's quota counters (see counters.ts). */
export async function countNewUsage(
  record: UsageRecord,
  store?: Partial<CounterStore>,
): Promise<void> {
  const counters = counterStore(store);
  if (counters) await countUsage(counters.kv, counters.logger, record);
}

/**
 * Writes one ledger row on its own (no surrounding transaction) and, when it is new, adds it
 * to the quota counters; a retried write (same reference) changes nothing and counts nothing.
 * Returns whether the row was new.
 */
export async function recordUsage(
  db: Database,
  record: UsageRecord,
  store?: Partial<CounterStore>,
): Promise<boolean> {
  const fresh = await insertUsage(db, record);
  if (fresh) await countNewUsage(record, store);
  return fresh;
}

/**
 * Bills a call exactly once even when Postgres is down: the row is written directly, and
 * if that fails it goes to the user's outbox object, which keeps it in its storage and
 * writes it from its alarm until it lands (the ledger's unique reference absorbs a double).
 * Throws only when neither Postgres nor the outbox took the row.
 */
export async function recordUsageOrQueue(
  services: Pick<Services, 'db' | 'chatSessions' | 'logger'> & Partial<Pick<Services, 'kv'>>,
  record: UsageRecord,
): Promise<void> {
  let fresh: boolean;
  try {
    fresh = await insertUsage(services.db, record);
  } catch (error) {
    services.logger.warn('usage row queued in the outbox', { reference: record.reference, error });
    await services.chatSessions.usageOutbox(record.userId).recordUsage(record);
    return;
  }
  if (fresh) await countNewUsage(record, services);
}

export interface QuotaStatus {
  plan: Plan;
  day: { used: number; limit: number; resetsAt: string };
  month: { used: number; limit: number; resetsAt: string };
}

function toStatus(plan: Plan, used: Used, now: Date): QuotaStatus {
  const quota = PLAN_QUOTAS[plan];
  const bounds = periodsOf(now);
  return {
    plan,
    day: { used: used.day, limit: quota.dailyTokens, resetsAt: bounds.day.end.toISOString() },
    month: {
      used: used.month,
      limit: quota.monthlyTokens,
      resetsAt: bounds.month.end.toISOString(),
    },
  };
}

/**
 * Tokens used today and this month (UTC) against the plan's allowances, as the rollups say
 * (the usage report's view; one parallel round trip).
 */
export async function quotaStatus(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<QuotaStatus> {
  const [plan, used] = await Promise.all([
    readPlan(db, userId),
    rollupTotals(db, userId, periodsOf(now)),
  ]);
  return toStatus(plan, used, now);
}

/** What a quota check reads: the request's services, or a bare database (isolate's Redis). */
export type QuotaSource =
  | Database
  | (Pick<Services, 'db' | 'kv'> & Partial<Pick<Services, 'logger'>>);

/**
 * The quota as the counters say, for a check on a hot path: one Redis pipeline (both counters
 * and the plan's version), and nothing from Postgres once the counters exist and the plan is
 * cached; otherwise one parallel round trip to rebuild them. Without Redis, the rollups.
 */
async function liveQuotaStatus(source: QuotaSource, userId: string, now: Date) {
  const db = 'db' in source && 'kv' in source ? source.db : (source as Database);
  const kv = 'kv' in source && 'db' in source ? source.kv : isolateKeyValue();
  if (!kv) return quotaStatus(db, userId, now);
  const [dayKey, monthKey] = counterKeys(userId, now);
  const read = await kv
    .pipeline()
    .hgetall(dayKey)
    .hgetall(monthKey)
    .get<string>(planVersionKey(userId))
    .exec<[CounterHash, CounterHash, string | null]>()
    .catch(() => null);
  const [plan, used] = await Promise.all([
    planOf(kv, db, userId, read ? (read[2] ?? null) : undefined),
    usedTokens(kv, db, userId, now, read ? [read[0], read[1]] : null),
  ]);
  return toStatus(plan, used, now);
}

/**
 * Refuses a new paid AI call once the daily or monthly allowance is used up: 429
 * QUOTA_EXCEEDED naming the limit and when it resets, with Retry-After. Reads the counters
 * (see liveQuotaStatus), never a sum over the ledger.
 */
export async function assertWithinQuota(
  source: QuotaSource,
  userId: string,
  now = new Date(),
): Promise<void> {
  const status = await liveQuotaStatus(source, userId, now);
  for (const period of ['day', 'month'] as const) {
    const { used, limit, resetsAt } = status[period];
    if (used >= limit) {
      const retryAfter = Math.max(1, Math.ceil((Date.parse(resetsAt) - now.getTime()) / 1000));
      const name = period === 'day' ? 'daily' : 'monthly';
      throw new ApiError(
        'QUOTA_EXCEEDED',
        `The ${name} token quota of the ${status.plan} plan is used up (${used} of ${limit} tokens); it resets at ${resetsAt}. Offline models stay available.`,
        { headers: { 'Retry-After': String(retryAfter) } },
      );
    }
  }
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  calls: number;
}

export interface UsageReport {
  days: number;
  /** First UTC day of the window, YYYY-MM-DD. */
  from: string;
  /** Last UTC day of the window (today), YYYY-MM-DD. */
  to: string;
  totals: UsageTotals;
  /** One entry per UTC day of the window, oldest first; days without calls are zeros. */
  daily: Array<UsageTotals & { date: string }>;
  byModel: Array<
    UsageTotals & { provider: UsageRecord['provider']; model: string; estimated: boolean }
  >;
  bySource: Array<UsageTotals & { source: UsageRecord['source'] }>;
  quota: QuotaStatus;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The caller's usage over the last `days` UTC days (today included): totals, a gap-free
 * daily series, per-model and per-source breakdowns, and the quota status. Offline calls are
 * listed (at zero cost) even though they do not count against the quota.
 */
export async function usageReport(
  db: Database,
  userId: string,
  days: number,
  now = new Date(),
): Promise<UsageReport> {
  const today = periodsOf(now).day.start;
  const since = new Date(today.getTime() - (days - 1) * 86_400_000);
  const totalsOf = (row: Record<keyof UsageTotals, string | number>): UsageTotals => ({
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    costMicros: Number(row.costMicros),
    calls: Number(row.calls),
  });
  // One read of the window's rollups (a few rows per day), grouped three ways here.
  const [rows, quota] = await Promise.all([
    db
      .select()
      .from(usageRollups)
      .where(and(eq(usageRollups.userId, userId), gte(usageRollups.day, isoDay(since)))),
    quotaStatus(db, userId, now),
  ]);
  const zero = (): UsageTotals => ({ inputTokens: 0, outputTokens: 0, costMicros: 0, calls: 0 });
  const add = (sum: UsageTotals, row: UsageTotals) => {
    sum.inputTokens += row.inputTokens;
    sum.outputTokens += row.outputTokens;
    sum.costMicros += row.costMicros;
    sum.calls += row.calls;
  };
  const byDate = new Map<string, UsageTotals>();
  const models = new Map<string, UsageReport['byModel'][number]>();
  const sources = new Map<string, UsageReport['bySource'][number]>();
  for (const row of rows) {
    const counts = totalsOf(row);
    const date = byDate.get(row.day) ?? zero();
    add(date, counts);
    byDate.set(row.day, date);
    const modelKey = `${row.provider}\u0000${row.model}`;
    const model = models.get(modelKey) ?? {
      provider: row.provider,
      model: row.model,
      estimated: false,
      ...zero(),
    };
    add(model, counts);
    model.estimated ||= row.estimated;
    models.set(modelKey, model);
    const source = sources.get(row.source) ?? { source: row.source, ...zero() };
    add(source, counts);
    sources.set(row.source, source);
  }
  const modelRows = [...models.values()];
  const sourceRows = [...sources.values()];
  const daily: UsageReport['daily'] = [];
  for (let i = 0; i < days; i++) {
    const date = isoDay(new Date(since.getTime() + i * 86_400_000));
    daily.push({
      date,
      ...(byDate.get(date) ?? { inputTokens: 0, outputTokens: 0, costMicros: 0, calls: 0 }),
    });
  }
  const totals = daily.reduce<UsageTotals>(
    (sum, row) => ({
      inputTokens: sum.inputTokens + row.inputTokens,
      outputTokens: sum.outputTokens + row.outputTokens,
      costMicros: sum.costMicros + row.costMicros,
      calls: sum.calls + row.calls,
    }),
    { inputTokens: 0, outputTokens: 0, costMicros: 0, calls: 0 },
  );
  return {
    days,
    from: isoDay(since),
    to: isoDay(today),
    totals,
    daily,
    byModel: modelRows
      .map((row) => ({
        provider: row.provider,
        model: row.model,
        estimated: Boolean(row.estimated),
        ...totalsOf(row),
      }))
      .sort(
        (a, b) =>
          b.costMicros - a.costMicros ||
          b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens),
      ),
    bySource: sourceRows
      .map((row) => ({ source: row.source, ...totalsOf(row) }))
      .sort((a, b) => b.calls - a.calls),
    quota,
  };
}

/**
 * What paid media generation (images, audio, video billed per item, not per token) may cost
 * per calendar month (UTC), in micro-dollars; offline generation is free and not counted.
 */
export const PLAN_GENERATION_BUDGET_MICROS: Record<Plan, number> = {
  free: 2_000_000,
  pro: 30_000_000,
  business: 200_000_000,
};

/** Refuses a paid generation job once the month's generation budget is spent (429). */
export async function assertGenerationBudget(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<void> {
  const monthStart = periodsOf(now).month.start;
  const [plan, [spent]] = await Promise.all([
    readPlan(db, userId),
    db
      .select({ micros: sql<string>`coalesce(sum(${usageRollups.costMicros}), 0)::bigint` })
      .from(usageRollups)
      .where(
        and(
          eq(usageRollups.userId, userId),
          eq(usageRollups.source, 'generation'),
          gte(usageRollups.day, isoDay(monthStart)),
        ),
      ),
  ]);
  const budget = PLAN_GENERATION_BUDGET_MICROS[plan];
  const used = Number(spent?.micros ?? 0);
  if (used < budget) return;
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const dollars = (micros: number) => (micros / 1_000_000).toFixed(2);
  throw new ApiError(
    'QUOTA_EXCEEDED',
    `The monthly generation budget of the ${plan} plan is used up ($${dollars(used)} of $${dollars(budget)}); it resets at ${nextMonth.toISOString()}. The offline provider stays available.`,
    {
      headers: {
        'Retry-After': String(Math.max(1, Math.ceil((nextMonth.getTime() - now.getTime()) / 1000))),
      },
    },
  );
}
