/**
 * `npm run bench:edge`: WeBox with Postgres and the Upstash REST stand-in behind the round-trip
 * proxies (tools/dev-services/round-trips.ts), placed 0, 25 and 100 ms away one way, and the
 * latency (p50/p99 over BENCH_RUNS runs, 30 by default) of the account and page-opening paths.
 * BENCH_PG_MODE=relay makes every Worker connection dial Postgres (no Hyperdrive stand-in).
 * Not measured yet: site send → first token, /v1 over a bare relay, throughput, start-up, size.
 */
import { randomBytes } from 'node:crypto';
import { fmt, json, onExit, percentile, progress, runBench, startBenchStack } from './harness';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DISTANCES = (process.env.BENCH_DISTANCES ?? '0,25,100').split(',').map(Number);
const PASSWORD = 'a-long-enough-password';

runBench(async () => {
  const mode = process.env.BENCH_PG_MODE === 'relay' ? 'relay' : 'pool';
  const { stack } = await startBenchStack({ tag: 'edge', redisDb: 13 });
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
  const paths: Array<[string, () => Promise<Response>]> = [
    ['GET /api/me', get('/api/me')],
    ['GET /api/usage', get('/api/usage?days=30')],
    ['sign-in', signIn(PASSWORD)],
    ['failed sign-in', signIn('wrong-password-1')],
    ['chat page: GET /api/conversations', get('/api/conversations?limit=30')],
    ['media page: GET /api/media/files', get('/api/media/files?limit=48')],
    ['shop page: GET /api/product-categories', get('/api/product-categories?locale=en')],
  ];
  const rows: string[] = [];
  for (const distance of DISTANCES) {
    await setDelay(distance);
    progress(`Postgres and Redis ${distance} ms away one way (${mode})`);
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
