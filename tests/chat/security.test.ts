import { describe, expect, it } from 'vitest';
import { call, expectProblem, registerUser } from '../helpers/api';
import { detail, newConversation, send, settled } from '../helpers/chat';

const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

describe('chat: someone else’s conversation is a 404 everywhere', () => {
  it('refuses every route on another user’s conversation, message and attachment', async () => {
    const owner = await registerUser();
    const intruder = await registerUser();
    const id = await newConversation(owner, { title: 'Private' });
    const started = await send(owner, id, {
      content: 'secret plans',
      model: 'offline/offline-brief',
    });
    await settled(owner, id);
    const upload = await call('/api/chat/attachments?name=a.png', {
      token: owner.accessToken,
      body: PNG,
      headers: { 'Content-Type': 'image/png' },
    });
    expect(upload.status).toBe(201);
    const attachment = (await upload.json()) as { id: string };
    const reply = started.replies[0]?.id ?? '';
    const userMessage = started.userMessage?.id ?? '';
    const token = intruder.accessToken;
    const attempts: [string, Parameters<typeof call>[1]][] = [
      [`/api/conversations/${id}`, { token }],
      [`/api/conversations/${id}`, { token, method: 'PATCH', json: { title: 'Mine' } }],
      [`/api/conversations/${id}`, { token, method: 'DELETE' }],
      [
        `/api/conversations/${id}/messages`,
        { token, json: { content: 'hi', model: 'offline/offline-brief' } },
      ],
      [`/api/conversations/${id}/messages/${reply}/regenerate`, { token, json: {} }],
      [`/api/conversations/${id}/active`, { token, method: 'PUT', json: { messageId: reply } }],
      [`/api/conversations/${id}/stop`, { token, json: {} }],
      [`/api/conversations/${id}/stream?after=0`, { token }],
      [`/api/conversations/${id}/export?format=json`, { token }],
      [`/api/chat/attachments/${attachment.id}`, { token }],
    ];
    for (const [path, options] of attempts) {
      await expectProblem(await call(path, options), 404, 'NOT_FOUND');
    }
    // Their own conversation cannot borrow the owner's message or attachment either.
    const mine = await newConversation(intruder);
    await expectProblem(
      await call(`/api/conversations/${mine}/messages`, {
        token,
        json: { content: 'x', editOf: userMessage, model: 'offline/offline-brief' },
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/conversations/${mine}/messages`, {
        token,
        json: { content: 'x', attachmentIds: [attachment.id], model: 'offline/offline-brief' },
      }),
      404,
      'NOT_FOUND',
    );
    const list = (await (await call('/api/conversations?q=secret', { token })).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(0);
    const still = await detail(owner, id);
    expect(still.conversation.title).toBe('Private');
    expect(still.messages).toHaveLength(2);
  });

  it('needs a signed-in caller on every chat route', async () => {
    const paths: [string, string][] = [
      ['GET', '/api/conversations'],
      ['POST', '/api/conversations'],
      ['GET', '/api/conversations/00000000-0000-4000-8000-000000000000/stream'],
      ['POST', '/api/conversations/00000000-0000-4000-8000-000000000000/messages'],
      ['POST', '/api/chat/attachments'],
      ['POST', '/api/conversations/import'],
    ];
    for (const [method, path] of paths) {
      await expectProblem(
        await call(path, { method, json: method === 'GET' ? undefined : {} }),
        401,
        'UNAUTHORIZED',
      );
    }
  });
});
