import { afterEach, describe, expect, it } from 'vitest';
import { call, expectProblem, registerUser, sql } from '../helpers/api';
import { detail, newConversation, readStream, send, settled, textOf } from '../helpers/chat';
import { setPostgresDown } from '../helpers/round-trips';

/**
 * A warm ChatSession answers a send from its own state and writes the send to Postgres after
 * the first token, through its outbox. Here Postgres is cut off the Worker (the round-trip
 * proxy refuses and cuts every connection) while a send is answered: nothing may be lost,
 * nothing doubled, and nobody may read a conversation that misses a message it was shown.
 */
describe('chat: a send answered while Postgres is unreachable', () => {
  afterEach(async () => {
    await setPostgresDown(false);
  });

  it('streams the reply, refuses to show a stale conversation, then lands exactly once', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const first = await send(user, id, { content: 'Hello', model: 'offline/offline-brief' });
    await readStream(user, id, { after: first.after });
    await settled(user, id);

    await setPostgresDown(true);
    const content = `Written while Postgres was away ${crypto.randomUUID()}`;
    const started = await send(user, id, { content, model: 'offline/offline-brief' });
    const events = await readStream(user, id, { after: started.after });
    const replyId = started.replies[0]?.id ?? '';
    expect(textOf(events, replyId)).toMatch(/^\*Offline model/);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });

    // The object still holds the send: the conversation is not shown without it.
    await expectProblem(
      await call(`/api/conversations/${id}`, { token: user.accessToken }),
      503,
      'SERVICE_UNAVAILABLE',
    );
    // Any other read that needs Postgres says so too: 503 with Retry-After, not a 500.
    const list = await call('/api/conversations', { token: user.accessToken });
    expect(list.headers.get('retry-after')).toBe('5');
    await expectProblem(list, 503, 'SERVICE_UNAVAILABLE');

    await setPostgresDown(false);
    const until = Date.now() + 20_000;
    let saved = await settledOrNull(user, id);
    while (!saved?.messages.some((m) => m.id === replyId && m.status === 'complete')) {
      if (Date.now() > until) throw new Error('the send did not reach Postgres after the outage');
      await new Promise((resolve) => setTimeout(resolve, 250));
      saved = await settledOrNull(user, id);
    }
    expect(saved.messages.filter((m) => m.content === content)).toHaveLength(1);
    expect(saved.conversation.activeLeafId).toBe(replyId);
    // Asking again changes nothing: the outbox wrote each row once.
    await detail(user, id);
    const db = sql();
    try {
      const rows = await db<{ role: string; n: number }[]>`
        SELECT role, count(*)::int AS n FROM messages WHERE conversation_id = ${id}
        GROUP BY role ORDER BY role::text`;
      expect(rows).toEqual([
        { role: 'assistant', n: 2 },
        { role: 'user', n: 2 },
      ]);
    } finally {
      await db.end();
    }
  });
});

/** The conversation once Postgres answers again (null while it still says 503). */
async function settledOrNull(user: Awaited<ReturnType<typeof registerUser>>, id: string) {
  const res = await call(`/api/conversations/${id}`, { token: user.accessToken });
  if (res.status === 503) return null;
  expect(res.status, await res.clone().text()).toBe(200);
  return settled(user, id);
}
