/**
 * `npm run bench:edge`: WeBox with Postgres and the Upstash REST stand-in behind the round-trip
 * proxies (tools/dev-services/round-trips.ts), placed 0, 25 and 100 ms away one way, and the
 * latency (p50/p99 over BENCH_RUNS runs, 30 by default) of the account and page-opening paths.
 * BENCH_PG_MODE=relay makes every Worker connection dial Postgres (no Hyperdrive stand-in).
 * Site send → first token is the site's path (POST the message, read its SSE stream until the
 * first `delta`) with the offline model, whose first token leaves at once: what is measured is
 * WeBox's own overhead. `/v1/chat/completions` streams from the local OpenAI-format fake
 * (tests/fakes/ai-providers, first chunk at once) through WeBox and, in the same run and
 * alternated, through a bare Worker that only relays to it (bench/baseline): the row gives
 * what WeBox adds. Throughput against the bare Worker, start-up CPU and gzip size are
 * `npm run bench` (bench/run.ts), which `npm run bench:edge` runs after this.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAiFakes } from '../tests/fakes/ai-providers';
import { fmt, json, onExit, percentile, progress, runBench, startBenchStack } from './harness';
import { startDev } from './wrangler';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DISTANCES = (process.env.BENCH_DISTANCES ?? '0,25,100').split(',').map(Number);
const PASSWORD = 'a-long-enough-password';

runBench(async () => {
  const mode = process.env.BENCH_PG_MODE === 'relay' ? 'relay' : 'pool';
  const fakes = await startAiFakes();
  onExit(() => fakes.close());
  const PLATFORM_KEY = 'sk-valid-bench';
  const { stack } = await startBenchStack({
    tag: 'edge',
    redisDb: 13,
    vars: { ...fakes.vars, OPENAI_API_KEY: PLATFORM_KEY },
  });
  progress('starting the bare relay (bench/baseline, wrangler dev)');
  const relayState = mkdtempSync(join(tmpdir(), 'webox-bench-relay-'));
  onExit(async () => rmSync(relayState, { recursive: true, force: true }));
  const relay = await startDev({
    config: 'bench/baseline/wrangler.toml',
    persistTo: relayState,
    readyPath: '/api/health',
    timeoutMs: 90_000,
    vars: { UPSTREAM_URL: fakes.vars.OPENAI_BASE_URL ?? '' },
  });
  onExit(() => relay.stop());
  const control = (stack as { roundTripsUrl?: string }).roundTripsUrl;
  if (!control) throw new Error('this stack has no round-trip proxies (tools/dev-services)');
  const setDelay = (ms: number) =>
    fetch(`${control}/delay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms }),
    });
  onExit(async () => void (await setDelay(0)));
  const call = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, stack.baseUrl), { redirect: 'manual', ...init });
  const email = `bench.${randomBytes(5).toString('hex')}@example.com`;
  const registered = await json<{ accessToken: string }>(
    await call('/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, name: 'Bench' }),
    }),
    'register',
  );
  const bearer = { authorization: `Bearer ${registered.accessToken}` };
  const signIn = (password: string) => () =>
    call('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  const get = (path: string) => () => call(path, { headers: bearer });
  const apiToken = await json<{ token: string }>(
    await call('/api/tokens', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    }),
    'create API token',
  );
  /** Milliseconds from the request to the first chunk carrying content of a streamed answer. */
  const v1FirstToken = async (base: string, model: string, key: string): Promise<number> => {
    const started = performance.now();
    const res = await fetch(new URL('/v1/chat/completions', base), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    if (res.status !== 200 || !res.body) throw new Error(`/v1 via ${base}: ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let first: number | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (first === undefined && /"content":"[^"]/.test(text)) first = performance.now() - started;
    }
    if (first === undefined)
      throw new Error(`/v1 via ${base}: no content in ${text.slice(0, 200)}`);
    return first;
  };
  const paths: Array<[string, () => Promise<Response>]> = [
    ['GET /api/me', get('/api/me')],
    ['GET /api/usage', get('/api/usage?days=30')],
    ['sign-in', signIn(PASSWORD)],
    ['failed sign-in', signIn('wrong-password-1')],
    ['chat page: GET /api/conversations', get('/api/conversations?limit=30')],
    ['media page: GET /api/media/files', get('/api/media/files?limit=48')],
    ['shop page: GET /api/product-categories', get('/api/product-categories?locale=en')],
  ];
  /** A fresh account and conversation per distance: sends are rate limited to 30 a minute. */
  const newConversation = async () => {
    const who = await json<{ accessToken: string }>(
      await call('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `bench.${randomBytes(5).toString('hex')}@example.com`,
          password: PASSWORD,
          name: 'Bench',
        }),
      }),
      'register',
    );
    const auth = { authorization: `Bearer ${who.accessToken}` };
    const created = await json<{ id: string }>(
      await call('/api/conversations', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      }),
      'create conversation',
    );
    return { id: created.id, auth };
  };
  const SENDS = Math.min(RUNS, 29);
  /** Resolves with the time of the first `delta` event; the rest of the stream is drained. */
  const sendToFirstToken = async (conversation: {
    id: string;
    auth: Record<string, string>;
  }): Promise<number> => {
    const bearer = conversation.auth;
    const started = performance.now();
    const sent = await json<{ streamUrl: string }>(
      await call(`/api/conversations/${conversation.id}/messages`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'Hello', model: 'offline/offline-brief' }),
      }),
      'send',
    );
    const stream = await call(sent.streamUrl, { headers: bearer });
    if (!stream.body) throw new Error('send: no stream');
    const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let firstToken: number | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (firstToken === undefined && /event: delta\n/.test(text)) {
        firstToken = performance.now() - started;
      }
      if (/event: (done|error)\n/.test(text)) break;
    }
    await reader.cancel().catch(() => {});
    if (firstToken === undefined) throw new Error(`send: no token in ${text.slice(0, 200)}`);
    return firstToken;
  };
  const rows: string[] = [];
  for (const distance of DISTANCES) {
    await setDelay(distance);
    progress(`Postgres and Redis ${distance} ms away one way (${mode})`);
    const sends: number[] = [];
    const conversation = await newConversation();
    for (let i = 0; i <= SENDS; i++) {
      const ms = await sendToFirstToken(conversation);
      if (i > 0) sends.push(ms);
    }
    sends.sort((a, b) => a - b);
    // /v1 through WeBox and through the bare relay, alternated, one warm-up pair.
    const viaWebox: number[] = [];
    const viaRelay: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const w = await v1FirstToken(stack.baseUrl, 'openai/gpt-4o-mini', apiToken.token);
      const r = await v1FirstToken(relay.baseUrl, 'gpt-4o-mini', PLATFORM_KEY);
      if (i > 0) {
        viaWebox.push(w);
        viaRelay.push(r);
      }
    }
    viaWebox.sort((a, b) => a - b);
    viaRelay.sort((a, b) => a - b);
    const added = (p: number) => percentile(viaWebox, p) - percentile(viaRelay, p);
    rows.push(
      `| /v1 first token added over the bare relay (relay: ${fmt(percentile(viaRelay, 50))} ms p50) | ${distance} ms | +${fmt(added(50))} ms | +${fmt(added(99))} ms |`,
    );
    rows.push(
      `| site chat: send → first token (offline model) | ${distance} ms | ${fmt(percentile(sends, 50))} ms | ${fmt(percentile(sends, 99))} ms |`,
    );
    for (const [name, request] of paths) {
      const times: number[] = [];
      // one warm-up run, then RUNS measured
      for (let i = 0; i <= RUNS; i++) {
        const started = performance.now();
        const res = await request();
        await res.arrayBuffer();
        if (res.status >= 500) throw new Error(`${name}: ${res.status}`);
        if (i > 0) times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      rows.push(
        `| ${name} | ${distance} ms | ${fmt(percentile(times, 50))} ms | ${fmt(percentile(times, 99))} ms |`,
      );
    }
  }
  console.log(`\nWeBox edge bench (${mode} Postgres link, ${RUNS} runs per cell)\n`);
  console.log('| path | Postgres/Redis one way | p50 | p99 |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
});
