import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const sessionFor = (name: string) => env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(name));

describe('ChatSession durable object', () => {
  it('appends events with monotonic ids and resumes after any id with no gap or duplicate', async () => {
    const session = sessionFor('conv-1');
    const first = await session.append('turn-1', [
      { type: 'token', data: 'Bon' },
      { type: 'token', data: 'jour' },
    ]);
    const second = await session.append('turn-1', [{ type: 'done', data: '{}' }]);
    expect(first).toHaveLength(2);
    expect(second[0]).toBeGreaterThan(first[1] ?? Number.POSITIVE_INFINITY);

    const all = await session.readAfter(0);
    expect(all.map((e) => e.data)).toEqual(['Bon', 'jour', '{}']);
    const resumed = await session.readAfter(first[0] ?? 0);
    expect(resumed.map((e) => e.data)).toEqual(['jour', '{}']);
    expect(await session.readAfter(second[0] ?? 0)).toEqual([]);
  });

  it('reads one turn, pages by limit and forgets finished turns', async () => {
    const session = sessionFor('conv-2');
    await session.append('a', [{ type: 'token', data: '1' }]);
    await session.append('b', [{ type: 'token', data: '2' }]);
    await session.append('a', [{ type: 'token', data: '3' }]);
    expect((await session.readAfter(0, { turnId: 'a' })).map((e) => e.data)).toEqual(['1', '3']);
    expect((await session.readAfter(0, { limit: 2 })).map((e) => e.data)).toEqual(['1', '2']);
    await session.forgetTurn('a');
    expect((await session.readAfter(0)).map((e) => e.turnId)).toEqual(['b']);
  });
});

describe('ChatSession watchdog', () => {
  it('fails a turn nobody is running any more, keeping the streamed text, and closes it once', async () => {
    const session = sessionFor('conv-watchdog');
    const turnId = crypto.randomUUID();
    // A compare column whose runner vanished: the turn row says running, its deadline passed.
    await runInDurableObject(session, async (_instance, state) => {
      const job = JSON.stringify({
        turnId,
        conversationId: 'conv-watchdog',
        config: { apiKey: null },
      });
      state.storage.sql.exec(
        `INSERT INTO turns (id, status, runner, job, deadline, stop_requested)
         VALUES (?, 'running', 'remote', ?, ?, 1)`,
        turnId,
        job,
        Date.now() - 60_000,
      );
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
    await session.append(turnId, [
      { type: 'delta', data: JSON.stringify({ turnId, text: 'Bonjour ' }) },
      { type: 'delta', data: JSON.stringify({ turnId, text: 'à tous' }) },
    ]);
    expect(await session.running()).toEqual([turnId]);
    expect(await runDurableObjectAlarm(session)).toBe(true);
    expect(await session.running()).toEqual([]);
    const events = await session.readAfter(0, { turnId });
    const done = events.filter((e) => e.type === 'done');
    expect(done).toHaveLength(1);
    expect(JSON.parse(done[0]?.data ?? '{}')).toMatchObject({
      status: 'failed',
      error: { code: 'TURN_DEADLINE' },
    });
    // A late result from the lost runner changes nothing.
    await session.finishTurn(turnId, {
      status: 'complete',
      content: 'late',
      inputTokens: 1,
      outputTokens: 1,
      estimated: false,
      costMicros: 0,
      error: null,
    });
    expect((await session.readAfter(0, { turnId })).filter((e) => e.type === 'done')).toHaveLength(
      1,
    );
    const stored = await runInDurableObject(session, async (_instance, state) =>
      state.storage.sql
        .exec<{ result: string }>('SELECT result FROM turns WHERE id = ?', turnId)
        .one(),
    );
    expect(JSON.parse(stored.result)).toMatchObject({
      status: 'failed',
      content: 'Bonjour à tous',
    });
  });

  it('streams the backlog then closes when no turn runs', async () => {
    const session = sessionFor('conv-backlog');
    await session.append('t1', [
      { type: 'delta', data: JSON.stringify({ turnId: 't1', text: 'a' }) },
    ]);
    const stream = await session.subscribe(0);
    const text = await new Response(stream).text();
    expect(text).toMatch(/^id: \d+\nevent: delta\ndata: \{"turnId":"t1","text":"a"\}\n\n$/);
  });
});

describe('ChatSession usage outbox', () => {
  it('keeps a usage row Postgres did not take in storage, once, with an alarm to retry it', async () => {
    const outbox = sessionFor(`usage:${crypto.randomUUID()}`);
    const record = {
      userId: crypto.randomUUID(),
      source: 'api' as const,
      reference: `chatcmpl-${crypto.randomUUID()}`,
      provider: 'offline',
      model: 'offline/offline-brief',
      inputTokens: 3,
      outputTokens: 5,
      estimated: true,
      costMicros: 0,
    };
    // No Postgres is reachable from this pool: the write fails and the row waits.
    expect(await outbox.recordUsage(record)).toEqual({ written: false });
    expect(await outbox.recordUsage(record)).toEqual({ written: false });
    expect(await outbox.pendingUsage()).toEqual([record]);
    await runInDurableObject(outbox, async (_instance, state) => {
      const rows = state.storage.sql
        .exec<{ attempts: number }>('SELECT attempts FROM usage_outbox')
        .toArray();
      expect(rows).toEqual([{ attempts: 2 }]);
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    // An alarm (here before the retry is due) never drops the row while Postgres is away.
    expect(await runDurableObjectAlarm(outbox)).toBe(true);
    expect(await outbox.pendingUsage()).toEqual([record]);
  });
});
