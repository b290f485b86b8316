import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOpenAiKey, createApiToken, expectOpenAiProblem, v1Chat } from '../developer/helpers';
import { registerUser, sql, type TestUser } from '../helpers/api';
import { connectTestRedis } from '../helpers/redis';
import { deliverStripeOk } from '../payments/helpers';
import { eventually, refuseUsage } from './helpers';

/**
 * Issue 13 §2 "counters, not sums": a paid call's quota check reads Redis counters kept by the
 * usage writer, rebuilt from the rollups only when missing; the plan comes from a per-isolate
 * copy that a plan change invalidates.
 */
let redis: Redis;

beforeAll(async () => {
  const connected = await connectTestRedis();
  if (!connected) throw new Error('these tests read the counters in the real test Redis');
  redis = connected;
});
afterAll(() => redis?.disconnect());

const today = () => new Date().toISOString().slice(0, 10);
const thisMonth = () => new Date().toISOString().slice(0, 7);
const dayKey = (userId: string) => `quota:day:${userId}:${today()}`;
const monthKey = (userId: string) => `quota:month:${userId}:${thisMonth()}`;

/** What the day counter says (base + used), or null when there is none. */
async function dayCounter(userId: string): Promise<{ base: number | null; used: number } | null> {
  const hash = await redis.hgetall(dayKey(userId));
  if (Object.keys(hash).length === 0) return null;
  return { base: hash.base === undefined ? null : Number(hash.base), used: Number(hash.used ?? 0) };
}

/** Paid tokens of the user's ledger rows today, as Postgres has them. */
async function ledgerTokensToday(userId: string): Promise<number> {
  const db = sql();
  try {
    const [row] = await db<{ tokens: string }[]>`
      SELECT coalesce(sum(input_tokens + output_tokens), 0)::bigint AS tokens FROM usage_events
      WHERE user_id = ${userId} AND provider <> 'offline'
        AND created_at >= date_trunc('day', now() AT TIME ZONE 'utc') AT TIME ZONE 'utc'`;
    return Number(row?.tokens ?? 0);
  } finally {
    await db.end();
  }
}

/** A paid ledger row written straight into Postgres, bypassing the usage writer. */
async function pushPaidUsage(userId: string, tokens: number, reference = `test:${randomUUID()}`) {
  const db = sql();
  try {
    await db`
      INSERT INTO usage_events (user_id, source, reference, provider, model, input_tokens,
        output_tokens, estimated, cost_micros)
      VALUES (${userId}, 'api', ${reference}, 'openai', 'openai/gpt-4o-mini', ${tokens}, 0, false, 1)`;
  } finally {
    await db.end();
  }
}

async function paidUser(): Promise<{ user: TestUser; token: string }> {
  const user = await registerUser();
  await addOpenAiKey(user);
  const { token } = await createApiToken(user);
  return { user, token };
}

const paidCall = (token: string, content = 'Hi') =>
  v1Chat(token, { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] });

describe('quota counters', () => {
  it('builds the counters once from the rollups, then the usage writer keeps them', async () => {
    const { user, token } = await paidUser();
    await pushPaidUsage(user.id, 150_000);
    expect(await dayCounter(user.id)).toBeNull();

    const first = await paidCall(token);
    expect(first.status, await first.clone().text()).toBe(200);
    const afterFirst = await dayCounter(user.id);
    // The check found no counter and summed the rollups once; the reply's row was then added.
    expect(afterFirst?.base).toBe(150_000);
    expect(afterFirst?.used).toBeGreaterThan(0);
    expect((afterFirst?.base ?? 0) + (afterFirst?.used ?? 0)).toBe(
      await ledgerTokensToday(user.id),
    );
    expect(Number(await redis.hget(monthKey(user.id), 'base'))).toBe(150_000);
    expect(await redis.ttl(dayKey(user.id))).toBeGreaterThan(86_400);

    // A row that bypasses the writer is not seen while the counter exists: the check reads
    // the counter, not the ledger.
    await pushPaidUsage(user.id, 60_000);
    const second = await paidCall(token);
    expect(second.status, await second.clone().text()).toBe(200);
    const afterSecond = await dayCounter(user.id);
    expect(afterSecond?.base).toBe(150_000);

    // Redis flushed: the next check rebuilds from the rollups, which have everything.
    await redis.del(dayKey(user.id), monthKey(user.id));
    const refused = await paidCall(token);
    await expectOpenAiProblem(refused, 429, 'QUOTA_EXCEEDED', {
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const rebuilt = await dayCounter(user.id);
    expect(rebuilt?.base).toBe(await ledgerTokensToday(user.id));
  });

  it('refuses once the writer pushes the counter over the daily limit, and a plan upgrade lifts it', async () => {
    const { user, token } = await paidUser();
    await pushPaidUsage(user.id, 199_990);
    const last = await paidCall(token, 'The last one today');
    expect(last.status, await last.clone().text()).toBe(200);
    const refused = await paidCall(token);
    const problem = await expectOpenAiProblem(refused, 429, 'QUOTA_EXCEEDED', {
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    });
    expect(problem.detail).toMatch(/daily token quota of the free plan/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    // The plan is cached per isolate; the subscription webhook marks it changed.
    const outcome = await deliverStripeOk('customer.subscription.created', {
      id: `sub_test_${randomBytes(6).toString('hex')}`,
      object: 'subscription',
      status: 'active',
      customer: `cus_test_${randomBytes(6).toString('hex')}`,
      cancel_at_period_end: false,
      metadata: { userId: user.id, plan: 'pro' },
      items: {
        data: [{ price: { id: 'price_unused' }, current_period_end: Date.now() / 1000 + 86_400 }],
      },
    });
    expect(outcome).toMatchObject({ outcome: 'subscription applied' });
    const allowed = await eventually(async () => {
      const res = await paidCall(token, 'Pro now');
      return res.status === 200 ? res : undefined;
    }, 10_000);
    expect(allowed.status).toBe(200);
  });

  it('a usage row the outbox writes is counted once, and a retried duplicate adds nothing', async () => {
    const { user, token } = await paidUser();
    const db = sql();
    const name = await refuseUsage(db, user.id);
    try {
      // First call: its row cannot be written, so it waits in the outbox.
      const first = await paidCall(token, 'Into the outbox');
      expect(first.status, await first.clone().text()).toBe(200);
      const { id: firstRef } = (await first.json()) as { id: string };
      // Second call: its row too; this time the row "lands" behind the outbox's back (as if
      // the write went through and only its answer was lost), so the retry finds a duplicate.
      const second = await paidCall(token, 'Lost answer');
      expect(second.status).toBe(200);
      const { id: secondRef } = (await second.json()) as { id: string };
      expect(await dayCounter(user.id)).toEqual({ base: 0, used: 0 });
      // In one transaction, so the outbox cannot slip its own write in between.
      await db.begin(async (tx) => {
        await tx.unsafe(`DROP TRIGGER ${name} ON usage_events`);
        await tx.unsafe(`DROP FUNCTION ${name}()`);
        await tx`
          INSERT INTO usage_events (user_id, source, reference, provider, model, input_tokens,
            output_tokens, estimated, cost_micros)
          VALUES (${user.id}, 'api', ${secondRef}, 'openai', 'openai/gpt-4o-mini', 7, 0, false, 1)`;
      });

      const rows = await eventually(async () => {
        const found = await db<{ reference: string; tokens: number }[]>`
          SELECT reference, (input_tokens + output_tokens)::int AS tokens FROM usage_events
          WHERE user_id = ${user.id} AND reference = ${firstRef}`;
        return found.length ? found : undefined;
      }, 15_000);
      const firstTokens = rows[0]?.tokens ?? 0;
      expect(firstTokens).toBeGreaterThan(0);
      await eventually(async () => ((await dayCounter(user.id))?.used ? true : undefined));
      // Later alarms (the second row's retry among them) add nothing more.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await dayCounter(user.id)).toEqual({ base: 0, used: firstTokens });
      const [ledger] = await db<{ n: number }[]>`
        SELECT count(*)::int AS n FROM usage_events WHERE user_id = ${user.id}`;
      expect(ledger?.n).toBe(2);
    } finally {
      await db.unsafe(`DROP TRIGGER IF EXISTS ${name} ON usage_events`);
      await db.unsafe(`DROP FUNCTION IF EXISTS ${name}()`);
      await db.end();
    }
  });
});
