/**
 * Wrangler as the bench drives it: dry-run bundles, the local startup CPU profile, and
 * `wrangler dev` for the baseline worker. Every child runs in its own process group so a
 * timeout or an error can end it with everything it spawned (workerd included).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ROOT } from '../tools/dev-services/stack';

const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0', NO_COLOR: '1' };

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Ends a detached child and its process group: SIGTERM, then SIGKILL after graceMs. */
export function killGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      return done();
    }
    const pid = child.pid;
    child.once('exit', () => done());
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return done();
    }
    setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      done();
    }, graceMs).unref();
  });
}

/** Runs `npx wrangler ...args` to completion (or until timeoutMs), returning its output. */
export function wrangler(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('npx', ['wrangler', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: ENV,
      detached: true,
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => {
      void killGroup(child, 1_000);
      reject(new Error(`wrangler ${args.join(' ')} took longer than ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, output: output.replace(ANSI, '') });
    });
  });
}

export interface BundleSize {
  uploadKiB: number;
  gzipKiB: number;
}

/**
 * `wrangler deploy --dry-run --outdir <outDir> --outfile <bundleFile>`, parsed for its
 * "Total Upload" line; bundleFile is the upload form `wrangler check startup` can profile.
 */
export async function dryRunBundle(
  outDir: string,
  bundleFile: string,
  config?: string,
): Promise<BundleSize> {
  const args = ['deploy', '--dry-run', '--outdir', outDir, '--outfile', bundleFile];
  if (config) args.push('--config', config);
  const { code, output } = await wrangler(args, 120_000);
  const match = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
  if (code !== 0 || !match?.[1] || !match[2]) {
    throw new Error(`wrangler deploy --dry-run failed (exit ${code}):\n${output}`);
  }
  return { uploadKiB: Number(match[1]), gzipKiB: Number(match[2]) };
}

export interface StartupProfile {
  /** Sum of every sample's time delta: the profiled window wrangler reports. */
  sampledMs: number;
  /** Sampled time not spent idle: JavaScript, V8 internals and garbage collection. */
  activeMs: number;
  gcMs: number;
  samples: number;
  /** Mean time between samples: the profile's resolution. */
  intervalMs: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Sums a V8 .cpuprofile by kind of sample (deltas are in microseconds). */
export function summariseProfile(path: string): StartupProfile {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let sampled = 0;
  let idle = 0;
  let gc = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    sampled += delta;
    const name = names.get(id);
    if (name === '(idle)') idle += delta;
    if (name === '(garbage collector)') gc += delta;
  });
  return {
    sampledMs: sampled / 1000,
    activeMs: (sampled - idle) / 1000,
    gcMs: gc / 1000,
    samples: profile.samples.length,
    intervalMs: profile.samples.length > 0 ? sampled / 1000 / profile.samples.length : 0,
  };
}

/**
 * `wrangler check startup --worker <bundleFile>`: starts the built Worker in a local workerd
 * with the inspector attached and writes a CPU profile of its startup (no account needed).
 * Given the bundle, not a config: without `--worker` it rebuilds from ./wrangler.toml
 * whatever `--config` says.
 */
export async function startupProfile(outFile: string, bundleFile: string): Promise<StartupProfile> {
  const args = ['check', 'startup', '--worker', bundleFile, '--outfile', outFile];
  const { code, output } = await wrangler(args, 120_000);
  if (code !== 0) throw new Error(`wrangler check startup failed (exit ${code}):\n${output}`);
  return summariseProfile(outFile);
}

export interface DevServer {
  baseUrl: string;
  /** Milliseconds from spawning `wrangler dev` to the first 200. */
  readyMs: number;
  stop(): Promise<void>;
}

/** `wrangler dev` for a config other than WeBox's, waiting until `readyPath` answers 200. */
export async function startDev(opts: {
  config: string;
  persistTo: string;
  readyPath: string;
  timeoutMs: number;
  /** Plain-text vars (`wrangler dev --var NAME:value`). */
  vars?: Record<string, string>;
}): Promise<DevServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--config',
      opts.config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      join(opts.persistTo, 'wrangler'),
      '--show-interactive-dev-session=false',
      '--inspector-port',
      String(await freePort()),
      '--log-level',
      'warn',
      ...Object.entries(opts.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: ENV, detached: true },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () => killGroup(child);
  try {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`no 200 from ${baseUrl} in ${opts.timeoutMs} ms`);
      try {
        const res = await fetch(`${baseUrl}${opts.readyPath}`, {
          signal: AbortSignal.timeout(2_000),
        });
        await res.body?.cancel();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw new Error(
      `${(err as Error).message}\n--- wrangler output ---\n${output.replace(ANSI, '')}`,
    );
  }
  return { baseUrl, readyMs: performance.now() - started, stop };
}
