import { and, eq, gte, ne, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client';
import { usageEvents, usageRollups, users } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';

export type Plan = 'free' | 'pro' | 'business';

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

/**
 * Writes one ledger row; a second write with the same reference changes nothing, so a
 * retried write is billed once. The row's insert trigger adds it to the day's rollup in the
 * same statement (migration 0006). Returns whether the row was new.
 */
export async function recordUsage(
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

/**
 * Bills a call exactly once even when Postgres is down: the row is written directly, and
 * if that fails it goes to the user's outbox object, which keeps it in its storage and
 * writes it from its alarm until it lands (the ledger's unique reference absorbs a double).
 * Throws only when neither Postgres nor the outbox took the row.
 */
export async function recordUsageOrQueue(
  services: Pick<Services, 'db' | 'chatSessions' | 'logger'>,
  record: UsageRecord,
): Promise<void> {
  try {
    await recordUsage(services.db, record);
  } catch (error) {
    services.logger.warn('usage row queued in the outbox', { reference: record.reference, error });
    await services.chatSessions.usageOutbox(record.userId).recordUsage(record);
  }
}

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export interface QuotaStatus {
  plan: Plan;
  day: { used: number; limit: number; resetsAt: string };
  month: { used: number; limit: number; resetsAt: string };
}

/** Tokens used today and this month (UTC) against the plan's allowances. */
export async function quotaStatus(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<QuotaStatus> {
  const dayStart = startOfUtcDay(now);
  const monthStart = startOfUtcMonth(now);
  const tokens = sql`${usageRollups.inputTokens} + ${usageRollups.outputTokens}`;
  const [[user], [totals]] = await Promise.all([
    db.select({ plan: users.plan }).from(users).where(eq(users.id, userId)).limit(1),
    db
      .select({
        month: sql<string>`coalesce(sum(${tokens}), 0)::bigint`,
        day: sql<string>`coalesce(sum(${tokens}) filter (where ${usageRollups.day} = ${isoDay(dayStart)}::date), 0)::bigint`,
      })
      .from(usageRollups)
      .where(
        and(
          eq(usageRollups.userId, userId),
          gte(usageRollups.day, isoDay(monthStart)),
          ne(usageRollups.provider, 'offline'),
        ),
      ),
  ]);
  const plan = (user?.plan ?? 'free') as Plan;
  const quota = PLAN_QUOTAS[plan];
  const nextDay = new Date(dayStart.getTime() + 86_400_000);
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return {
    plan,
    day: {
      used: Number(totals?.day ?? 0),
      limit: quota.dailyTokens,
      resetsAt: nextDay.toISOString(),
    },
    month: {
      used: Number(totals?.month ?? 0),
      limit: quota.monthlyTokens,
      resetsAt: nextMonth.toISOString(),
    },
  };
}

/**
 * Refuses a new paid AI call once the daily or monthly allowance is used up: 429
 * QUOTA_EXCEEDED naming the limit and when it resets, with Retry-After.
 */
export async function assertWithinQuota(
  db: Database,
  userId: string,
  now = new Date(),
): Promise<void> {
  const status = await quotaStatus(db, userId, now);
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
  const today = startOfUtcDay(now);
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
  const monthStart = startOfUtcMonth(now);
  const [[user], [spent]] = await Promise.all([
    db.select({ plan: users.plan }).from(users).where(eq(users.id, userId)).limit(1),
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
  const plan = (user?.plan ?? 'free') as Plan;
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
