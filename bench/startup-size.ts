/**
 * `npm run bench:startup-size`: for each Worker of WeBox (one per wrangler config), the
 * gzip size `wrangler deploy --dry-run` reports and the startup CPU `wrangler check startup`
 * profiles (median of BENCH_STARTUP_RUNS), next to the bare baseline Worker, against the
 * goal of issue 13 for the Worker that serves chat and /v1 (≤ 50 ms, ≤ 1 MiB gzip).
 * Exits non-zero only when something could not be measured.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../tools/dev-services/stack';
import { fmt, onExit, progress, runBench } from './harness';
import { type BundleSize, dryRunBundle, startupProfile } from './wrangler';

const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
/** Issue 13's goal for the Worker on the chat and /v1 path. */
const EDGE_GOAL = { gzipKiB: 1024, startupMs: 50 };

interface Target {
  name: string;
  config: string;
  /** Whether the edge goal applies (the Worker serving chat and /v1). */
  edge: boolean;
}

const TARGETS: Target[] = [
  { name: 'baseline', config: 'bench/baseline/wrangler.toml', edge: false },
  { name: 'webox', config: 'wrangler.toml', edge: true },
  { name: 'webox-jobs', config: 'wrangler.jobs.toml', edge: false },
].filter((t) => existsSync(join(ROOT, t.config)));

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

await runBench(async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'webox-startup-size-'));
  onExit(async () => rmSync(tmp, { recursive: true, force: true }));
  const bundleFile = (t: Target) => join(tmp, `${t.name}.bundle`);
  const sizes = new Map<string, BundleSize>();
  for (const t of TARGETS) {
    progress(`bundle: wrangler deploy --dry-run --config ${t.config}`);
    sizes.set(t.name, await dryRunBundle(join(tmp, `dist-${t.name}`), bundleFile(t), t.config));
  }
  const runs = new Map<string, number[]>(TARGETS.map((t) => [t.name, []]));
  progress(`startup: wrangler check startup, ${STARTUP_RUNS} runs each, alternated`);
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const t of TARGETS) {
      const profile = await startupProfile(join(tmp, `${t.name}-${i}.cpuprofile`), bundleFile(t));
      runs.get(t.name)?.push(profile.activeMs);
    }
  }
  console.log(`Worker size and startup (median of ${STARTUP_RUNS} startup profiles)`);
  console.log('worker       upload KiB   gzip KiB   startup CPU ms   goal');
  for (const t of TARGETS) {
    const size = sizes.get(t.name);
    const startup = median(runs.get(t.name) ?? []);
    if (!size) continue;
    const goal = t.edge
      ? size.gzipKiB <= EDGE_GOAL.gzipKiB && startup <= EDGE_GOAL.startupMs
        ? `met (≤ ${EDGE_GOAL.gzipKiB} KiB, ≤ ${EDGE_GOAL.startupMs} ms)`
        : `missed (≤ ${EDGE_GOAL.gzipKiB} KiB, ≤ ${EDGE_GOAL.startupMs} ms)`
      : '-';
    console.log(
      `${t.name.padEnd(12)} ${fmt(size.uploadKiB).padStart(10)} ${fmt(size.gzipKiB).padStart(10)} ${fmt(startup).padStart(16)}   ${goal}`,
    );
  }
});
