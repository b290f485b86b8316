import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken, v1Chat } from '../developer/helpers';
import { registerUser, sql, type TestUser } from '../helpers/api';
import { newConversation, readStream, send } from '../helpers/chat';
import { eventually, refuseUsage } from './helpers';

/**
 * Postgres refuses a user's usage rows (a trigger that raises, as a database that fails
 * mid-write would) while a reply or a /v1 completion is billed; once it takes writes again,
 * the row must arrive from the ChatSession outbox's alarm, exactly once.
 */
const refusals: string[] = [];

async function refuseUsageOf(user: TestUser): Promise<string> {
  const db = sql();
  let name: string;
  try {
    name = await refuseUsage(db, user.id);
  } finally {
    await db.end();
  }
  refusals.push(name);
  return name;
}

async function acceptUsageAgain(name: string): Promise<void> {
  const db = sql();
  try {
    await db.unsafe(`DROP TRIGGER IF EXISTS ${name} ON usage_events`);
    await db.unsafe(`DROP FUNCTION IF EXISTS ${name}()`);
  } finally {
    await db.end();
  }
  refusals.splice(refusals.indexOf(name), 1);
}

afterEach(async () => {
  for (const name of [...refusals]) await acceptUsageAgain(name);
});

interface Billed {
  reference: string;
  calls: number;
  rollupCalls: number;
}

async function billed(userId: string): Promise<Billed[]> {
  const db = sql();
  try {
    const rows = await db<{ reference: string; calls: number }[]>`
      SELECT reference, count(*)::int AS calls FROM usage_events WHERE user_id = ${userId}
      GROUP BY reference`;
    const [rollup] = await db<{ calls: number }[]>`
      SELECT coalesce(sum(calls), 0)::int AS calls FROM usage_rollups WHERE user_id = ${userId}`;
    return rows.map((row) => ({ ...row, rollupCalls: rollup?.calls ?? 0 }));
  } finally {
    await db.end();
  }
}

/** Polls until the user has usage rows (the outbox retries after about 2 s) and returns them. */
const eventuallyBilled = (userId: string) =>
  eventually(async () => {
    const rows = await billed(userId);
    return rows.length ? rows : undefined;
  });

describe('usage rows survive a failing Postgres (issue 12 §6)', () => {
  it('a /v1 completion whose usage write fails is billed once, from the outbox', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const refusal = await refuseUsageOf(user);
    const res = await v1Chat(token, {
      model: 'offline/offline-brief',
      messages: [{ role: 'user', content: 'Count the tides' }],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { id: string; usage: { total_tokens: number } };
    expect(body.usage.total_tokens).toBeGreaterThan(0);
    expect(await billed(user.id)).toEqual([]);

    await acceptUsageAgain(refusal);
    const rows = await eventuallyBilled(user.id);
    expect(rows).toEqual([{ reference: body.id, calls: 1, rollupCalls: 1 }]);
    // Later alarms and retries add nothing.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await billed(user.id)).toEqual([{ reference: body.id, calls: 1, rollupCalls: 1 }]);
  });

  it('a streamed /v1 completion whose usage write fails is billed once, from the outbox', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const refusal = await refuseUsageOf(user);
    const res = await v1Chat(token, {
      model: 'offline/offline-brief',
      stream: true,
      messages: [{ role: 'user', content: 'Stream the tides' }],
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('data: [DONE]');
    const id = /"id":"(chatcmpl-[^"]+)"/.exec(text)?.[1];
    expect(id).toBeDefined();
    expect(await billed(user.id)).toEqual([]);

    await acceptUsageAgain(refusal);
    const rows = await eventuallyBilled(user.id);
    expect(rows).toEqual([{ reference: id, calls: 1, rollupCalls: 1 }]);
  });

  it('a chat reply whose save fails is saved and billed once when Postgres is back', async () => {
    const user = await registerUser();
    const conversationId = await newConversation(user);
    const refusal = await refuseUsageOf(user);
    const started = await send(user, conversationId, {
      content: 'Tell me about lighthouses',
      model: 'offline/offline-brief',
    });
    const events = await readStream(user, conversationId, { after: started.after });
    expect(events.filter((e) => e.event === 'done')).toHaveLength(1);
    const replyId = started.replies[0]?.id ?? '';
    const db = sql();
    try {
      // The transaction that would save the reply and its usage was refused as a whole.
      const [before] = await db`SELECT status FROM messages WHERE id = ${replyId}`;
      expect(before?.status).toBe('streaming');
      expect(await billed(user.id)).toEqual([]);

      await acceptUsageAgain(refusal);
      const rows = await eventuallyBilled(user.id);
      expect(rows).toEqual([{ reference: replyId, calls: 1, rollupCalls: 1 }]);
      const [after] = await db`SELECT status, content FROM messages WHERE id = ${replyId}`;
      expect(after?.status).toBe('complete');
      expect(String(after?.content).length).toBeGreaterThan(0);
    } finally {
      await db.end();
    }
  });
});
