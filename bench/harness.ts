/**
 * What the loopback benchmarks share: a WeBox stack on PGlite or on a fresh database of a
 * PostgreSQL server (BENCH_POSTGRES_URL), cleanups run in reverse on exit, a forked helper
 * process spoken to over IPC, and small statistics helpers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { type Stack, startStack } from '../tools/dev-services/stack';

/** A PostgreSQL server to bench on (a fresh database is made there); PGlite when unset. */
export const SERVER_URL = process.env.BENCH_POSTGRES_URL;

export const progress = (line: string) => process.stderr.write(`· ${line}\n`);

const cleanups: Array<() => Promise<void>> = [];

/** Runs `fn` when the bench ends, after everything registered later. */
export function onExit(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Runs the bench, then every cleanup in reverse; exit code 1 only when it could not measure. */
export async function runBench(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** The body of a successful response, or an error naming the step. */
export async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/**
 * Starts WeBox (stand-ins + wrangler dev) in a temporary state folder, on PGlite or on a fresh
 * database of BENCH_POSTGRES_URL; everything is removed when the bench ends.
 */
export async function startBenchStack(options: {
  tag: string;
  redisDb: number;
  vars?: Record<string, string>;
}): Promise<{ stack: Stack; stateDir: string; dbKind: 'PGlite' | 'PostgreSQL' }> {
  const stateDir = mkdtempSync(join(tmpdir(), `webox-bench-${options.tag}-`));
  onExit(async () => rmSync(stateDir, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  if (SERVER_URL) {
    const name = `webox_bench_${options.tag}_${process.pid}`;
    const server = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await server.unsafe(`CREATE DATABASE ${name}`);
    await server.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    onExit(async () => {
      const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
  }
  progress(
    `starting WeBox (${databaseUrl ? 'PostgreSQL server' : 'PGlite'}, stand-ins, wrangler dev)`,
  );
  const stack = await startStack({
    databaseUrl,
    stateDir,
    workerPort: 0,
    publicHost: 'localhost',
    ephemeral: true,
    redisUrl: 'redis://127.0.0.1:6379',
    redisDb: options.redisDb,
    // BENCH_PG_MODE=relay: each Worker connection dials Postgres (no Hyperdrive stand-in).
    pgMode: process.env.BENCH_PG_MODE === 'relay' ? 'relay' : 'pool',
    vars: { RATE_LIMIT_MULTIPLIER: '100000', ...options.vars },
  });
  onExit(() => stack.stop());
  return { stack, stateDir, dbKind: databaseUrl ? 'PostgreSQL' : 'PGlite' };
}

/**
 * Forks a helper script (load generator) and returns a request function: each request gets an
 * id, and resolves with the child's answer carrying the same id.
 */
export function forkHelper<Req extends object, Res extends { id: number; error?: string }>(
  file: string,
): (request: Req) => Promise<Res> {
  // fork() reuses this process's execArgv, which carries tsx's loader.
  const child: ChildProcess = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onExit(async () => {
    if (child.connected) child.disconnect();
  });
  let next = 0;
  return (request) =>
    new Promise<Res>((resolve, reject) => {
      const id = ++next;
      const onMessage = (result: Res) => {
        if (result.id !== id) return;
        child.off('message', onMessage);
        if (result.error) reject(new Error(result.error));
        else resolve(result);
      };
      child.on('message', onMessage);
      child.send({ ...request, id });
    });
}
