/**
 * `npm run bench:notifications`: live notification fan-out on loopback (see bench/README.md).
 *
 * BENCH_USERS (100) accounts each open BENCH_SOCKETS_PER_USER (10) notification sockets;
 * BENCH_ANNOUNCEMENTS (20) admin announcements, one after another, each go to all of them.
 * Measured per socket: the time from the announcement POST's start to the socket's receipt
 * (p50, p99, max) and the share of expected receipts that arrived. The baseline, in the same
 * run, is the same users with one socket each; the report gives the ratio of the two p99s.
 * It never fails on a figure; it exits non-zero only when something could not be measured.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fmt, forkHelper, json, percentile, progress, runBench, startBenchStack } from './harness';
import type { FanoutRequest, FanoutResult } from './sockets';

const USERS = Number(process.env.BENCH_USERS ?? 100);
const SOCKETS_PER_USER = Number(process.env.BENCH_SOCKETS_PER_USER ?? 10);
const ANNOUNCEMENTS = Number(process.env.BENCH_ANNOUNCEMENTS ?? 20);
/** Baseline/fan-out pairs, alternated so machine noise falls on both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WAIT_MS = 10_000;
function startSocketsProcess() {
  return forkHelper<Omit<FanoutRequest, 'id'>, FanoutResult>(
    join(import.meta.dirname, 'sockets.ts'),
  );
}

interface Summary {
  sockets: number;
  p50: number;
  p99: number;
  max: number;
  expected: number;
  received: number;
  deliveredByApi: number;
  postP50: number;
  openMs: number;
  failures: string[];
}

function summarise(results: FanoutResult[]): Summary {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const posts = results.flatMap((r) => r.postMs).sort((a, b) => a - b);
  return {
    sockets: results[0]?.sockets ?? 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    expected: results.reduce((a, r) => a + r.expected, 0),
    received: results.reduce((a, r) => a + r.received, 0),
    deliveredByApi: results.reduce((a, r) => a + r.deliveredByApi, 0),
    postP50: percentile(posts, 50),
    openMs: results.reduce((a, r) => a + r.openMs, 0) / Math.max(1, results.length),
    failures: results.flatMap((r) => r.failures),
  };
}

async function main(): Promise<void> {
  const { stack, dbKind } = await startBenchStack({ tag: 'notify', redisDb: 13 });
  const base = stack.baseUrl;

  const admin = await json<{ accessToken: string }>(
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'admin@webox.local', password: 'webox-admin-2026' }),
    }),
    'admin login',
  );

  progress(`registering ${USERS} users`);
  const users: Array<{ id: string; accessToken: string }> = [];
  let nextUser = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = nextUser++; i < USERS; i = nextUser++) {
        const body = await json<{ accessToken: string; user: { id: string } }>(
          await fetch(`${base}/api/auth/register`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              email: `bench.notify.${i}.${randomUUID().slice(0, 8)}@example.com`,
              password: 'a-long-enough-password',
              name: `Bench ${i}`,
            }),
          }),
          'register',
        );
        users.push({ id: body.user.id, accessToken: body.accessToken });
      }
    }),
  );

  // Socket tokens live one minute: fresh ones for every scenario.
  const socketPaths = async () =>
    Promise.all(
      users.map(async (user) => {
        const token = await json<{ url: string }>(
          await fetch(`${base}/api/notifications/socket-token`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${user.accessToken}` },
          }),
          'socket token',
        );
        return { id: user.id, socketPath: token.url };
      }),
    );

  const fanout = startSocketsProcess();
  const run = async (socketsPerUser: number, announcements: number, label: string) =>
    fanout({
      baseUrl: base,
      adminToken: admin.accessToken,
      users: await socketPaths(),
      socketsPerUser,
      announcements,
      waitMs: WAIT_MS,
      label,
    });

  progress('warm-up: 2 announcements, one socket per user');
  await run(1, 2, 'warm-up');
  const baseline: FanoutResult[] = [];
  const loaded: FanoutResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    progress(
      `round ${round}/${ROUNDS}: baseline, ${USERS} sockets, ${ANNOUNCEMENTS} announcements`,
    );
    baseline.push(await run(1, ANNOUNCEMENTS, 'baseline'));
    progress(
      `round ${round}/${ROUNDS}: ${USERS * SOCKETS_PER_USER} sockets (${SOCKETS_PER_USER} per user), ${ANNOUNCEMENTS} announcements`,
    );
    loaded.push(await run(SOCKETS_PER_USER, ANNOUNCEMENTS, 'fan-out'));
  }

  const b = summarise(baseline);
  const l = summarise(loaded);
  const line = (name: string, s: Summary) =>
    `  ${name.padEnd(24)} p50 ${fmt(s.p50).padStart(6)} ms  p99 ${fmt(s.p99).padStart(6)} ms  max ${fmt(s.max).padStart(6)} ms  delivered ${s.received}/${s.expected} (${((100 * s.received) / Math.max(1, s.expected)).toFixed(2)} %)  API reached ${s.deliveredByApi}  POST p50 ${fmt(s.postP50)} ms  sockets opened in ${fmt(s.openMs)} ms`;
  console.log(`\nDatabase: ${dbKind}`);
  console.log(
    `Notification fan-out: ${USERS} users, ${ANNOUNCEMENTS} announcements to all of them per run, ${ROUNDS} run(s) each; latency = announcement POST start → receipt on each socket`,
  );
  console.log(line(`baseline (1 socket/user)`, b));
  console.log(line(`${SOCKETS_PER_USER} sockets/user`, l));
  const p99Ratio = l.p99 / Math.max(0.001, b.p99);
  const p50Ratio = l.p50 / Math.max(0.001, b.p50);
  console.log(
    `  ratios (${SOCKETS_PER_USER}/user ÷ 1/user): p50 ${p50Ratio.toFixed(2)}×, p99 ${p99Ratio.toFixed(2)}× for ${SOCKETS_PER_USER}× the sockets`,
  );
  const failures = [...b.failures, ...l.failures];
  if (failures.length > 0) {
    console.log(
      `  failures (${failures.length}): ${[...new Set(failures)].slice(0, 5).join('; ')}`,
    );
  }
  const complete = b.received === b.expected && l.received === l.expected;
  const verdict = !complete
    ? `LOST EVENTS: ${l.expected - l.received + b.expected - b.received} receipts missing`
    : p99Ratio < SOCKETS_PER_USER
      ? `every event reached every socket; p99 grows ${p99Ratio.toFixed(2)}× for ${SOCKETS_PER_USER}× the sockets (sub-linear)`
      : `every event reached every socket, but p99 grows ${p99Ratio.toFixed(2)}× for ${SOCKETS_PER_USER}× the sockets (linear or worse)`;
  console.log(`  verdict: ${verdict}`);
}

await runBench(main);
process.exit(process.exitCode ?? 0);
