import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatMessage,
  type ChatRequest,
  type ProviderConfig,
  ProviderError,
  type RemoteProvider,
  type StreamChunk,
  streamChat,
} from '../../functions/models/providers';
import { OFFLINE_LABEL, streamOffline } from '../../functions/models/providers/offline';
import { streamOpenAI } from '../../functions/models/providers/openai';
import {
  type AiFakes,
  GOOD_KEY_PREFIX,
  type SeenRequest,
  startAiFakes,
  UNKNOWN_MODEL,
} from '../fakes/ai-providers';

let fakes: AiFakes;

beforeAll(async () => {
  fakes = await startAiFakes();
});

afterAll(async () => {
  await fakes.close();
});

interface Vendor {
  provider: RemoteProvider;
  model: string;
  baseUrlVar: string;
  path: string;
  systemField: string;
}

const VENDORS: Vendor[] = [
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrlVar: 'OPENAI_BASE_URL',
    path: '/openai/v1/chat/completions',
    systemField: 'role:system',
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    baseUrlVar: 'ANTHROPIC_BASE_URL',
    path: '/anthropic/v1/messages',
    systemField: 'system',
  },
  {
    provider: 'google',
    model: 'gemini-2.5-flash',
    baseUrlVar: 'GOOGLE_AI_BASE_URL',
    path: '/google/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    systemField: 'systemInstruction',
  },
  {
    provider: 'mistral',
    model: 'mistral-small-latest',
    baseUrlVar: 'MISTRAL_BASE_URL',
    path: '/mistral/v1/chat/completions',
    systemField: 'role:system',
  },
  {
    provider: 'groq',
    model: 'llama-3.1-8b-instant',
    baseUrlVar: 'GROQ_BASE_URL',
    path: '/groq/openai/v1/chat/completions',
    systemField: 'role:system',
  },
];

/** A 1×1 transparent PNG. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

function goodKey(provider: RemoteProvider): string {
  return `${GOOD_KEY_PREFIX[provider]}${randomBytes(16).toString('hex')}`;
}

function configFor(
  vendor: Vendor,
  overrides: Partial<ProviderConfig> = {},
): ProviderConfig & { apiKey: string } {
  return {
    apiKey: goodKey(vendor.provider),
    baseUrl: fakes.vars[vendor.baseUrlVar],
    idleTimeoutMs: 5_000,
    ...overrides,
  } as ProviderConfig & { apiKey: string };
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'placeholder',
    messages: [{ role: 'user', content: text }],
    signal: new AbortController().signal,
    ...extra,
  };
}

interface Outcome {
  chunks: StreamChunk[];
  text: string;
  error?: ProviderError;
  ms: number;
}

async function run(
  vendor: Vendor,
  request: ChatRequest,
  config: ProviderConfig,
  onChunk?: (chunk: StreamChunk) => void,
): Promise<Outcome> {
  const chunks: StreamChunk[] = [];
  const started = Date.now();
  let error: ProviderError | undefined;
  try {
    for await (const chunk of streamChat(vendor.provider, request, config)) {
      chunks.push(chunk);
      onChunk?.(chunk);
    }
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    error = err;
  }
  const text = chunks.map((chunk) => (chunk.type === 'text' ? chunk.text : '')).join('');
  return { chunks, text, error, ms: Date.now() - started };
}

async function seenRequests(): Promise<SeenRequest[]> {
  const res = await fetch(`${fakes.url}/__requests`);
  return ((await res.json()) as { requests: SeenRequest[] }).requests;
}

/** Runs `action` and returns the calls the fakes saw meanwhile. */
async function callsDuring(action: () => Promise<unknown>): Promise<SeenRequest[]> {
  const before = (await seenRequests()).length;
  await action();
  return (await seenRequests()).slice(before);
}

/** How the fakes' latest chat call ended, waiting briefly for the connection to close. */
async function lastCallEnd(): Promise<string | undefined> {
  for (let i = 0; i < 40; i++) {
    const calls = (await seenRequests()).filter((call) => call.chat);
    const end = calls.at(-1)?.chat?.end;
    if (end) return end;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

function expectFailure(outcome: Outcome, kind: ProviderError['kind'], key: string): ProviderError {
  expect(outcome.error, `expected ${kind}, got ${outcome.error?.kind ?? 'no error'}`).toBeDefined();
  const error = outcome.error as ProviderError;
  expect(error.kind).toBe(kind);
  // Our short message only: never the key, nor the fragments vendors quote.
  expect(error.message).not.toContain(key);
  expect(error.message).not.toContain(key.slice(0, 8));
  expect(error.message).not.toContain(key.slice(-4));
  return error;
}

describe.each(VENDORS)('$provider adapter against its fake', (vendor) => {
  const request = (text: string, extra: Partial<ChatRequest> = {}) =>
    ask(text, { model: vendor.model, ...extra });

  it('streams the reply in order, then the usage the vendor reported', async () => {
    const config = configFor(vendor);
    const outcome = await run(
      vendor,
      request('', {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello please' },
        ],
      }),
      config,
    );
    expect(outcome.error).toBeUndefined();
    const reply = `Echo from ${vendor.provider} ${vendor.model}: Say hello please`;
    expect(outcome.text).toBe(reply);
    const texts = outcome.chunks.filter((chunk) => chunk.type === 'text');
    // One word per chunk, in order.
    expect(texts.map((chunk) => chunk.type === 'text' && chunk.text.trim())).toEqual(
      reply.split(' '),
    );
    const usage = outcome.chunks.filter((chunk) => chunk.type === 'usage');
    // Input: "Be brief." + "Say hello please" = 5 words; output: the 7 words of the reply.
    expect(usage).toEqual([{ type: 'usage', inputTokens: 5, outputTokens: 7 }]);
    expect(outcome.chunks.at(-1)?.type).toBe('usage');
    expect(await lastCallEnd()).toBe('answered');
  });

  it('sends the system prompt, the turns and an image in the vendor’s own fields', async () => {
    const config = configFor(vendor);
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Answer like a pirate.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', mediaType: 'image/png', data: PNG },
        ],
      },
    ];
    let outcome: Outcome | undefined;
    const calls = await callsDuring(async () => {
      outcome = await run(vendor, request('', { messages, temperature: 0.3 }), config);
    });
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.text).toBe(
      `Echo from ${vendor.provider} ${vendor.model}: What is in this picture?`,
    );
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.path).toBe(vendor.path);
    expect(call?.keyLast4).toBe(config.apiKey.slice(-4));
    expect(JSON.stringify(call)).not.toContain(config.apiKey);
    expect(call?.chat).toMatchObject({
      model: vendor.model,
      stream: true,
      system: vendor.systemField,
      systemText: 'Answer like a pirate.',
      images: 1,
      imageTypes: ['image/png'],
      lastUserText: 'What is in this picture?',
    });
    // OpenAI-style APIs keep the system prompt in the message list; the others lift it out.
    expect(call?.chat?.messages).toBe(vendor.systemField === 'role:system' ? 4 : 3);
    // Anthropic's API version 2026-10-21 refuses sampling parameters: none is sent there.
    expect(call?.chat?.temperature).toBe(vendor.provider === 'anthropic' ? null : 0.3);
    if (vendor.provider === 'anthropic') expect(call?.chat?.maxTokens).toBe(4096);
    // Mistral refuses stream_options (and reports usage anyway); the others are asked for it.
    expect(call?.chat?.streamUsage).toBe(['openai', 'groq'].includes(vendor.provider));
  });

  it('passes the output ceiling', async () => {
    const calls = await callsDuring(() =>
      run(vendor, request('Short', { maxOutputTokens: 64 }), configFor(vendor)),
    );
    expect(calls[0]?.chat?.maxTokens).toBe(64);
  });

  it('a refused key is auth, in our words', async () => {
    const key = `bad-${randomBytes(20).toString('hex')}`;
    const outcome = await run(vendor, request('Hello'), configFor(vendor, { apiKey: key }));
    expectFailure(outcome, 'auth', key);
  });

  it('429 is rate_limit with the delay the vendor named, after the SDK’s quick retries', async () => {
    const config = configFor(vendor);
    let outcome: Outcome | undefined;
    const calls = await callsDuring(async () => {
      outcome = await run(vendor, request('Hello [[fail:429]]'), config);
    });
    const error = expectFailure(outcome as Outcome, 'rate_limit', config.apiKey);
    expect(error.options.retryAfterSeconds).toBe(1);
    expect(error.options.status).toBe(429);
    // Gemini's quotas are per minute: no retry there; the others retry twice (1 + 2 calls).
    expect(calls).toHaveLength(vendor.provider === 'google' ? 1 : 3);
  });

  it('a 429 asking for a long wait fails at once instead of sleeping', async () => {
    const config = configFor(vendor);
    let outcome: Outcome | undefined;
    const calls = await callsDuring(async () => {
      outcome = await run(vendor, request('Hello [[fail:429:30]]'), config);
    });
    const error = expectFailure(outcome as Outcome, 'rate_limit', config.apiKey);
    expect(error.options.retryAfterSeconds).toBe(30);
    expect(calls).toHaveLength(1);
    expect(outcome?.ms).toBeLessThan(2_000);
  });

  it('500 is unavailable, after retries before any byte', async () => {
    const config = configFor(vendor);
    let outcome: Outcome | undefined;
    const calls = await callsDuring(async () => {
      outcome = await run(vendor, request('Hello [[fail:500]]'), config);
    });
    expectFailure(outcome as Outcome, 'unavailable', config.apiKey);
    expect(calls).toHaveLength(3);
  });

  it('400 is bad_request', async () => {
    const config = configFor(vendor);
    const outcome = await run(vendor, request('Hello [[fail:400]]'), config);
    expectFailure(outcome, 'bad_request', config.apiKey);
  });

  it('an unknown model is bad_request', async () => {
    const config = configFor(vendor);
    const outcome = await run(vendor, request('Hello', { model: UNKNOWN_MODEL }), config);
    const error = expectFailure(outcome, 'bad_request', config.apiKey);
    // Mistral answers 400 invalid_model, which the OpenAI SDK does not let us tell apart.
    if (vendor.provider !== 'mistral') expect(error.message).toBe('model not found');
  });

  it('a stream that ends without the end marker is cut, and is not retried', async () => {
    const config = configFor(vendor);
    let outcome: Outcome | undefined;
    const calls = await callsDuring(async () => {
      outcome = await run(vendor, request('One two three four five [[cut]]'), config);
    });
    expectFailure(outcome as Outcome, 'cut', config.apiKey);
    expect(outcome?.text).toBe(`Echo from ${vendor.provider} `);
    expect(outcome?.chunks.some((chunk) => chunk.type === 'usage')).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('an error event mid-stream is unavailable (Anthropic) or cut (the others)', async () => {
    const config = configFor(vendor);
    const outcome = await run(vendor, request('One two three [[error-event]]'), config);
    expectFailure(outcome, vendor.provider === 'anthropic' ? 'unavailable' : 'cut', config.apiKey);
    expect(outcome.text.length).toBeGreaterThan(0);
  });

  it('a stream that stalls after its first chunk times out within the idle timeout', async () => {
    const config = configFor(vendor, { idleTimeoutMs: 300 });
    const outcome = await run(vendor, request('Hello [[stall]]'), config);
    expectFailure(outcome, 'timeout', config.apiKey);
    expect(outcome.text).toBe('Echo ');
    expect(outcome.ms).toBeGreaterThanOrEqual(290);
    expect(outcome.ms).toBeLessThan(2_000);
    // The request itself was aborted, not left running.
    expect(await lastCallEnd()).toBe('client-left');
  });

  it('a vendor that never answers times out', async () => {
    const config = configFor(vendor, { idleTimeoutMs: 300 });
    const outcome = await run(vendor, request('Hello [[hang]]'), config);
    expectFailure(outcome, 'timeout', config.apiKey);
    expect(outcome.chunks).toEqual([]);
    expect(outcome.ms).toBeLessThan(2_000);
    expect(await lastCallEnd()).toBe('client-left');
  });

  it('stopping mid-stream is aborted, at once', async () => {
    const config = configFor(vendor);
    const controller = new AbortController();
    let stoppedAt = 0;
    const outcome = await run(
      vendor,
      request('one two three four five six seven [[slow:200]]', { signal: controller.signal }),
      config,
      (chunk) => {
        if (chunk.type === 'text' && stoppedAt === 0) {
          stoppedAt = Date.now();
          controller.abort();
        }
      },
    );
    expectFailure(outcome, 'aborted', config.apiKey);
    expect(outcome.text).toBe('Echo ');
    expect(Date.now() - stoppedAt).toBeLessThan(150);
    expect(await lastCallEnd()).toBe('client-left');
  });

  it('a signal already aborted calls nobody', async () => {
    const controller = new AbortController();
    controller.abort();
    let outcome: Outcome | undefined;
    const calls = await callsDuring(async () => {
      outcome = await run(
        vendor,
        request('Hello', { signal: controller.signal }),
        configFor(vendor),
      );
    });
    expect(outcome?.error?.kind).toBe('aborted');
    expect(calls).toEqual([]);
  });

  it('a long reply arrives whole', async () => {
    const outcome = await run(vendor, request('Tell me more [[long]]'), configFor(vendor));
    expect(outcome.error).toBeUndefined();
    expect(outcome.text.split(' ').length).toBeGreaterThan(300);
    expect(outcome.text.endsWith('word300')).toBe(true);
  });
});

describe('adapters and fakes, beyond one vendor', () => {
  it('an address where nothing listens is unavailable', async () => {
    // A port that was free a moment ago: bind, read it, close.
    const probe = await startAiFakes();
    const dead = probe.url;
    await probe.close();
    const outcomes = await Promise.all(
      VENDORS.map((vendor) =>
        run(vendor, ask('Hello', { model: vendor.model }), {
          ...configFor(vendor),
          baseUrl: `${dead}/x`,
        }),
      ),
    );
    for (const outcome of outcomes) expect(outcome.error?.kind).toBe('unavailable');
  });

  it('Mistral refuses OpenAI’s stream_options, so its adapter must not send them', async () => {
    const mistral = VENDORS.find((vendor) => vendor.provider === 'mistral') as Vendor;
    // The OpenAI dialect (stream_options, max_completion_tokens) against Mistral's fake.
    const chunks: StreamChunk[] = [];
    await expect(
      (async () => {
        for await (const chunk of streamOpenAI(
          ask('Hello', { model: mistral.model }),
          configFor(mistral),
        )) {
          chunks.push(chunk);
        }
      })(),
    ).rejects.toMatchObject({ kind: 'bad_request' });
    expect(chunks).toEqual([]);
  });

  it('the OpenAI fake answers the non-streaming form too', async () => {
    const client = new OpenAI({
      apiKey: goodKey('openai'),
      baseURL: fakes.vars.OPENAI_BASE_URL,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi there' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo from openai gpt-4o: Hi there');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 6 });
  });

  it('a consumer that stops reading early ends the vendor call', async () => {
    const openai = VENDORS[0] as Vendor;
    const iterator = streamChat(
      'openai',
      ask('one two three four five six [[slow:100]]', { model: openai.model }),
      configFor(openai),
    )[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ type: 'text', text: 'Echo ' });
    await iterator.return?.();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    // The vendor call was ended, not left streaming to nobody.
    expect(await lastCallEnd()).toBe('client-left');
  });

  it('close() ends connections the fakes hold open', async () => {
    const own = await startAiFakes();
    const pending = fetch(`${own.vars.OPENAI_BASE_URL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${goodKey('openai')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'Hello [[hang]]' }],
      }),
    }).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBe('dropped');
  });
});

describe('offline provider', () => {
  async function reply(messages: ChatMessage[]): Promise<string> {
    let text = '';
    for await (const chunk of streamChat(
      'offline',
      { model: 'offline-brief', messages, signal: new AbortController().signal },
      { apiKey: null, idleTimeoutMs: 1_000, tokenDelayMs: 0 },
    )) {
      if (chunk.type === 'text') text += chunk.text;
      else throw new Error('the offline provider reports no usage');
    }
    return text;
  }

  it('labels its reply and quotes the system prompt', async () => {
    const text = await reply([
      { role: 'system', content: 'Answer in one line.\nSecond line is ignored.' },
      { role: 'user', content: 'How do tides work on the coast?' },
    ]);
    expect(text.startsWith(`*${OFFLINE_LABEL.en}*`)).toBe(true);
    expect(text).toContain('Following: “Answer in one line.”');
    expect(text).not.toContain('Second line');
    expect(text).toContain('tides');
  });

  it('answers French in French', async () => {
    const text = await reply([
      { role: 'system', content: 'Réponds brièvement.' },
      { role: 'user', content: 'Bonjour, pourquoi la mer est salée ?' },
    ]);
    expect(text.startsWith(`*${OFFLINE_LABEL.fr}*`)).toBe(true);
    expect(text).toContain('Consigne suivie : « Réponds brièvement. »');
  });

  it('stops when asked', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of streamOffline(
          {
            model: 'offline-detailed',
            messages: [{ role: 'user', content: 'Tell me a long story' }],
            signal: controller.signal,
          },
          { apiKey: null, idleTimeoutMs: 1_000, tokenDelayMs: 5 },
        )) {
          if (chunk.type === 'text') seen.push(chunk.text);
          if (seen.length === 2) controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ kind: 'aborted' });
    expect(seen).toHaveLength(2);
  });
});
