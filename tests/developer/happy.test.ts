import { describe, expect, it } from 'vitest';
import { call, json, registerUser, sql } from '../helpers/api';
import { png } from '../helpers/profile';
import { addOpenAiKey, createApiToken, fakeCalls, openAiClient, usageRows } from './helpers';

const SYSTEM = 'Answer like a ship captain.\nSecond line is ignored.';
const QUESTION = 'How do tides work near the harbour at night?';

describe('personal API tokens: happy paths', () => {
  it('creates a token shown once, lists it by prefix, and revokes it', async () => {
    const user = await registerUser();
    const res = await call('/api/tokens', {
      token: user.accessToken,
      json: { name: 'Laptop script', expiresInDays: 30 },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = await json<{
      id: string;
      token: string;
      prefix: string;
      expiresAt: string;
      expired: boolean;
      lastUsedAt: null;
    }>(res);
    expect(created.token).toMatch(/^wbx_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(created.expired).toBe(false);
    expect(created.lastUsedAt).toBeNull();
    const days = (Date.parse(created.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const list = await call('/api/tokens', { token: user.accessToken });
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).not.toContain(created.token);
    const body = JSON.parse(text) as { items: Array<Record<string, unknown>>; limit: number };
    expect(body.limit).toBe(20);
    expect(body.items).toEqual([
      {
        id: created.id,
        name: 'Laptop script',
        prefix: created.prefix,
        createdAt: expect.any(String),
        lastUsedAt: null,
        expiresAt: created.expiresAt,
        expired: false,
      },
    ]);

    const revoked = await call(`/api/tokens/${created.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(revoked.status).toBe(204);
    const after = await json<{ items: unknown[] }>(
      await call('/api/tokens', { token: user.accessToken }),
    );
    expect(after.items).toEqual([]);
    const db = sql();
    try {
      const audit = await db<{ action: string }[]>`
        select action from audit_log where user_id = ${user.id} and action like 'api_token.%'
        order by created_at, id`;
      expect(audit.map((row) => row.action)).toEqual(['api_token.created', 'api_token.revoked']);
    } finally {
      await db.end();
    }
  });

  it('lists expired tokens as expired, newest first', async () => {
    const user = await registerUser();
    const older = await createApiToken(user, { name: 'old' });
    const newer = await createApiToken(user, { name: 'new' });
    const db = sql();
    try {
      await db`update api_tokens set expires_at = now() - interval '1 day', created_at = now() - interval '2 days' where id = ${older.id}`;
    } finally {
      await db.end();
    }
    const list = await json<{ items: Array<{ id: string; expired: boolean }> }>(
      await call('/api/tokens', { token: user.accessToken }),
    );
    expect(list.items.map((item) => [item.id, item.expired])).toEqual([
      [newer.id, false],
      [older.id, true],
    ]);
  });
});

describe('OpenAI-compatible API through the official openai SDK', () => {
  it('lists and retrieves models', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'offline/offline-brief',
        'offline/offline-coder',
        'openai/gpt-4o-mini',
      ]),
    );
    expect(page.data.find((model) => model.id === 'offline/offline-brief')).toEqual({
      id: 'offline/offline-brief',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'offline',
    });
    const one = await client.models.retrieve('openai/gpt-4o-mini');
    expect(one).toMatchObject({ id: 'openai/gpt-4o-mini', object: 'model', owned_by: 'openai' });
    const byParts = await call('/v1/models/offline/offline-coder', { token });
    expect(await json(byParts)).toMatchObject({ id: 'offline/offline-coder', owned_by: 'offline' });
  });

  it('answers a non-streamed completion with usage, and records it', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const completion = await client.chat.completions.create({
      model: 'offline/offline-brief',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTION },
      ],
      temperature: 0.2,
      max_tokens: 200,
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('offline/offline-brief');
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.role).toBe('assistant');
    const content = choice?.message.content ?? '';
    expect(content).toMatch(/^\*Offline model/);
    expect(content).toContain('Following: “Answer like a ship captain.”');
    expect(content).toContain('You wrote 9 words (turn 1)');
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(10);
    expect(usage?.completion_tokens).toBeGreaterThan(10);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));

    expect(await usageRows(user.id)).toEqual([
      {
        user_id: user.id,
        source: 'api',
        reference: completion.id,
        provider: 'offline',
        model: 'offline/offline-brief',
        input_tokens: usage?.prompt_tokens,
        output_tokens: usage?.completion_tokens,
        estimated: true,
        cost_micros: '0',
      },
    ]);
  });

  it('streams the same reply chunk by chunk, ending with usage and [DONE]', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const messages = [
      { role: 'developer' as const, content: SYSTEM },
      { role: 'user' as const, content: QUESTION },
    ];
    const whole = await client.chat.completions.create({
      model: 'offline/offline-coder',
      messages,
    });
    const stream = await client.chat.completions.create({
      model: 'offline/offline-coder',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let pieces = 0;
    let finish: string | null = null;
    let usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null =
      null;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      expect(chunk.object).toBe('chat.completion.chunk');
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        pieces++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(ids.size).toBe(1);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(text).toContain('```ts');
    expect(pieces).toBeGreaterThan(10);
    expect(finish).toBe('stop');
    expect(usage).toEqual(whole.usage);

    const rows = await usageRows(user.id);
    expect(rows.map((row) => row.reference)).toEqual([whole.id, [...ids][0]]);
  });

  it('sends the raw SSE wire format: role first, usage chunk, then [DONE]', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const res = await call('/v1/chat/completions', {
      token,
      json: {
        model: 'offline/offline-brief',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Hi' }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((chunk: { usage: unknown }) => chunk.usage === null)).toBe(
      true,
    );
  });

  it('streams without a usage chunk when include_usage is not asked', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const res = await call('/v1/chat/completions', {
      token,
      json: {
        model: 'offline/offline-brief',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      },
    });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(chunks.every((chunk) => chunk.choices.length === 1 && !('usage' in chunk))).toBe(true);
    // Usage is still recorded for the owner even when the client did not ask to see it.
    expect((await usageRows(user.id)).map((row) => row.reference)).toEqual([chunks[0].id]);
  });

  it('accepts an image as a data URL for a vision model', async () => {
    const user = await registerUser();
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const dataUrl = `data:image/png;base64,${png(4, 4).toString('base64')}`;
    const completion = await client.chat.completions.create({
      model: 'offline/offline-brief',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: dataUrl } },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toContain('Images attached: 1.');
  });

  it('records when a token was last used', async () => {
    const user = await registerUser();
    const created = await createApiToken(user);
    await openAiClient(created.token).models.list();
    let lastUsedAt: string | null = null;
    for (let attempt = 0; attempt < 50 && !lastUsedAt; attempt++) {
      const list = await json<{ items: Array<{ id: string; lastUsedAt: string | null }> }>(
        await call('/api/tokens', { token: user.accessToken }),
      );
      lastUsedAt = list.items.find((item) => item.id === created.id)?.lastUsedAt ?? null;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lastUsedAt).not.toBeNull();
    expect(Math.abs(Date.parse(lastUsedAt ?? '') - Date.now())).toBeLessThan(60_000);
  });
});

describe('OpenAI-compatible API with a real provider (the OpenAI fake) and the user’s own key', () => {
  it('answers non-streamed and streamed through openai/gpt-4o-mini, billing the reported usage', async () => {
    const user = await registerUser();
    const apiKey = await addOpenAiKey(user);
    const { token } = await createApiToken(user);
    const client = openAiClient(token);
    const before = (await fakeCalls()).length;

    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hello from the SDK' },
      ],
      temperature: 0.3,
      max_completion_tokens: 50,
    });
    expect(completion.model).toBe('openai/gpt-4o-mini');
    expect(completion.choices[0]?.message.content).toBe(
      'Echo from openai gpt-4o-mini: Hello from the SDK',
    );
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream this back please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let streamUsage: typeof usage | null = null;
    let streamId = '';
    for await (const chunk of stream) {
      streamId = chunk.id;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) streamUsage = chunk.usage;
    }
    expect(text).toBe('Echo from openai gpt-4o-mini: Stream this back please');
    expect(streamUsage?.completion_tokens).toBeGreaterThan(0);

    // The calls reached the vendor with the user's own key, the vendor's model id and options.
    const calls = (await fakeCalls()).slice(before).filter((seen) => seen.chat);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      vendor: 'openai',
      keyLast4: apiKey.slice(-4),
      chat: {
        model: 'gpt-4o-mini',
        stream: true,
        systemText: 'Be terse.',
        temperature: 0.3,
        maxTokens: 50,
        lastUserText: 'Hello from the SDK',
      },
    });
    expect(calls[1]?.chat?.lastUserText).toBe('Stream this back please');

    const cost = (input: number, output: number) =>
      String(Math.ceil((input * 150_000 + output * 600_000) / 1_000_000));
    const rows = await usageRows(user.id);
    expect(rows).toEqual([
      expect.objectContaining({
        reference: completion.id,
        source: 'api',
        provider: 'openai',
        model: 'openai/gpt-4o-mini',
        input_tokens: usage?.prompt_tokens,
        output_tokens: usage?.completion_tokens,
        estimated: false,
        cost_micros: cost(usage?.prompt_tokens ?? 0, usage?.completion_tokens ?? 0),
      }),
      expect.objectContaining({
        reference: streamId,
        input_tokens: streamUsage?.prompt_tokens,
        output_tokens: streamUsage?.completion_tokens,
        estimated: false,
        cost_micros: cost(streamUsage?.prompt_tokens ?? 0, streamUsage?.completion_tokens ?? 0),
      }),
    ]);
    const report = await json<{ totals: { costMicros: number; calls: number } }>(
      await call('/api/usage?days=1', { token: user.accessToken }),
    );
    expect(report.totals.calls).toBe(2);
    expect(report.totals.costMicros).toBe(
      Number(rows[0]?.cost_micros) + Number(rows[1]?.cost_micros),
    );
  });
});
