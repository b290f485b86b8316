import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import { Client, Receiver } from '@upstash/qstash';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QStashServer } from '../../tools/dev-services/qstash';
import {
  cronMatches,
  evaluateRetryDelay,
  parseDuration,
  startQStash,
} from '../../tools/dev-services/qstash';

const TOKEN = 'qstash-test-token';
const CURRENT_KEY = 'sig_current_test_key';
const NEXT_KEY = 'sig_next_test_key';

interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

interface TestReceiver {
  url: string;
  received: Received[];
  /** Status to answer for the n-th request (0-based) to a path. */
  respond: (path: string, index: number) => number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<TestReceiver> {
  const state: TestReceiver = {
    url: '',
    received: [],
    respond: () => 200,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const index = state.received.filter((r) => r.path === path).length;
      state.received.push({
        path,
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const status = state.respond(path, index);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`answer ${index}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function header(received: Received, name: string): string {
  const value = received.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

describe('qstash stand-in', () => {
  let qstash: QStashServer;
  let receiver: TestReceiver;
  let client: Client;
  const verifier = new Receiver({ currentSigningKey: CURRENT_KEY, nextSigningKey: NEXT_KEY });
  const logs: string[] = [];

  beforeAll(async () => {
    qstash = await startQStash({
      port: 0,
      token: TOKEN,
      currentSigningKey: CURRENT_KEY,
      nextSigningKey: NEXT_KEY,
      retryBaseMs: 20,
      log: (line) => logs.push(line),
    });
    receiver = await startReceiver();
    client = new Client({ baseUrl: qstash.url, token: TOKEN, enableTelemetry: false });
  });

  afterAll(async () => {
    await qstash?.close();
    await receiver?.close();
  });

  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respond = () => 200;
  });

  const arrivals = (path: string, count: number) =>
    waitFor(() => {
      const hits = receiver.received.filter((r) => r.path === path);
      return hits.length >= count ? hits : undefined;
    });

  /** Waits for the (failure) callback posted to `path`, checks its signature, returns its body. */
  async function signedCallback(path: string): Promise<Record<string, unknown>> {
    const [report] = await arrivals(path, 1);
    if (!report) throw new Error(`no callback to ${path}`);
    await expect(
      verifier.verify({
        signature: header(report, 'upstash-signature'),
        body: report.body,
        url: `${receiver.url}${path}`,
      }),
    ).resolves.toBe(true);
    return JSON.parse(report.body) as Record<string, unknown>;
  }

  it('delivers a JSON message whose signature the official Receiver accepts', async () => {
    const url = `${receiver.url}/hook?x=1`;
    const { messageId } = await client.publishJSON({
      url,
      body: { hello: 'wörld' },
      headers: { 'X-Trace': 'abc' },
    });
    expect(messageId).toMatch(/^msg_/);
    const [hit] = await arrivals('/hook?x=1', 1);
    if (!hit) throw new Error('no delivery');
    expect(hit.method).toBe('POST');
    expect(JSON.parse(hit.body)).toEqual({ hello: 'wörld' });
    expect(header(hit, 'content-type')).toBe('application/json');
    expect(header(hit, 'x-trace')).toBe('abc');
    expect(header(hit, 'upstash-message-id')).toBe(messageId);
    expect(header(hit, 'upstash-retried')).toBe('0');

    const signature = header(hit, 'upstash-signature');
    await expect(verifier.verify({ signature, body: hit.body, url })).resolves.toBe(true);
    await expect(verifier.verify({ signature, body: `${hit.body} ` })).rejects.toThrow(/body hash/);
    await expect(
      verifier.verify({ signature, body: hit.body, url: `${receiver.url}/other` }),
    ).rejects.toThrow(/subject/);
    const otherKeys = new Receiver({ currentSigningKey: 'nope', nextSigningKey: 'nope2' });
    await expect(otherKeys.verify({ signature, body: hit.body })).rejects.toThrow();

    const record = await waitFor(() =>
      qstash.deliveries().find((d) => d.messageId === messageId && d.state === 'DELIVERED'),
    );
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]?.status).toBe(200);
  });

  it('retries on 500 with backoff, then succeeds', async () => {
    receiver.respond = (_path, index) => (index < 2 ? 500 : 200);
    const { messageId } = await client.publishJSON({
      url: `${receiver.url}/flaky`,
      body: { n: 1 },
      retries: 3,
    });
    const hits = await arrivals('/flaky', 3);
    expect(hits.map((hit) => header(hit, 'upstash-retried'))).toEqual(['0', '1', '2']);
    expect((hits[2]?.at ?? 0) - (hits[1]?.at ?? 0)).toBeGreaterThanOrEqual(30);
    for (const hit of hits) {
      await expect(
        verifier.verify({ signature: header(hit, 'upstash-signature'), body: hit.body }),
      ).resolves.toBe(true);
    }
    const record = await waitFor(() =>
      qstash.deliveries().find((d) => d.messageId === messageId && d.state === 'DELIVERED'),
    );
    expect(record.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it('gives up after the retries and calls the failure callback', async () => {
    receiver.respond = (path) => (path === '/broken' ? 503 : 200);
    const { messageId } = await client.publish({
      url: `${receiver.url}/broken`,
      body: 'plain text',
      retries: 1,
      failureCallback: `${receiver.url}/failed`,
    });
    expect((await arrivals('/broken', 2)).length).toBe(2);
    const payload = await signedCallback('/failed');
    expect(payload.status).toBe(503);
    expect(payload.sourceMessageId).toBe(messageId);
    expect(Buffer.from(String(payload.sourceBody), 'base64').toString()).toBe('plain text');
    const record = qstash.deliveries().find((d) => d.messageId === messageId);
    expect(record?.state).toBe('FAILED');
    expect(record?.attempts).toHaveLength(2);
  });

  it('sends the success callback with the response', async () => {
    const { messageId } = await client.publishJSON({
      url: `${receiver.url}/with-callback`,
      body: { a: 1 },
      callback: `${receiver.url}/callback`,
    });
    const payload = await signedCallback('/callback');
    expect(payload.status).toBe(200);
    expect(payload.sourceMessageId).toBe(messageId);
    expect(Buffer.from(String(payload.body), 'base64').toString()).toBe('answer 0');
  });

  it('honours a delay and exposes the pending message', async () => {
    const started = Date.now();
    const { messageId } = await client.publishJSON({
      url: `${receiver.url}/delayed`,
      body: { later: true },
      delay: 1,
    });
    const pending = await client.messages.get(messageId);
    expect(pending.url).toBe(`${receiver.url}/delayed`);
    expect(pending.notBefore).toBeGreaterThanOrEqual(started + 900);
    const [hit] = await arrivals('/delayed', 1);
    expect((hit?.at ?? 0) - started).toBeGreaterThanOrEqual(950);
    await expect(client.messages.get(messageId)).rejects.toThrow(/not found/);
  });

  it('honours Upstash-Not-Before', async () => {
    const started = Date.now();
    const notBefore = Math.ceil(started / 1000) + 1;
    await client.publishJSON({ url: `${receiver.url}/not-before`, body: {}, notBefore });
    const [hit] = await arrivals('/not-before', 1);
    expect(hit?.at ?? 0).toBeGreaterThanOrEqual(notBefore * 1000 - 50);
  });

  it('cancels a pending message', async () => {
    const { messageId } = await client.publishJSON({
      url: `${receiver.url}/cancelled`,
      body: {},
      delay: '10s',
    });
    await expect(client.messages.cancel(messageId)).resolves.toEqual({ cancelled: 1 });
    await expect(client.messages.get(messageId)).rejects.toThrow(/not found/);
    expect(qstash.deliveries().find((d) => d.messageId === messageId)?.state).toBe('CANCELLED');
  });

  it('drops duplicates by deduplication id and by content', async () => {
    const first = await client.publishJSON({
      url: `${receiver.url}/dedup`,
      body: { n: 1 },
      deduplicationId: 'same-id',
    });
    const second = await client.publishJSON({
      url: `${receiver.url}/dedup`,
      body: { n: 2 },
      deduplicationId: 'same-id',
    });
    expect(second.messageId).toBe(first.messageId);
    expect(second.deduplicated).toBe(true);

    const a = await client.publishJSON({
      url: `${receiver.url}/dedup`,
      body: { n: 3 },
      contentBasedDeduplication: true,
    });
    const b = await client.publishJSON({
      url: `${receiver.url}/dedup`,
      body: { n: 3 },
      contentBasedDeduplication: true,
    });
    const c = await client.publishJSON({
      url: `${receiver.url}/dedup`,
      body: { n: 4 },
      contentBasedDeduplication: true,
    });
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).not.toBe(a.messageId);

    await arrivals('/dedup', 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received.filter((r) => r.path === '/dedup').map((r) => r.body)).toEqual(
      expect.arrayContaining(['{"n":1}', '{"n":3}', '{"n":4}']),
    );
    expect(receiver.received.filter((r) => r.path === '/dedup')).toHaveLength(3);
  });

  it('publishes batches', async () => {
    const results = await client.batchJSON([
      { url: `${receiver.url}/batch-a`, body: { n: 1 } },
      { url: `${receiver.url}/batch-b`, body: { n: 2 }, method: 'PUT' },
    ]);
    expect(results).toHaveLength(2);
    const [a] = await arrivals('/batch-a', 1);
    const [b] = await arrivals('/batch-b', 1);
    expect(a?.body).toBe('{"n":1}');
    expect(b?.method).toBe('PUT');
    await expect(
      verifier.verify({
        signature: header(b as Received, 'upstash-signature'),
        body: b?.body ?? '',
      }),
    ).resolves.toBe(true);
  });

  it('lists events for a message', async () => {
    const { messageId } = await client.publishJSON({ url: `${receiver.url}/events`, body: {} });
    await arrivals('/events', 1);
    await waitFor(() =>
      qstash.deliveries().find((d) => d.messageId === messageId && d.state === 'DELIVERED'),
    );
    const { logs: events } = await client.logs({ filter: { messageId } });
    expect(events.map((event) => event.state)).toEqual(['DELIVERED', 'CREATED']);
  });

  it('manages schedules', async () => {
    const { scheduleId } = await client.schedules.create({
      destination: `${receiver.url}/cron`,
      cron: '*/5 * * * *',
      body: 'tick',
    });
    expect(scheduleId).toMatch(/^scd_/);
    const listed = await client.schedules.list();
    expect(listed.map((s) => s.scheduleId)).toContain(scheduleId);
    await client.schedules.pause({ schedule: scheduleId });
    expect((await client.schedules.get(scheduleId)).isPaused).toBe(true);
    await client.schedules.delete(scheduleId);
    expect(await client.schedules.list()).toEqual([]);
    await expect(
      client.schedules.create({ destination: `${receiver.url}/cron`, cron: 'not a cron' }),
    ).rejects.toThrow(/cron/);
  });

  it('rejects a wrong token with 401', async () => {
    const intruder = new Client({
      baseUrl: qstash.url,
      token: 'wrong',
      retry: false,
      enableTelemetry: false,
    });
    await expect(intruder.publishJSON({ url: `${receiver.url}/x`, body: {} })).rejects.toThrow(
      /Unauthorized/,
    );
    const res = await fetch(`${qstash.url}/v2/publish/${receiver.url}/x`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(receiver.received.filter((r) => r.path === '/x')).toHaveLength(0);
  });

  it('rejects destinations that are not URLs', async () => {
    const res = await fetch(`${qstash.url}/v2/publish/my-url-group`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(400);
  });

  it('logs one line per accepted and delivered message', () => {
    expect(logs.some((line) => line.startsWith('accepted msg_'))).toBe(true);
    expect(logs.some((line) => line.startsWith('delivered msg_'))).toBe(true);
  });
});

describe('qstash helpers', () => {
  it('parses durations', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('15')).toBe(15_000);
    expect(() => parseDuration('soon')).toThrow();
  });

  it('evaluates retry delay expressions', () => {
    expect(evaluateRetryDelay('pow(2, retried) * 1000', 3)).toBe(8000);
    expect(evaluateRetryDelay('1000 * (1 + retried)', 1)).toBe(2000);
    expect(evaluateRetryDelay('max(10, min(5, retried))', 2)).toBe(10);
    expect(() => evaluateRetryDelay('require("fs")', 0)).toThrow();
  });

  it('matches cron expressions in UTC', () => {
    const at = new Date(Date.UTC(2026, 10, 2, 14, 30)); // Monday 2 Nov 2026, 14:30 UTC
    expect(cronMatches('*/5 * * * *', at)).toBe(true);
    expect(cronMatches('*/7 * * * *', at)).toBe(false);
    expect(cronMatches('30 14 * * MON', at)).toBe(true);
    expect(cronMatches('30 14 * * 0,6', at)).toBe(false);
    expect(cronMatches('30 14 2 NOV *', at)).toBe(true);
    expect(cronMatches('0 9-17/1 * * 1-5', new Date(Date.UTC(2026, 10, 2, 9, 0)))).toBe(true);
    expect(cronMatches('@hourly', new Date(Date.UTC(2026, 10, 2, 9, 0)))).toBe(true);
    expect(() => cronMatches('61 * * * *', at)).toThrow();
  });
});
