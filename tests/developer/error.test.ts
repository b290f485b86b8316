import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser, sql } from '../helpers/api';
import { makeSignInStale, png } from '../helpers/profile';
import {
  addOpenAiKey,
  createApiToken,
  expectOpenAiProblem,
  openAiClient,
  usageRows,
  v1Chat,
} from './helpers';

const HELLO = [{ role: 'user', content: 'Hello' }];

async function setToken(id: string, change: 'expire' | 'revoke'): Promise<void> {
  const db = sql();
  try {
    if (change === 'expire') {
      await db`update api_tokens set expires_at = now() - interval '1 minute' where id = ${id}`;
    } else {
      await db`update api_tokens set revoked_at = now() where id = ${id}`;
    }
  } finally {
    await db.end();
  }
}

describe('personal API tokens: errors', () => {
  it('refuses a missing sign-in, bad JSON and invalid fields', async () => {
    const user = await registerUser();
    await expectProblem(await call('/api/tokens'), 401, 'UNAUTHORIZED');
    await expectProblem(await call('/api/tokens', { json: { name: 'x' } }), 401, 'UNAUTHORIZED');
    await expectProblem(
      await call('/api/tokens', {
        token: user.accessToken,
        body: '{"name":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    const cases: Array<[unknown, string]> = [
      [{}, 'body.name'],
      [{ name: '   ' }, 'body.name'],
      [{ name: 'x'.repeat(61) }, 'body.name'],
      [{ name: 'ok', expiresInDays: 0 }, 'body.expiresInDays'],
      [{ name: 'ok', expiresInDays: 366 }, 'body.expiresInDays'],
      [{ name: 'ok', expiresInDays: '30' }, 'body.expiresInDays'],
      [{ name: 'ok', scope: 'admin' }, 'body'],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(
        await call('/api/tokens', { token: user.accessToken, json: body }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.map((issue) => issue.path) ?? [], JSON.stringify(body)).toContain(
        path,
      );
    }
    const list = await json<{ items: unknown[] }>(
      await call('/api/tokens', { token: user.accessToken }),
    );
    expect(list.items).toEqual([]);
  });

  it('needs a recent sign-in to create a token', async () => {
    const user = await registerUser();
    await makeSignInStale(user);
    await expectProblem(
      await call('/api/tokens', { token: user.accessToken, json: { name: 'late' } }),
      403,
      'REAUTH_REQUIRED',
    );
  });

  it('holds at most 20 active tokens; revoking one makes room', async () => {
    const user = await registerUser();
    const made = [];
    for (let i = 0; i < 20; i++) made.push(await createApiToken(user, { name: `t${i}` }));
    const refused = await expectProblem(
      await call('/api/tokens', { token: user.accessToken, json: { name: 'one too many' } }),
      409,
      'CONFLICT',
    );
    expect(refused.detail).toMatch(/20 active API tokens/);
    // An expired token no longer counts against the limit.
    await setToken(made[0]?.id ?? '', 'expire');
    await createApiToken(user, { name: 'replacement' });
    await expectProblem(
      await call('/api/tokens', { token: user.accessToken, json: { name: 'again too many' } }),
      409,
      'CONFLICT',
    );
    const revoked = await call(`/api/tokens/${made[1]?.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(revoked.status).toBe(204);
    await createApiToken(user, { name: 'after revoke' });
  });

  it('answers 404 for someone else’s token, an unknown or already revoked one, 400 for a bad id', async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const created = await createApiToken(owner);
    await expectProblem(
      await call(`/api/tokens/${created.id}`, { method: 'DELETE', token: other.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/tokens/4a8c3f70-9d5e-4b1a-8c2e-7f6a5b4c3d21', {
        method: 'DELETE',
        token: owner.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/tokens/not-a-uuid', { method: 'DELETE', token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(`/api/tokens/${created.id}`, { method: 'DELETE' }),
      401,
      'UNAUTHORIZED',
    );
    expect(
      (await call(`/api/tokens/${created.id}`, { method: 'DELETE', token: owner.accessToken }))
        .status,
    ).toBe(204);
    await expectProblem(
      await call(`/api/tokens/${created.id}`, { method: 'DELETE', token: owner.accessToken }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('OpenAI-compatible API: errors', () => {
  it('answers 401 with an OpenAI-style error for missing, malformed and unknown tokens', async () => {
    const missing = await expectOpenAiProblem(await call('/v1/models'), 401, 'UNAUTHORIZED', {
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
    expect(missing.detail).toMatch(/Bearer wbx_/);
    for (const bad of ['sk-not-ours', 'wbx_short', `wbx_${'A'.repeat(43)}`]) {
      const res = await call('/v1/models', { headers: { Authorization: `Bearer ${bad}` } });
      await expectOpenAiProblem(res, 401, 'UNAUTHORIZED', {
        type: 'authentication_error',
        code: 'invalid_api_key',
      });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('refuses a revoked token, an expired one and one of a disabled account', async () => {
    const user = await registerUser();
    const revoked = await createApiToken(user);
    const expired = await createApiToken(user);
    const client = openAiClient(revoked.token);
    expect((await client.models.list()).data.length).toBeGreaterThan(0);

    const res = await call(`/api/tokens/${revoked.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(res.status).toBe(204);
    const error = await client.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).message).toBe(
      '401 This API token was revoked.',
    );

    await setToken(expired.id, 'expire');
    const body = await expectOpenAiProblem(
      await call('/v1/models', { token: expired.token }),
      401,
      'UNAUTHORIZED',
      { type: 'authentication_error', code: 'invalid_api_key' },
    );
    expect(body.detail).toBe('This API token has expired.');

    const disabledUser = await registerUser();
    const live = await createApiToken(disabledUser);
    const db = sql();
    try {
      await db`update users set status = 'disabled', disabled_at = now() where id = ${disabledUser.id}`;
    } finally {
      await db.end();
    }
    const disabled = await expectOpenAiProblem(
      await call('/v1/models', { token: live.token }),
      401,
      'UNAUTHORIZED',
      { type: 'authentication_error', code: 'invalid_api_key' },
    );
    expect(disabled.detail).toMatch(/disabled/);
  });

  it('answers 422 for an unknown model, through the SDK too', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-9-imaginary', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(422);
    expect(apiError.code).toBe('model_not_found');
    expect(apiError.message).toMatch(/^422 Model "openai\/gpt-9-imaginary" is not available/);
    for (const model of ['no-slash', 'offline/', '/offline-brief', 'acme/unknown-model']) {
      await expectOpenAiProblem(
        await v1Chat(token, { model, messages: HELLO }),
        422,
        'MODEL_UNAVAILABLE',
        {
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      );
    }
    await expectOpenAiProblem(
      await call('/v1/models/openai%2Fgpt-9-imaginary', { token }),
      404,
      'NOT_FOUND',
      { type: 'not_found_error' },
    );
  });

  it('answers 400 for bad JSON, wrong types and unsupported content', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    await expectOpenAiProblem(
      await v1Chat(token, '{"model": "offline/offline-brief", "messages": [', {
        'Content-Type': 'application/json',
      }),
      400,
      'INVALID_JSON',
      { type: 'invalid_request_error', code: 'invalid_json' },
    );
    await expectOpenAiProblem(
      await v1Chat(token, JSON.stringify({ model: 'offline/offline-brief', messages: HELLO }), {
        'Content-Type': 'text/plain',
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      { type: 'invalid_request_error' },
    );
    const invalid: Array<[unknown, string]> = [
      [{ messages: HELLO }, 'body.model'],
      [{ model: 'offline/offline-brief' }, 'body.messages'],
      [{ model: 'offline/offline-brief', messages: [] }, 'body.messages'],
      [{ model: 'offline/offline-brief', messages: 'Hello' }, 'body.messages'],
      [
        { model: 'offline/offline-brief', messages: [{ role: 'robot', content: 'x' }] },
        'body.messages.0.role',
      ],
      [{ model: 'offline/offline-brief', messages: HELLO, temperature: 'hot' }, 'body.temperature'],
      [{ model: 'offline/offline-brief', messages: HELLO, temperature: 3 }, 'body.temperature'],
      [{ model: 'offline/offline-brief', messages: HELLO, max_tokens: 0 }, 'body.max_tokens'],
      [{ model: 'offline/offline-brief', messages: HELLO, stream: 'yes' }, 'body.stream'],
      [{ model: 'offline/offline-brief', messages: HELLO, n: 2 }, 'body.n'],
      [
        {
          model: 'offline/offline-brief',
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
            },
          ],
        },
        'body.messages.0.content',
      ],
    ];
    for (const [body, path] of invalid) {
      const problem = await expectOpenAiProblem(
        await v1Chat(token, body),
        400,
        'VALIDATION_FAILED',
        { type: 'invalid_request_error' },
      );
      expect(problem.detail.startsWith(path), `${JSON.stringify(body)} → ${problem.detail}`).toBe(
        true,
      );
    }
    const image = `data:image/png;base64,${png(2, 2).toString('base64')}`;
    const noVision = await expectOpenAiProblem(
      await v1Chat(token, {
        model: 'offline/offline-coder',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: image } }] }],
      }),
      400,
      'BAD_REQUEST',
      { type: 'invalid_request_error' },
    );
    expect(noVision.detail).toMatch(/does not accept images/);
  });

  it('answers 424 when neither the caller nor the platform has a key for the provider', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const error = await openAiClient(token)
      .chat.completions.create({
        model: 'anthropic/claude-haiku-4-5',
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(424);
    expect(apiError.code).toBe('provider_not_configured');
    expect(apiError.message).toMatch(/anthropic is not configured/);
    const stream = await v1Chat(token, {
      model: 'anthropic/claude-haiku-4-5',
      stream: true,
      messages: HELLO,
    });
    await expectOpenAiProblem(stream, 424, 'PROVIDER_NOT_CONFIGURED', {
      type: 'invalid_request_error',
    });
  });

  it('refuses a body over 1 MiB with 413, and unknown /v1 paths with 404', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const big = 'x'.repeat(1024 * 1024 + 10);
    await expectOpenAiProblem(
      await v1Chat(token, {
        model: 'offline/offline-brief',
        messages: [{ role: 'user', content: big }],
      }),
      413,
      'PAYLOAD_TOO_LARGE',
      { type: 'invalid_request_error' },
    );
    await expectOpenAiProblem(
      await call('/v1/embeddings', { token, json: { model: 'x', input: 'y' } }),
      404,
      'NOT_FOUND',
      { type: 'not_found_error' },
    );
  });
});

describe('OpenAI-compatible API: provider failures (the OpenAI fake)', () => {
  async function setup() {
    const user = await registerUser();
    await addOpenAiKey(user);
    const { token } = await createApiToken(user);
    return { user, token };
  }
  const ask = (content: string, stream = false) => ({
    model: 'openai/gpt-4o-mini',
    stream,
    messages: [{ role: 'user', content }],
  });

  /** The SSE events of a streamed answer, parsed. */
  async function events(res: Response): Promise<Array<Record<string, unknown> | '[DONE]'>> {
    expect(res.status).toBe(200);
    const text = await res.text();
    return text
      .split('\n\n')
      .filter(Boolean)
      .map((event) => {
        const data = event.replace(/^data: /, '');
        return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>);
      });
  }

  it('answers 429 with Retry-After when the provider rate-limits, before any byte', async () => {
    const { token } = await setup();
    for (const stream of [false, true]) {
      const res = await v1Chat(token, ask('Busy? [[fail:429:7]]', stream));
      expect(res.headers.get('retry-after')).toBe('7');
      await expectOpenAiProblem(res, 429, 'PROVIDER_RATE_LIMITED', { type: 'rate_limit_error' });
    }
  });

  it('answers 502 for a provider failure and for a refused key, 504 for no answer', async () => {
    const { user, token } = await setup();
    await expectOpenAiProblem(
      await v1Chat(token, ask('Broken [[fail:500]]')),
      502,
      'PROVIDER_ERROR',
      { type: 'server_error' },
    );
    await expectOpenAiProblem(
      await v1Chat(token, ask('Never [[hang]]', true)),
      504,
      'PROVIDER_TIMEOUT',
      { type: 'server_error' },
    );
    const replaced = await call('/api/keys/openai', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey: `sk-wrong-${'a'.repeat(40)}` },
    });
    expect(replaced.status).toBe(200);
    const refused = await expectOpenAiProblem(
      await v1Chat(token, ask('Hello')),
      502,
      'PROVIDER_ERROR',
      { type: 'server_error' },
    );
    expect(refused.detail).toMatch(/refused the key/);
    expect(refused.detail).not.toContain('sk-wrong');
    // Nothing was produced, so nothing was billed.
    expect(await usageRows(user.id)).toEqual([]);
  });

  it('ends a stream that fails part-way with an SSE error event, and bills what was sent', async () => {
    const { user, token } = await setup();
    const stalled = await events(await v1Chat(token, ask('Start then stall [[stall]]', true)));
    expect(stalled).not.toContain('[DONE]');
    const first = stalled[1] as { choices: Array<{ delta: { content: string } }> };
    expect(first.choices[0]?.delta.content).toBe('Echo ');
    expect(stalled.at(-1)).toEqual({
      error: {
        message: 'openai did not answer in time.',
        type: 'server_error',
        code: 'provider_timeout',
        param: null,
      },
    });
    const cut = await events(await v1Chat(token, ask('Cut me off [[cut]]', true)));
    expect(cut).not.toContain('[DONE]');
    expect(cut.at(-1)).toMatchObject({ error: { type: 'server_error', code: 'provider_error' } });

    const rows = await usageRows(user.id);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ provider: 'openai', estimated: true });
      expect(row.output_tokens).toBeGreaterThan(0);
    }
  });

  it('surfaces a mid-stream failure to the openai SDK as an APIError with the message', async () => {
    const { token } = await setup();
    const stream = await openAiClient(token).chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Cut [[cut]]' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/openai failed/);
  });
});
