import { describe, expect, it } from 'vitest';
import { addOpenAiKey, fakeCalls } from '../developer/helpers';
import { call, expectProblem, registerUser, sql, type TestUser } from '../helpers/api';
import { detail, newConversation, readStream, send, settled, textOf } from '../helpers/chat';
import { providerKey } from '../helpers/profile';

type Vendor = 'openai' | 'anthropic' | 'google' | 'mistral' | 'groq';

const MODELS: Record<Vendor, string> = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-haiku-4-5',
  google: 'google/gemini-2.5-flash',
  mistral: 'mistral/mistral-small-latest',
  groq: 'groq/llama-3.1-8b-instant',
};

async function addKey(user: TestUser, vendor: Vendor, kind: 'valid' | 'wrong' = 'valid') {
  const res = await call(`/api/keys/${vendor}`, {
    method: 'PUT',
    token: user.accessToken,
    json: { apiKey: providerKey(vendor, kind) },
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

async function replyTo(user: TestUser, model: string, content: string) {
  const id = await newConversation(user);
  const started = await send(user, id, { content, model });
  const events = await readStream(user, id, { after: started.after });
  const saved = await settled(user, id);
  const turnId = started.replies[0]?.id ?? '';
  const reply = saved.messages.find((m) => m.id === turnId);
  if (!reply) throw new Error('reply missing');
  return { id, events, reply, streamed: textOf(events, turnId) };
}

describe('chat through each vendor SDK (local fakes)', () => {
  for (const vendor of Object.keys(MODELS) as Vendor[]) {
    it(`${vendor}: streams the vendor's reply and bills its reported usage`, async () => {
      const user = await registerUser();
      await addKey(user, vendor);
      const { reply, streamed } = await replyTo(user, MODELS[vendor], 'Bonjour from the tests');
      expect(reply.status).toBe('complete');
      expect(reply.offline).toBe(false);
      expect(reply.content).toBe(streamed);
      expect(reply.content).toContain('Bonjour from the tests');
      expect(reply.tokensEstimated).toBe(false);
      expect(reply.inputTokens).toBeGreaterThan(0);
      expect(reply.outputTokens).toBeGreaterThan(0);
      const db = sql();
      try {
        const [model] = await db`SELECT input_price_micros, output_price_micros FROM ai_models
          WHERE provider = ${vendor} AND model_id = ${MODELS[vendor].split('/')[1] ?? ''}`;
        const expected = Math.ceil(
          ((reply.inputTokens ?? 0) * Number(model?.input_price_micros) +
            (reply.outputTokens ?? 0) * Number(model?.output_price_micros)) /
            1_000_000,
        );
        expect(reply.costMicros).toBe(expected);
        const usage =
          await db`SELECT estimated, cost_micros FROM usage_events WHERE reference = ${reply.id}`;
        expect(usage).toHaveLength(1);
        expect(usage[0]).toMatchObject({ estimated: false });
        expect(Number(usage[0]?.cost_micros)).toBe(expected);
      } finally {
        await db.end();
      }
    });
  }

  it('a replaced or deleted key takes effect on the next send (the cached key rows follow the keys version)', async () => {
    const user = await registerUser();
    const lastKeyUsed = async (content: string) => {
      await replyTo(user, MODELS.openai, content);
      const seen = (await fakeCalls()).filter((c) => c.chat?.lastUserText === content);
      return seen.at(-1)?.keyLast4;
    };
    const first = await addOpenAiKey(user);
    expect(await lastKeyUsed(`first key ${first.slice(-8)}`)).toBe(first.slice(-4));
    expect(await lastKeyUsed(`first key again ${first.slice(-8)}`)).toBe(first.slice(-4));
    const second = providerKey('openai', 'valid');
    const replaced = await call('/api/keys/openai', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey: second },
    });
    expect(replaced.status, await replaced.clone().text()).toBe(200);
    expect(await lastKeyUsed(`second key ${second.slice(-8)}`)).toBe(second.slice(-4));
    const removed = await call('/api/keys/openai', { method: 'DELETE', token: user.accessToken });
    expect(removed.status, await removed.clone().text()).toBe(204);
    const conversationId = await newConversation(user);
    await expectProblem(
      await call(`/api/conversations/${conversationId}/messages`, {
        token: user.accessToken,
        json: { content: 'No key now', model: MODELS.openai },
      }),
      424,
      'PROVIDER_NOT_CONFIGURED',
    );
  });

  it('a 5xx from the vendor fails the reply with a clear error and bills nothing', async () => {
    const user = await registerUser();
    await addKey(user, 'openai');
    const { reply, events } = await replyTo(user, MODELS.openai, 'Hi [[fail:500]]');
    expect(reply).toMatchObject({
      status: 'failed',
      content: '',
      error: { code: 'PROVIDER_ERROR' },
    });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'failed' } });
    const db = sql();
    try {
      expect(await db`SELECT 1 FROM usage_events WHERE reference = ${reply.id}`).toHaveLength(0);
    } finally {
      await db.end();
    }
  });

  it('a refused key fails the reply and says to check the key', async () => {
    const user = await registerUser();
    await addKey(user, 'anthropic', 'wrong');
    const { reply } = await replyTo(user, MODELS.anthropic, 'Hi');
    expect(reply.status).toBe('failed');
    expect(reply.error?.code).toBe('PROVIDER_AUTH');
    expect(reply.error?.message).toMatch(/key/i);
  });

  it('a cut stream keeps the partial text and is marked failed', async () => {
    const user = await registerUser();
    await addKey(user, 'google');
    const { reply, streamed } = await replyTo(user, MODELS.google, 'Tell me [[cut]]');
    expect(reply.status).toBe('failed');
    expect(reply.error?.code).toBe('STREAM_CUT');
    expect(reply.content.length).toBeGreaterThan(0);
    expect(reply.content).toBe(streamed);
  });

  it('a vendor that stops sending times out instead of hanging', async () => {
    const user = await registerUser();
    await addKey(user, 'mistral');
    const started = Date.now();
    const { reply } = await replyTo(user, MODELS.mistral, 'Wait [[stall]]');
    expect(reply.status).toBe('failed');
    expect(reply.error?.code).toBe('PROVIDER_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('compares vendors and the offline model in one turn', async () => {
    const user = await registerUser();
    await addKey(user, 'openai');
    await addKey(user, 'anthropic');
    const id = await newConversation(user);
    const models = [MODELS.openai, MODELS.anthropic, 'offline/offline-brief'];
    const started = await send(user, id, { content: 'Which is best?', models });
    const events = await readStream(user, id, { after: started.after });
    const saved = await settled(user, id);
    for (const reply of started.replies) {
      const stored = saved.messages.find((m) => m.id === reply.id);
      expect(stored?.status).toBe('complete');
      expect(textOf(events, reply.id)).toBe(stored?.content);
    }
    expect(saved.messages.filter((m) => m.offline)).toHaveLength(1);
  });

  it('a provider with no key is "not configured" (424) and nothing is written', async () => {
    const user = await registerUser();
    const id = await newConversation(user);
    const res = await call(`/api/conversations/${id}/messages`, {
      token: user.accessToken,
      json: { content: 'Hi', model: MODELS.anthropic },
    });
    const problem = await expectProblem(res, 424, 'PROVIDER_NOT_CONFIGURED');
    expect(problem.detail).toMatch(/anthropic is not configured/);
    expect((await detail(user, id)).messages).toHaveLength(0);
  });

  it('over the daily quota: 429 naming the limit and its reset, offline still answers', async () => {
    const user = await registerUser();
    await addKey(user, 'openai');
    const db = sql();
    try {
      await db`INSERT INTO usage_events (user_id, source, reference, provider, model, input_tokens, output_tokens, cost_micros)
        VALUES (${user.id}, 'api', ${`test-${user.id}`}, 'openai', 'openai/gpt-4o-mini', 150000, 50000, 1000)`;
    } finally {
      await db.end();
    }
    const id = await newConversation(user);
    const res = await call(`/api/conversations/${id}/messages`, {
      token: user.accessToken,
      json: { content: 'Hi', model: MODELS.openai },
    });
    const problem = await expectProblem(res, 429, 'QUOTA_EXCEEDED');
    expect(problem.detail).toMatch(/daily token quota of the free plan/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await detail(user, id)).messages).toHaveLength(0);
    await send(user, id, { content: 'Hi', model: 'offline/offline-brief' });
  });
});
