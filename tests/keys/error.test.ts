import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser, sql } from '../helpers/api';
import { fakeRequests, PROVIDERS, providerKey } from '../helpers/profile';

describe('own AI keys: errors', () => {
  it('refuses malformed bodies, unknown providers and keys of the wrong shape', async () => {
    const user = await registerUser();
    const put = (path: string, init: { json?: unknown; body?: string; type?: string }) =>
      call(path, {
        method: 'PUT',
        token: user.accessToken,
        json: init.json,
        body: init.body,
        headers: init.type ? { 'Content-Type': init.type } : undefined,
      });
    await expectProblem(
      await put('/api/keys/openai', { body: '{"apiKey":', type: 'application/json' }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await put('/api/keys/openai', { body: 'sk-x', type: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(
      await put('/api/keys/cohere', { json: { apiKey: providerKey('openai', 'valid') } }),
      400,
      'VALIDATION_FAILED',
    );
    const cases: Array<[string, unknown, RegExp]> = [
      ['openai', {}, /apiKey/],
      ['openai', { apiKey: 42 }, /apiKey/],
      ['openai', { apiKey: providerKey('openai', 'valid'), owner: 'x' }, /owner/],
      ['openai', { apiKey: `sk-${'a'.repeat(300)}` }, /300/],
      ['openai', { apiKey: 'sk-short' }, /look like a key for openai/],
      ['openai', { apiKey: providerKey('anthropic', 'valid') }, /Anthropic key/],
      ['anthropic', { apiKey: providerKey('openai', 'valid') }, /sk-ant-/],
      ['google', { apiKey: providerKey('groq', 'valid') }, /AIza/],
      ['mistral', { apiKey: 'has spaces and is 32 chars long!' }, /32 letters/],
      ['groq', { apiKey: providerKey('openai', 'valid') }, /gsk_/],
      ['openai', { apiKey: providerKey('openai', 'valid'), label: '' }, /label/],
    ];
    for (const [provider, body, detail] of cases) {
      const problem = await expectProblem(
        await put(`/api/keys/${provider}`, { json: body }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.detail, JSON.stringify(body)).toMatch(detail);
    }
    const list = await json<{ items: unknown[] }>(
      await call('/api/keys', { token: user.accessToken }),
    );
    expect(list.items).toEqual([]);
  });

  it('answers 404 for a provider with no key, on delete and on test', async () => {
    const user = await registerUser();
    await expectProblem(
      await call('/api/keys/groq', { method: 'DELETE', token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/keys/groq/test', { method: 'POST', token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
  });

  it.each(PROVIDERS)('reports a key that %s refuses, and stores the result', async (provider) => {
    const user = await registerUser();
    const apiKey = providerKey(provider, 'wrong');
    expect(
      (
        await call(`/api/keys/${provider}`, {
          method: 'PUT',
          token: user.accessToken,
          json: { apiKey },
        })
      ).status,
    ).toBe(201);
    const res = await call(`/api/keys/${provider}/test`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      ok: false,
      provider,
      detail: `key rejected by ${provider}`,
    });
    const db = sql();
    const [row] =
      await db`select last_test_ok, last_test_error from ai_keys where user_id = ${user.id}`;
    await db.end();
    expect(row).toEqual({ last_test_ok: false, last_test_error: `key rejected by ${provider}` });
  });

  it.each(['openai', 'google'] as const)(
    'gives up when %s never answers, after one attempt',
    async (provider) => {
      const user = await registerUser();
      const apiKey = providerKey(provider, 'slow');
      await call(`/api/keys/${provider}`, {
        method: 'PUT',
        token: user.accessToken,
        json: { apiKey },
      });
      const before = (await fakeRequests()).length;
      const res = await call(`/api/keys/${provider}/test`, {
        method: 'POST',
        token: user.accessToken,
      });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ ok: false, provider, detail: 'timed out' });
      // No retry: the fake saw exactly one call.
      await new Promise((r) => setTimeout(r, 300));
      expect((await fakeRequests()).slice(before)).toHaveLength(1);
    },
  );
});
