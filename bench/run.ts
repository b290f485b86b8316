/**
 * `npm run bench`: WeBox against a bare Hono worker (bench/baseline) on loopback, in one
 * run, reported as ratios so the machine's speed cancels out. See bench/README.md.
 *
 *  1. bundle: `wrangler deploy --dry-run` sizes, and `wrangler check startup` CPU profiles;
 *  2. load: autocannon on GET /api/health and GET /api/me (Bearer), baseline and WeBox
 *     alternated after a warm-up, means over the runs.
 *
 * Tunable through BENCH_DURATION (seconds per run), BENCH_CONNECTIONS, BENCH_ROUNDS
 * (baseline+WeBox pairs per route) and BENCH_STARTUP_RUNS. Never fails on a figure: it
 * exits non-zero only when something could not be measured.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type Stack, startStack } from '../tools/dev-services/stack';
import type { LoadRequest, LoadResult } from './load';
import {
  type BundleSize,
  type DevServer,
  dryRunBundle,
  type StartupProfile,
  startDev,
  startupProfile,
  wrangler,
} from './wrangler';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WARMUP_S = 2;
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
/** Hard limit for the whole run; past it everything is stopped and the process exits. */
const DEADLINE_MS = 8 * 60_000;

const BASELINE_CONFIG = 'bench/baseline/wrangler.toml';
const BASELINE_DIR = join(ROOT, 'bench/baseline');
const RESULTS = join(ROOT, 'bench/results/latest.json');

type Target = 'webox' | 'baseline';

interface RouteSpec {
  name: string;
  path: string;
  auth: boolean;
}

const ROUTES: RouteSpec[] = [
  { name: 'GET /api/health', path: '/api/health', auth: false },
  { name: 'GET /api/me', path: '/api/me', auth: true },
];

interface Summary {
  okPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface RouteResult {
  route: string;
  webox: Summary;
  baseline: Summary;
  ratios: { throughput: number; p50: number; p99: number };
  verdict: string;
  runs: Array<{ target: Target } & LoadResult>;
}

const progress = (line: string) => process.stderr.write(`· ${line}\n`);

// ---------------------------------------------------------------------------------------
// Cleanup: everything started registers its stop here; it runs on success, error, signal
// and the deadline alike.

const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}
setTimeout(() => {
  process.stderr.write(`bench: still running after ${DEADLINE_MS / 1000} s, stopping\n`);
  void cleanup().finally(() => process.exit(2));
}, DEADLINE_MS).unref();

// ---------------------------------------------------------------------------------------
// The load generator, in its own process (see load.ts).

function startLoader(): { run(req: Omit<LoadRequest, 'id'>): Promise<LoadResult> } {
  // fork() reuses this process's execArgv, which carries tsx's loader.
  const child: ChildProcess = fork(join(import.meta.dirname, 'load.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(async () => {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) child.kill();
  });
  let next = 0;
  const pending = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();
  child.on('message', (msg: LoadResult) => {
    pending.get(msg.id)?.resolve(msg);
    pending.delete(msg.id);
  });
  child.on('exit', (code) => {
    for (const { reject } of pending.values())
      reject(new Error(`the load generator exited (${code})`));
    pending.clear();
  });
  return {
    run(req) {
      const id = ++next;
      return new Promise((resolveLoad, reject) => {
        const timer = setTimeout(
          () => {
            pending.delete(id);
            reject(new Error(`the ${req.durationSeconds} s load run on ${req.url} did not finish`));
          },
          (req.durationSeconds + 30) * 1000,
        );
        pending.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            if (r.error) reject(new Error(`autocannon: ${r.error}`));
            else resolveLoad(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ ...req, id } satisfies LoadRequest);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const times = (n: number) => `${fixed(n)}×`;

function table(header: string[], rows: string[][], rightAlign = new Set<number>()): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function summarise(runs: LoadResult[]): Summary {
  return {
    okPerSecond: mean(runs.map((r) => r.okPerSecond)),
    latencyP50Ms: mean(runs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: mean(runs.map((r) => r.latencyP99Ms)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
  };
}

function failures(s: Summary): string {
  if (s.non2xx + s.errors + s.timeouts === 0) return '';
  return ` [${s.non2xx} non-2xx, ${s.errors} errors (${s.timeouts} timeouts), not counted in req/s]`;
}

async function register(baseUrl: string): Promise<string> {
  const ip = `10.${randomBytes(3).join('.')}`;
  const res = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip },
    body: JSON.stringify({
      email: `bench-${Date.now()}-${randomBytes(3).toString('hex')}@webox.local`,
      password: `bench-${randomBytes(12).toString('base64url')}`,
      name: 'Bench',
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({}))) as { accessToken?: string };
  if (res.status !== 201 || !body.accessToken) {
    throw new Error(`registering the bench user answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.accessToken;
}

async function expectStatus(url: string, headers: Record<string, string>, status: number) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (res.status !== status) {
    throw new Error(`${url} answered ${res.status} (expected ${status}): ${text.slice(0, 300)}`);
  }
}

/** HEAD, marked dirty when files outside bench/ differ from it (the figures measure those). */
function gitRevision(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', timeout: 10_000 }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', '.', ':!bench')
      .split('\n')
      .some((line) => line.trim() !== '');
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'webox-bench-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  // wrangler keeps its build scratch in <config dir>/.wrangler; the baseline's would sit
  // inside bench/ (where Biome would lint it), so it goes when the run ends.
  cleanups.push(async () =>
    rmSync(join(BASELINE_DIR, '.wrangler'), { recursive: true, force: true }),
  );

  const version = (await wrangler(['--version'], 60_000)).output.trim().split('\n').pop() ?? '';
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const commit = gitRevision();
  const out: string[] = [];
  const print = (line = '') => {
    out.push(line);
    console.log(line);
  };

  // 1. Bundle and startup, before anything else runs on the machine. -------------------
  progress('bundles: wrangler deploy --dry-run');
  const bundleFile = (t: Target) => join(tmp, `${t}.bundle`);
  const bundle: Record<Target, BundleSize> = {
    webox: await dryRunBundle(join(tmp, 'dist-webox'), bundleFile('webox')),
    baseline: await dryRunBundle(
      join(tmp, 'dist-baseline'),
      bundleFile('baseline'),
      BASELINE_CONFIG,
    ),
  };
  progress(`startup: wrangler check startup, ${STARTUP_RUNS} runs each, alternated`);
  const startupRuns: Record<Target, StartupProfile[]> = { webox: [], baseline: [] };
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const t of ['baseline', 'webox'] as const) {
      startupRuns[t].push(
        await startupProfile(join(tmp, `startup-${t}-${i}.cpuprofile`), bundleFile(t)),
      );
    }
  }
  const startup = {
    webox: {
      activeMs: median(startupRuns.webox.map((p) => p.activeMs)),
      sampledMs: median(startupRuns.webox.map((p) => p.sampledMs)),
    },
    baseline: {
      activeMs: median(startupRuns.baseline.map((p) => p.activeMs)),
      sampledMs: median(startupRuns.baseline.map((p) => p.sampledMs)),
    },
  };

  // 2. Servers. ----------------------------------------------------------------------
  progress('starting WeBox (PGlite, stand-ins, wrangler dev)');
  const stackStarted = performance.now();
  const stack: Stack = await startStack({
    stateDir: join(tmp, 'webox'),
    workerPort: 0,
    publicHost: 'localhost',
    ephemeral: true,
    redisUrl: 'redis://127.0.0.1:6379',
    redisDb: 10,
    vars: { RATE_LIMIT_MULTIPLIER: '1000000' },
  });
  cleanups.push(() => stack.stop());
  const stackReadyMs = performance.now() - stackStarted;
  progress('starting the baseline (wrangler dev)');
  const baselineServer: DevServer = await startDev({
    config: BASELINE_CONFIG,
    persistTo: join(tmp, 'baseline'),
    readyPath: '/api/health',
    timeoutMs: 90_000,
  });
  cleanups.push(() => baselineServer.stop());

  // Load goes to 127.0.0.1 for both (the stack's baseUrl says localhost for its cookies).
  const webUrl = stack.baseUrl.replace('//localhost:', '//127.0.0.1:');
  const urls: Record<Target, string> = { webox: webUrl, baseline: baselineServer.baseUrl };
  const token = await register(stack.baseUrl);
  const headersFor = (route: RouteSpec): Record<string, string> =>
    route.auth ? { Authorization: `Bearer ${token}` } : {};
  for (const target of ['baseline', 'webox'] as const) {
    await expectStatus(`${urls[target]}/api/me`, {}, 401);
    for (const route of ROUTES)
      await expectStatus(`${urls[target]}${route.path}`, headersFor(route), 200);
  }

  // 3. Load. -------------------------------------------------------------------------
  const loader = startLoader();
  const routeResults: RouteResult[] = [];
  for (const route of ROUTES) {
    const load = (target: Target, durationSeconds: number) =>
      loader.run({
        url: `${urls[target]}${route.path}`,
        connections: CONNECTIONS,
        durationSeconds,
        headers: headersFor(route),
      });
    progress(`${route.name}: warm-up ${WARMUP_S} s each`);
    await load('baseline', WARMUP_S);
    await load('webox', WARMUP_S);
    const runs: RouteResult['runs'] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of ['baseline', 'webox'] as const) {
        progress(`${route.name}: ${target} run ${round}/${ROUNDS} (${DURATION_S} s)`);
        runs.push({ target, ...(await load(target, DURATION_S)) });
      }
    }
    const webox = summarise(runs.filter((r) => r.target === 'webox'));
    const baseline = summarise(runs.filter((r) => r.target === 'baseline'));
    const ratios = {
      throughput: webox.okPerSecond / baseline.okPerSecond,
      p50: webox.latencyP50Ms / baseline.latencyP50Ms,
      p99: webox.latencyP99Ms / baseline.latencyP99Ms,
    };
    const verdict =
      `${route.name}: WeBox serves ${times(ratios.throughput)} the bare worker's throughput, ` +
      `at ${times(ratios.p50)} its median and ${times(ratios.p99)} its p99 latency` +
      `${failures(webox)}${baseline.non2xx + baseline.errors > 0 ? ` (baseline${failures(baseline)})` : ''}`;
    routeResults.push({ route: route.name, webox, baseline, ratios, verdict, runs });
  }

  // 4. Report. -----------------------------------------------------------------------
  print();
  print(`WeBox bench, ${new Date().toISOString()}, commit ${commit}`);
  print(
    `machine: ${cpus().length} × ${cpu}, Node ${process.version}, wrangler ${version.replace(/^.*?(\d+\.\d+\.\d+).*$/, '$1')}`,
  );
  print();
  print(
    `Load: autocannon on loopback, ${CONNECTIONS} connections, ${ROUNDS} runs of ${DURATION_S} s per target,`,
  );
  print(
    `alternated baseline/WeBox after a ${WARMUP_S} s warm-up each; req/s = 2xx responses per second; means over runs.`,
  );
  print(
    'Ratios are WeBox ÷ bare Hono worker (bench/baseline): throughput < 1 and latency > 1 = WeBox costs more.',
  );
  print();
  print(
    table(
      [
        'route',
        'WeBox req/s',
        'base req/s',
        'ratio',
        'WeBox p50',
        'base p50',
        'ratio',
        'WeBox p99',
        'base p99',
        'ratio',
      ],
      routeResults.map((r) => [
        r.route,
        fixed(r.webox.okPerSecond, 0),
        fixed(r.baseline.okPerSecond, 0),
        times(r.ratios.throughput),
        `${fixed(r.webox.latencyP50Ms)} ms`,
        `${fixed(r.baseline.latencyP50Ms)} ms`,
        times(r.ratios.p50),
        `${fixed(r.webox.latencyP99Ms)} ms`,
        `${fixed(r.baseline.latencyP99Ms)} ms`,
        times(r.ratios.p99),
      ]),
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ),
  );
  print();
  for (const r of routeResults) print(r.verdict);
  print();
  print('Per run, to judge the noise (req/s; p99 in ms):');
  for (const r of routeResults) {
    const of = (t: Target, f: (x: LoadResult) => number, digits: number) =>
      r.runs
        .filter((x) => x.target === t)
        .map((x) => fixed(f(x), digits))
        .join(', ');
    print(
      `  ${r.route}: WeBox ${of('webox', (x) => x.okPerSecond, 0)} req/s, p99 ${of('webox', (x) => x.latencyP99Ms, 1)}; ` +
        `baseline ${of('baseline', (x) => x.okPerSecond, 0)} req/s, p99 ${of('baseline', (x) => x.latencyP99Ms, 1)}`,
    );
  }
  print();
  print('Bundle (wrangler deploy --dry-run, "Total Upload"):');
  print(
    table(
      ['worker', 'upload', 'gzip'],
      (['webox', 'baseline'] as const).map((t) => [
        t === 'webox' ? 'WeBox' : 'baseline',
        `${fixed(bundle[t].uploadKiB)} KiB`,
        `${fixed(bundle[t].gzipKiB)} KiB`,
      ]),
      new Set([1, 2]),
    ),
  );
  const gzipRatio = bundle.webox.gzipKiB / bundle.baseline.gzipKiB;
  print(`WeBox's gzipped bundle is ${times(gzipRatio)} the bare worker's.`);
  print();
  print(
    `Startup (wrangler check startup: CPU profile of the startup phase in a local workerd, median of ${STARTUP_RUNS}):`,
  );
  print(
    table(
      ['worker', 'active CPU', 'profiled window'],
      (['webox', 'baseline'] as const).map((t) => [
        t === 'webox' ? 'WeBox' : 'baseline',
        `${fixed(startup[t].activeMs, 1)} ms`,
        `${fixed(startup[t].sampledMs, 1)} ms`,
      ]),
      new Set([1, 2]),
    ),
  );
  const startupRatio = startup.webox.activeMs / startup.baseline.activeMs;
  const startupExtraMs = startup.webox.activeMs - startup.baseline.activeMs;
  print(
    startup.baseline.activeMs > 0
      ? `WeBox's startup takes ${times(startupRatio)} the bare worker's active CPU time, ${fixed(startupExtraMs, 1)} ms more (on this machine's CPU; Cloudflare's limit is 1 s).`
      : `WeBox's startup takes ${fixed(startup.webox.activeMs, 1)} ms of active CPU; the bare worker's is below the profiler's resolution (on this machine's CPU; Cloudflare's limit is 1 s).`,
  );
  print(
    "The bare worker's figure rests on a handful of samples (the profiler samples every few ms), so its ratio is coarse; the difference is the steadier figure.",
  );
  print(
    `For reference, not a ratio: baseline wrangler dev answered 200 after ${fixed(baselineServer.readyMs / 1000, 1)} s; the WeBox stack (PGlite, migrations, stand-ins, wrangler dev) after ${fixed(stackReadyMs / 1000, 1)} s.`,
  );
  print();
  print(
    `Total bench time ${fixed((Date.now() - started) / 1000, 0)} s; results in bench/results/latest.json.`,
  );

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        commit,
        machine: { cpus: cpus().length, cpu, node: process.version, wrangler: version },
        load: {
          tool: 'autocannon',
          connections: CONNECTIONS,
          durationSeconds: DURATION_S,
          warmupSeconds: WARMUP_S,
          rounds: ROUNDS,
          order: 'baseline, webox, repeated',
          throughput: '2xx responses per second, mean over runs',
          latency: 'exact latency of 2xx responses, p50/p99 per run, mean over runs',
        },
        routes: routeResults,
        bundle: { ...bundle, gzipRatio },
        startup: {
          tool: 'wrangler check startup',
          statistic: `median of ${STARTUP_RUNS}`,
          ...startup,
          activeRatio: Number.isFinite(startupRatio) ? startupRatio : null,
          activeExtraMs: startupExtraMs,
          runs: startupRuns,
        },
        devReadyMs: { webox: stackReadyMs, baseline: baselineServer.readyMs },
        printed: out.join('\n'),
      },
      null,
      2,
    )}\n`,
  );
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  exitCode = 1;
} finally {
  progress('stopping servers');
  await cleanup();
}
process.exit(exitCode);
