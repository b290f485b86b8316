import { env } from 'cloudflare:test';
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
