import { describe, expect, it } from 'vitest';
import { call, expectProblem, registerUser } from '../helpers/api';
import { detail, newConversation } from '../helpers/chat';

describe('chat: bad input', () => {
  it('refuses malformed sends with problem+json and writes nothing', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const path = `/api/conversations/${id}/messages`;
    const token = user.accessToken;
    await expectProblem(
      await call(path, {
        token,
        body: '{"content": ',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await call(path, { token, json: { content: 42 } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(path, { token, json: { content: '   ' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(path, { token, json: { content: 'x', model: 'a/b', models: ['a/b', 'c/d'] } }),
      400,
      'VALIDATION_FAILED',
    );
    const thirteen = Array.from({ length: 13 }, (_, i) => `offline/m${i}`);
    await expectProblem(
      await call(path, { token, json: { content: 'x', models: thirteen } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(path, {
        token,
        json: { content: 'x', models: ['offline/offline-brief', 'offline/offline-brief'] },
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(path, { token, json: { content: 'x', extra: true } }),
      400,
      'VALIDATION_FAILED',
    );
    const unknown = await expectProblem(
      await call(path, { token, json: { content: 'x', model: 'openai/gpt-nonexistent' } }),
      422,
      'MODEL_UNAVAILABLE',
    );
    expect(unknown.detail).toContain('openai/gpt-nonexistent');
    await expectProblem(
      await call(path, { token, json: { content: 'x'.repeat(1_100_000) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await expectProblem(
      await call(path, {
        token,
        body: 'content=x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect((await detail(user, id)).messages).toHaveLength(0);
  });

  it('refuses bad ids, cursors and branch targets', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    await expectProblem(
      await call('/api/conversations/not-a-uuid', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/conversations?cursor=garbage', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/conversations?limit=1000', { token }),
      400,
      'VALIDATION_FAILED',
    );
    const id = await newConversation(user);
    await expectProblem(
      await call(`/api/conversations/${id}/active`, {
        method: 'PUT',
        token,
        json: { messageId: '00000000-0000-4000-8000-000000000000' },
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/conversations/${id}`, { method: 'PATCH', token, json: {} }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/conversations', { token, json: { agentId: 'builtin:NOPE!' } }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
