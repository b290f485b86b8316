import { describe, expect, it } from 'vitest';
import { call, json, registerUser, sql } from '../helpers/api';
import { detail, newConversation, readStream, send, settled, textOf } from '../helpers/chat';

describe('chat: streaming replies', () => {
  it('streams an offline reply with event ids and saves exactly what was streamed', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const started = await send(user, id, {
      content: 'Explain the water cycle to a child',
      model: 'offline/offline-detailed',
    });
    expect(started.userMessage?.content).toBe('Explain the water cycle to a child');
    const [reply] = started.replies;
    expect(reply).toMatchObject({
      status: 'streaming',
      offline: true,
      model: 'offline/offline-detailed',
    });
    const events = await readStream(user, id, { after: started.after });
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(events[0]).toMatchObject({ event: 'start', data: { turnId: reply?.id, offline: true } });
    const done = events.at(-1);
    expect(done).toMatchObject({ event: 'done', data: { status: 'complete', estimated: true } });
    const streamed = textOf(events, reply?.id ?? '');
    expect(streamed).toMatch(/^\*Offline model/);

    const saved = await settled(user, id);
    const assistant = saved.messages.find((m) => m.id === reply?.id);
    expect(assistant).toMatchObject({
      status: 'complete',
      content: streamed,
      tokensEstimated: true,
    });
    expect(assistant?.outputTokens).toBeGreaterThan(10);
    expect(saved.conversation.title).toBe('Explain the water cycle to a child');
    expect(saved.conversation.activeLeafId).toBe(reply?.id);

    const db = sql();
    try {
      const rows =
        await db`SELECT source, model, output_tokens, cost_micros FROM usage_events WHERE reference = ${reply?.id ?? ''}`;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ source: 'chat', model: 'offline/offline-detailed' });
      expect(Number(rows[0]?.cost_micros)).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('resumes after Last-Event-ID with no gap and no duplicate', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const started = await send(user, id, {
      content: 'Tell me about Lyon',
      model: 'offline/offline-detailed',
    });
    const first = await readStream(user, id, { after: started.after, take: 6 });
    const last = first.at(-1)?.id ?? 0;
    const rest = await readStream(user, id, { lastEventId: last });
    const all = [...first, ...rest];
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe((ids[i - 1] ?? 0) + 1);
    expect(all.at(-1)?.event).toBe('done');
    const saved = await settled(user, id);
    const turnId = started.replies[0]?.id ?? '';
    expect(textOf(all, turnId)).toBe(saved.messages.find((m) => m.id === turnId)?.content);
  });

  it('finishes and saves the reply after the client disconnects', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const started = await send(user, id, {
      content: 'Write about the sea',
      model: 'offline/offline-detailed',
    });
    const partial = await readStream(user, id, { after: started.after, take: 3 });
    expect(partial.at(-1)?.event).toBe('delta');
    const saved = await settled(user, id);
    const reply = saved.messages.find((m) => m.id === started.replies[0]?.id);
    expect(reply?.status).toBe('complete');
    expect(reply?.content).toContain('sea');
    // Reading the log later still gives the whole reply.
    const replay = await readStream(user, id, { after: started.after });
    expect(textOf(replay, reply?.id ?? '')).toBe(reply?.content);
  });

  it('stops a reply on request and keeps what was written', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const started = await send(user, id, {
      content: 'Long answer please',
      model: 'offline/offline-detailed',
    });
    await readStream(user, id, { after: started.after, take: 4 });
    const stop = await call(`/api/conversations/${id}/stop`, { token: user.accessToken, json: {} });
    expect(stop.status).toBe(200);
    expect((await json<{ stopped: string[] }>(stop)).stopped).toEqual([started.replies[0]?.id]);
    const saved = await settled(user, id);
    const reply = saved.messages.find((m) => m.id === started.replies[0]?.id);
    expect(reply?.status).toBe('stopped');
    expect(reply?.content.length).toBeGreaterThan(0);
    const events = await readStream(user, id, { after: started.after });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'stopped' } });
    expect(textOf(events, reply?.id ?? '')).toBe(reply?.content);
  });
});

describe('chat: compare, branches and agents', () => {
  it('compares three models side by side, then continues from the chosen answer', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const models = ['offline/offline-brief', 'offline/offline-detailed', 'offline/offline-coder'];
    const started = await send(user, id, { content: 'Count my words', models });
    expect(started.replies.map((r) => r.model)).toEqual(models);
    expect(new Set(started.replies.map((r) => r.batchId))).toEqual(
      new Set([started.userMessage?.id]),
    );
    const events = await readStream(user, id, { after: started.after });
    expect(events.filter((e) => e.event === 'start')).toHaveLength(3);
    const done = events.filter((e) => e.event === 'done');
    expect(done.map((e) => e.data.status)).toEqual(['complete', 'complete', 'complete']);
    const saved = await settled(user, id);
    const texts = started.replies.map((r) => saved.messages.find((m) => m.id === r.id)?.content);
    expect(new Set(texts).size).toBe(3);
    for (const reply of started.replies) {
      expect(textOf(events, reply.id)).toBe(saved.messages.find((m) => m.id === reply.id)?.content);
    }
    const chosen = started.replies[2]?.id ?? '';
    const pick = await call(`/api/conversations/${id}/active`, {
      method: 'PUT',
      token: user.accessToken,
      json: { messageId: chosen },
    });
    expect(await json(pick)).toEqual({ activeLeafId: chosen });
    const next = await send(user, id, { content: 'And now?', model: 'offline/offline-brief' });
    expect(next.userMessage?.parentId).toBe(chosen);
    const followUp = await settled(user, id);
    expect(followUp.messages.find((m) => m.id === next.replies[0]?.id)?.content).toContain(
      'turn 2',
    );
  });

  it('stops a compare column running in its own runner object', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const models = ['offline/offline-detailed', 'offline/offline-coder'];
    const started = await send(user, id, { content: 'Plan a long trip', models });
    await readStream(user, id, { after: started.after, take: 6 });
    const detailed = started.replies[0]?.id ?? '';
    const stop = await call(`/api/conversations/${id}/stop`, {
      token: user.accessToken,
      json: { turnId: detailed },
    });
    expect((await json<{ stopped: string[] }>(stop)).stopped).toEqual([detailed]);
    const saved = await settled(user, id);
    const reply = saved.messages.find((m) => m.id === detailed);
    expect(reply?.status).toBe('stopped');
    expect(saved.messages.find((m) => m.id === started.replies[1]?.id)?.status).toBe('complete');
    const events = await readStream(user, id, { after: started.after });
    expect(textOf(events, detailed)).toBe(reply?.content);
  });

  it('edits a message and regenerates a reply as branches, and switches between them', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const first = await send(user, id, { content: 'Hello there', model: 'offline/offline-brief' });
    await settled(user, id);
    const firstUser = first.userMessage?.id ?? '';
    const firstReply = first.replies[0]?.id ?? '';

    const regen = await call(`/api/conversations/${id}/messages/${firstReply}/regenerate`, {
      token: user.accessToken,
      json: { model: 'offline/offline-coder' },
    });
    expect(regen.status).toBe(202);
    const regenerated = (await json<{ replies: { id: string; parentId: string }[] }>(regen))
      .replies[0];
    expect(regenerated?.parentId).toBe(firstUser);

    const edited = await send(user, id, {
      content: 'Hello again',
      editOf: firstUser,
      model: 'offline/offline-brief',
    });
    expect(edited.userMessage?.parentId).toBeNull();
    const saved = await settled(user, id);
    expect(saved.conversation.activeLeafId).toBe(edited.replies[0]?.id);
    expect(saved.messages.filter((m) => m.parentId === null)).toHaveLength(2);
    expect(saved.messages.filter((m) => m.parentId === firstUser)).toHaveLength(2);

    // Switching to the first user message lands on its newest leaf: the regenerated reply.
    const res = await call(`/api/conversations/${id}/active`, {
      method: 'PUT',
      token: user.accessToken,
      json: { messageId: firstUser },
    });
    expect(await json(res)).toEqual({ activeLeafId: regenerated?.id });
  });

  it('chats with a built-in agent: its instructions reach the model', async () => {
    const user = await registerUser();
    const id = await newConversation(user, { agentId: 'builtin:marketing' });
    const started = await send(user, id, {
      content: 'A slogan for a bakery',
      model: 'offline/offline-brief',
    });
    const saved = await settled(user, id);
    const reply = saved.messages.find((m) => m.id === started.replies[0]?.id);
    expect(reply?.content).toMatch(/Consigne suivie : « .+ »|Following: “.+”/);
  });
});

describe('chat: conversations', () => {
  it('lists newest first, searches messages, renames, pins and deletes', async () => {
    const user = await registerUser();
    const a = await newConversation(user, { title: 'Trip planning' });
    const b = await newConversation(user);
    await send(user, b, {
      content: 'Recipe with zucchini and basil',
      model: 'offline/offline-brief',
    });
    await settled(user, b);
    const list = await json<{ items: { id: string; snippet: string | null }[] }>(
      await call('/api/conversations', { token: user.accessToken }),
    );
    expect(list.items.map((c) => c.id)).toEqual([b, a]);

    const found = await json<{ items: { id: string; snippet: string | null }[] }>(
      await call('/api/conversations?q=zucchini', { token: user.accessToken }),
    );
    expect(found.items.map((c) => c.id)).toEqual([b]);
    expect(found.items[0]?.snippet).toContain('«zucchini»');
    const byTitle = await json<{ items: { id: string }[] }>(
      await call('/api/conversations?q=Trip', { token: user.accessToken }),
    );
    expect(byTitle.items.map((c) => c.id)).toEqual([a]);

    const patched = await call(`/api/conversations/${a}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { title: 'Voyage', pinned: true },
    });
    expect(await json(patched)).toMatchObject({ title: 'Voyage', pinned: true });
    const pinned = await json<{ items: { id: string }[] }>(
      await call('/api/conversations?pinned=true', { token: user.accessToken }),
    );
    expect(pinned.items.map((c) => c.id)).toEqual([a]);

    const page1 = await json<{ items: { id: string }[]; nextCursor: string | null }>(
      await call('/api/conversations?limit=1', { token: user.accessToken }),
    );
    expect(page1.items).toHaveLength(1);
    const page2 = await json<{ items: { id: string }[]; nextCursor: string | null }>(
      await call(`/api/conversations?limit=1&cursor=${page1.nextCursor}`, {
        token: user.accessToken,
      }),
    );
    expect(page2.items.map((c) => c.id)).not.toContain(page1.items[0]?.id);
    expect(page2.nextCursor).toBeNull();

    expect(
      (await call(`/api/conversations/${a}`, { method: 'DELETE', token: user.accessToken })).status,
    ).toBe(204);
    expect((await call(`/api/conversations/${a}`, { token: user.accessToken })).status).toBe(404);
    const after = await json<{ items: { id: string }[] }>(
      await call('/api/conversations', { token: user.accessToken }),
    );
    expect(after.items.map((c) => c.id)).toEqual([b]);
    expect((await detail(user, b)).messages).toHaveLength(2);
  });
});
