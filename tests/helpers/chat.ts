import { expect } from 'vitest';
import { call, json, type TestUser } from './api';

export interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

export interface ApiMessage {
  id: string;
  parentId: string | null;
  batchId: string | null;
  role: 'user' | 'assistant';
  content: string;
  model: string | null;
  provider: string | null;
  offline: boolean;
  status: 'streaming' | 'complete' | 'stopped' | 'failed';
  error: { code: string; message: string } | null;
  attachments: { id: string; name: string; kind: string }[];
  inputTokens: number | null;
  outputTokens: number | null;
  tokensEstimated: boolean;
  costMicros: number | null;
}

export interface TurnStarted {
  userMessage: ApiMessage | null;
  replies: ApiMessage[];
  after: number;
  streamUrl: string;
}

export interface Detail {
  conversation: { id: string; title: string; activeLeafId: string | null; pinned: boolean };
  messages: ApiMessage[];
  running: string[];
}

/** Parses complete SSE frames; comments (keep-alives) are skipped. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const at = line.indexOf(':');
      fields.set(line.slice(0, at), line.slice(at + 1).trimStart());
    }
    const data = fields.get('data');
    if (data === undefined) continue;
    events.push({
      id: Number(fields.get('id')),
      event: fields.get('event') ?? 'message',
      data: JSON.parse(data) as Record<string, unknown>,
    });
  }
  return events;
}

export async function newConversation(
  user: TestUser,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await call('/api/conversations', { token: user.accessToken, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

export async function send(
  user: TestUser,
  conversationId: string,
  body: Record<string, unknown>,
): Promise<TurnStarted> {
  const res = await call(`/api/conversations/${conversationId}/messages`, {
    token: user.accessToken,
    json: body,
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<TurnStarted>(res);
}

/**
 * Reads a conversation's stream. With `take`, stops after that many events (dropping the
 * connection, as a closed tab would); otherwise reads until the server ends the stream.
 */
export async function readStream(
  user: TestUser,
  conversationId: string,
  options: { after?: number; lastEventId?: number; take?: number } = {},
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const query = options.after !== undefined ? `?after=${options.after}` : '';
  const res = await call(`/api/conversations/${conversationId}/stream${query}`, {
    token: user.accessToken,
    headers:
      options.lastEventId !== undefined ? { 'Last-Event-ID': String(options.lastEventId) } : {},
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: SseEvent[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const end = buffer.lastIndexOf('\n\n');
    if (end < 0) continue;
    events.push(...parseSse(buffer.slice(0, end + 2)));
    buffer = buffer.slice(end + 2);
    if (options.take !== undefined && events.length >= options.take) {
      controller.abort();
      return events.slice(0, options.take);
    }
  }
  return events;
}

export async function detail(user: TestUser, conversationId: string): Promise<Detail> {
  const res = await call(`/api/conversations/${conversationId}`, { token: user.accessToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Detail>(res);
}

/** Polls until no message of the conversation is streaming any more. */
export async function settled(user: TestUser, conversationId: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const body = await detail(user, conversationId);
    if (!body.messages.some((m) => m.status === 'streaming')) return body;
    if (Date.now() > until) throw new Error('replies still streaming');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The text of one reply, joined from its delta events. */
export function textOf(events: SseEvent[], turnId: string): string {
  return events
    .filter((e) => e.event === 'delta' && e.data.turnId === turnId)
    .map((e) => String(e.data.text))
    .join('');
}
