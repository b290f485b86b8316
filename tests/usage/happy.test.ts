import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  addOpenAiKey,
  createApiToken,
  expectOpenAiProblem,
  openAiClient,
  v1Chat,
} from '../developer/helpers';
import { call, expectProblem, json, registerUser, sql } from '../helpers/api';

interface Totals {
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  calls: number;
}

interface UsageBody {
  days: number;
  from: string;
  to: string;
  totals: Totals;
  daily: Array<Totals & { date: string }>;
  byModel: Array<Totals & { provider: string; model: string; estimated: boolean }>;
  bySource: Array<Totals & { source: string }>;
  quota: {
    plan: string;
    day: { used: number; limit: number; resetsAt: string };
    month: { used: number; limit: number; resetsAt: string };
  };
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function usage(token: string, days?: number): Promise<UsageBody> {
  const res = await call(`/api/usage${days ? `?days=${days}` : ''}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<UsageBody>(res);
}

/** Writes ledger rows directly, as other features (chat, generation) would. */
async function pushUsage(
  userId: string,
  rows: Array<{
    at: Date;
    provider: string;
    model: string;
    source?: string;
    input: number;
    output: number;
    cost: number;
  }>,
): Promise<void> {
  const db = sql();
  try {
    for (const row of rows) {
      await db`
        insert into usage_events (user_id, source, reference, provider, model, input_tokens,
          output_tokens, estimated, cost_micros, created_at)
        values (${userId}, ${row.source ?? 'chat'}, ${`test:${randomUUID()}`}, ${row.provider},
          ${row.model}, ${row.input}, ${row.output}, false, ${row.cost}, ${row.at})`;
    }
  } finally {
    await db.end();
  }
}

describe('usage', () => {
  it('counts completions made through /v1 with offline models, per day, model and source', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const calls: OpenAI.ChatCompletion[] = [];
    for (const model of [
      'offline/offline-brief',
      'offline/offline-brief',
      'offline/offline-coder',
    ]) {
      calls.push(
        await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Count the words of this sentence please.' }],
        }),
      );
    }
    const sum = (pick: (usage: { prompt_tokens: number; completion_tokens: number }) => number) =>
      calls.reduce((total, call) => total + (call.usage ? pick(call.usage) : 0), 0);
    const input = sum((u) => u.prompt_tokens);
    const output = sum((u) => u.completion_tokens);

    const report = await usage(user.accessToken, 7);
    const today = isoDay(Date.now());
    expect(report.days).toBe(7);
    expect(report.to).toBe(today);
    expect(report.from).toBe(isoDay(Date.now() - 6 * DAY));
    expect(report.totals).toEqual({
      inputTokens: input,
      outputTokens: output,
      costMicros: 0,
      calls: 3,
    });
    expect(report.daily).toHaveLength(7);
    expect(report.daily.map((day) => day.date)).toEqual(
      Array.from({ length: 7 }, (_, i) => isoDay(Date.now() - (6 - i) * DAY)),
    );
    expect(report.daily.at(-1)).toEqual({ date: today, ...report.totals });
    for (const day of report.daily.slice(0, -1)) {
      expect(day).toEqual({
        date: day.date,
        inputTokens: 0,
        outputTokens: 0,
        costMicros: 0,
        calls: 0,
      });
    }
    expect(
      report.byModel.map((row) => [row.model, row.provider, row.calls, row.estimated]),
    ).toEqual(
      expect.arrayContaining([
        ['offline/offline-brief', 'offline', 2, true],
        ['offline/offline-coder', 'offline', 1, true],
      ]),
    );
    expect(report.byModel).toHaveLength(2);
    expect(report.bySource).toEqual([{ source: 'api', ...report.totals }]);
    // Offline models are free and do not count against the quota.
    expect(report.quota).toMatchObject({
      plan: 'free',
      day: { used: 0, limit: 200_000 },
      month: { used: 0, limit: 2_000_000 },
    });
  });

  it('places older usage on its UTC day, sums costs and leaves out what is outside the window', async () => {
    const user = await registerUser();
    const now = Date.now();
    const threeDaysAgo = new Date(now - 3 * DAY);
    await pushUsage(user.id, [
      {
        at: threeDaysAgo,
        provider: 'openai',
        model: 'openai/gpt-4o-mini',
        input: 1000,
        output: 500,
        cost: 450,
      },
      {
        at: threeDaysAgo,
        provider: 'openai',
        model: 'openai/gpt-4o-mini',
        source: 'compare',
        input: 2000,
        output: 100,
        cost: 360,
      },
      {
        at: new Date(now - 2 * DAY),
        provider: 'anthropic',
        model: 'anthropic/claude-haiku-4-5',
        input: 10,
        output: 20,
        cost: 110,
      },
      {
        at: new Date(now - 40 * DAY),
        provider: 'openai',
        model: 'openai/gpt-4o',
        input: 99_999,
        output: 1,
        cost: 999_999,
      },
    ]);
    const report = await usage(user.accessToken);
    expect(report.days).toBe(30);
    expect(report.daily).toHaveLength(30);
    expect(report.totals).toEqual({
      inputTokens: 3010,
      outputTokens: 620,
      costMicros: 920,
      calls: 3,
    });
    expect(report.daily.find((day) => day.date === isoDay(threeDaysAgo.getTime()))).toMatchObject({
      inputTokens: 3000,
      outputTokens: 600,
      costMicros: 810,
      calls: 2,
    });
    expect(report.byModel.map((row) => [row.model, row.costMicros, row.calls])).toEqual([
      ['openai/gpt-4o-mini', 810, 2],
      ['anthropic/claude-haiku-4-5', 110, 1],
    ]);
    expect(report.bySource).toEqual(
      expect.arrayContaining([
        { source: 'chat', inputTokens: 1010, outputTokens: 520, costMicros: 560, calls: 2 },
        { source: 'compare', inputTokens: 2000, outputTokens: 100, costMicros: 360, calls: 1 },
      ]),
    );
    const longer = await usage(user.accessToken, 60);
    expect(longer.totals.calls).toBe(4);
    expect(longer.daily).toHaveLength(60);
    const single = await usage(user.accessToken, 1);
    expect(single.daily).toHaveLength(1);
    expect(single.totals.calls).toBe(0);
  });

  it('refuses a paid model with 429 QUOTA_EXCEEDED once the daily quota is used, offline stays free', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    await pushUsage(user.id, [
      {
        at: new Date(),
        provider: 'openai',
        model: 'openai/gpt-4o-mini',
        input: 150_000,
        output: 49_999,
        cost: 52_500,
      },
    ]);
    // One token short of the limit: still allowed through to the key check (no key: 424).
    await expectOpenAiProblem(
      await v1Chat(token, {
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      }),
      424,
      'PROVIDER_NOT_CONFIGURED',
      { type: 'invalid_request_error' },
    );
    // The last tokens come from a real paid call: the usage writer adds them to the counter
    // the first check built from the rollups (a row written straight into Postgres would not).
    await addOpenAiKey(user);
    const paid = await v1Chat(token, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'One more' }],
    });
    expect(paid.status, await paid.clone().text()).toBe(200);
    const res = await v1Chat(token, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const retryAfter = Number(res.headers.get('retry-after'));
    const problem = await expectOpenAiProblem(res, 429, 'QUOTA_EXCEEDED', {
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    });
    expect(problem.detail).toMatch(
      /daily token quota of the free plan is used up \(2\d{5} of 200000/,
    );
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    const offline = await v1Chat(token, {
      model: 'offline/offline-brief',
      messages: [{ role: 'user', content: 'Still here?' }],
    });
    expect(offline.status).toBe(200);

    const report = await usage(user.accessToken);
    expect(report.quota.day.limit).toBe(200_000);
    expect(report.quota.day.used).toBeGreaterThan(200_000);
    expect(Date.parse(report.quota.day.resetsAt)).toBeGreaterThan(Date.now());
    expect(report.totals.calls).toBe(3);
  });

  it('validates the window and needs a sign-in', async () => {
    const user = await registerUser();
    for (const days of ['0', '367', 'abc', '1.5', '-3']) {
      const problem = await expectProblem(
        await call(`/api/usage?days=${days}`, { token: user.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.[0]?.path).toBe('query.days');
    }
    expect((await usage(user.accessToken, 366)).daily).toHaveLength(366);
    await expectProblem(await call('/api/usage'), 401, 'UNAUTHORIZED');
  });
});
