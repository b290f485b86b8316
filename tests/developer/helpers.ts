import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { expect, inject } from 'vitest';
import { baseUrl, call, json, sql, type TestUser } from '../helpers/api';

export interface CreatedToken {
  id: string;
  name: string;
  prefix: string;
  token: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

/** Creates a personal API token for the user through the API and returns it (shown once). */
export async function createApiToken(
  user: TestUser,
  input: { name?: string; expiresInDays?: number } = {},
): Promise<CreatedToken> {
  const res = await call('/api/tokens', {
    token: user.accessToken,
    json: { name: input.name ?? 'Test token', ...input },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<CreatedToken>(res);
}

/** The official OpenAI SDK pointed at WeBox's /v1, authenticated with a wbx_ token. */
export function openAiClient(token: string): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl()}/v1`, apiKey: token, maxRetries: 0 });
}

/** POSTs a chat completion to /v1 with a raw fetch (for the cases an SDK would not send). */
export function v1Chat(token: string | null, body: unknown, headers: Record<string, string> = {}) {
  return call('/v1/chat/completions', {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}`, ...headers } : headers,
    ...(typeof body === 'string' ? { body } : { json: body }),
  });
}

export interface UsageRow {
  user_id: string;
  source: string;
  reference: string;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  estimated: boolean;
  cost_micros: string;
}

/** The user's usage ledger rows, oldest first. */
export async function usageRows(userId: string): Promise<UsageRow[]> {
  const db = sql();
  try {
    return await db<UsageRow[]>`
      select user_id, source, reference, provider, model, input_tokens, output_tokens,
             estimated, cost_micros::text as cost_micros
      from usage_events where user_id = ${userId} order by created_at, id`;
  } finally {
    await db.end();
  }
}

/** An OpenAI-style error member as /v1 adds it to every problem body. */
export interface OpenAiErrorBody {
  code: string;
  status: number;
  detail: string;
  error: { message: string; type: string; code: string; param: null };
}

/** Asserts a /v1 problem with the OpenAI-style error member, and returns the body. */
export async function expectOpenAiProblem(
  res: Response,
  status: number,
  code: string,
  openAi: { type: string; code?: string },
): Promise<OpenAiErrorBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as OpenAiErrorBody;
  expect(body).toMatchObject({ status, code });
  expect(body.error).toEqual({
    message: body.detail,
    type: openAi.type,
    code: openAi.code ?? code.toLowerCase(),
    param: null,
  });
  return body;
}

/** A chat call the AI fakes saw (tests/fakes/ai-providers.ts, GET /__requests). */
export interface FakeChatCall {
  vendor: string;
  path: string;
  keyLast4: string | null;
  chat?: {
    model: string;
    stream: boolean;
    messages: number;
    systemText: string | null;
    images: number;
    temperature: number | null;
    maxTokens: number | null;
    lastUserText: string;
  };
}

/** Every call the AI fakes have received so far in this run. */
export async function fakeCalls(): Promise<FakeChatCall[]> {
  const res = await fetch(new URL('/__requests', inject('aiFakeUrl')));
  return (await json<{ requests: FakeChatCall[] }>(res)).requests;
}

/** Adds the user's own OpenAI key (accepted by the fake) and returns it. */
export async function addOpenAiKey(user: TestUser): Promise<string> {
  const apiKey = `sk-valid-${randomBytes(24).toString('hex')}`;
  const res = await call('/api/keys/openai', {
    method: 'PUT',
    token: user.accessToken,
    json: { apiKey },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return apiKey;
}
