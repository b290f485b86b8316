import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../db/client';
import { runMigrations } from '../../db/migrate';
import { seed } from '../../db/seed';
import { startRedisProxy } from './http-proxy';
import { writeJobsConfig } from './jobs-config';
import { startMailSink } from './mail';
import { startPgProxy } from './pg-proxy';
import { startPglite } from './pglite';
import { startQStash } from './qstash';
import { startRedisRest } from './redis-rest';
import { RoundTripRecorder, serveControl } from './round-trips';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface StackOptions {
  /** Where durable state goes (PGlite data, wrangler state, generated env). */
  stateDir: string;
  /** Port for the Worker; 0 picks a free one. */
  workerPort: number;
  /** Hostname the site is opened at (cookies and CORS are tied to it). */
  publicHost?: string;
  /** A PostgreSQL URL to use instead of PGlite (its schema is migrated and seeded). */
  databaseUrl?: string;
  /** Keep PGlite in memory instead of under stateDir. */
  ephemeral?: boolean;
  /** Real Redis behind the REST stand-in, when it answers. */
  redisUrl?: string;
  redisDb?: number;
  /** Extra variables for the Worker (tests raise rate limits, for example). */
  vars?: Record<string, string>;
  /** A user's .dev.vars, loaded last so its values win. */
  userEnvFile?: string;
  /** Expose /__scheduled to fire cron handlers. */
  testScheduled?: boolean;
  /** Delay the round-trip proxies add to each direction of the Postgres and Redis links (ms). */
  delayMs?: number;
  /** `pool` (default): the Hyperdrive stand-in; `relay`: each Worker connection dials Postgres. */
  pgMode?: 'pool' | 'relay';
  log?: (line: string) => void;
  /** Forward wrangler's own output. */
  verbose?: boolean;
}

export interface Stack {
  baseUrl: string;
  databaseUrl: string;
  redisBackend: 'redis' | 'memory';
  vars: Record<string, string>;
  mailUrl: string;
  /**
   * The round-trip proxies' control server (tools/dev-services/round-trips.ts): `GET /now`,
   * `GET /window?from=&to=` (the Worker's Postgres and Redis exchanges), `POST /delay {ms}`.
   */
  roundTripsUrl: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const secret = () => randomBytes(32).toString('base64url');

async function waitForWorker(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200 || res.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Worker did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Starts everything WeBox needs on one machine with no account or server: Postgres
 * (PGlite, or a given server), the Upstash REST, QStash and mail stand-ins, then the
 * real Worker under `wrangler dev` (workerd) with Durable Objects, R2 and cron.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const stateDir = resolve(opts.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };
  try {
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const pg = await startPglite({
        port: await freePort(),
        dataDir: opts.ephemeral ? undefined : join(stateDir, 'pglite'),
        // A request may open up to 3 connections (parallel reads), and the pool keeps idle ones.
        maxConnections: 100,
      });
      stops.push(() => pg.close());
      databaseUrl = pg.url;
      log(
        `postgres  PGlite on ${pg.url.replace(/\/\/.*@/, '//')}${opts.ephemeral ? ' (in memory)' : ''}`,
      );
    }
    await runMigrations(databaseUrl);
    const seeding = openDatabase(databaseUrl);
    await seed(seeding.db).finally(() => seeding.close());

    // The Worker reaches Postgres and Redis through proxies that record every exchange (and
    // delay it, for the bench); migrations, seed and tests talk to the database directly.
    const recorder = new RoundTripRecorder();
    recorder.delayMs = opts.delayMs ?? 0;
    const control = await serveControl(recorder);
    stops.push(() => control.close());
    const upstreamDb = new URL(databaseUrl);
    const pgProxy = await startPgProxy({
      upstream: { host: upstreamDb.hostname, port: Number(upstreamDb.port || 5432) },
      port: 0,
      recorder,
      // A Hyperdrive stand-in: Workers cannot keep a socket across requests, so in production
      // a Hyperdrive binding answers the start-up near the Worker and reuses warm origin
      // connections; locally the proxy does the same (see README, Performance).
      mode: opts.pgMode ?? 'pool',
    });
    stops.push(() => pgProxy.close());
    const workerDb = new URL(databaseUrl);
    workerDb.hostname = '127.0.0.1';
    workerDb.port = String(pgProxy.port);

    const redisToken = secret();
    const redis = await startRedisRest({
      port: await freePort(),
      token: redisToken,
      redisUrl: opts.redisUrl,
      db: opts.redisDb,
    });
    stops.push(() => redis.close());
    const redisProxy = await startRedisProxy({ upstream: redis.url, port: 0, recorder });
    stops.push(() => redisProxy.close());
    log(
      `redis     Upstash REST stand-in on ${redis.url} (${redis.backend === 'redis' ? 'real Redis' : 'in-process store'})`,
    );

    const qstashToken = secret();
    const currentSigningKey = `sig_${secret()}`;
    const nextSigningKey = `sig_${secret()}`;
    const qstash = await startQStash({
      port: await freePort(),
      token: qstashToken,
      currentSigningKey,
      nextSigningKey,
      retryBaseMs: 500,
      log: (line) => log(`qstash    ${line}`),
    });
    stops.push(() => qstash.close());
    log(`qstash    QStash stand-in on ${qstash.url}`);

    const mailKey = secret();
    const mail = await startMailSink({
      port: await freePort(),
      apiKey: mailKey,
      log: (line) => log(`mail      ${line}`),
    });
    stops.push(() => mail.close());

    const workerPort = opts.workerPort || (await freePort());
    const baseUrl = `http://${opts.publicHost ?? '127.0.0.1'}:${workerPort}`;
    const vars: Record<string, string> = {
      ENVIRONMENT: 'development',
      APP_ORIGIN: baseUrl,
      JWT_ISSUER: baseUrl,
      JWT_AUDIENCE: 'webox-api',
      DATABASE_URL: workerDb.toString(),
      JWT_SECRET: secret(),
      ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
      UPSTASH_REDIS_REST_URL: redisProxy.url,
      UPSTASH_REDIS_REST_TOKEN: redisToken,
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: qstashToken,
      QSTASH_CURRENT_SIGNING_KEY: currentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: nextSigningKey,
      MAIL_API_URL: mail.url,
      MAIL_API_KEY: mailKey,
      MAIL_FROM: 'WeBox <no-reply@webox.local>',
      ...opts.vars,
    };
    const envFile = join(stateDir, 'worker.env');
    const envText = `# generated by tools/dev-services on each start\n${Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n')}\n`;
    writeFileSync(envFile, envText, { mode: 0o600 });
    const jobsConfig = writeJobsConfig({
      root: ROOT,
      stateDir,
      envText,
      userEnvFile: opts.userEnvFile,
    });
    // Both Workers in one workerd: the edge one (first config, serves the port) and the jobs
    // one behind its JOBS service binding (functions/platform/jobs-worker.ts).
    const args = [
      'wrangler',
      'dev',
      '-c',
      'wrangler.toml',
      '-c',
      jobsConfig,
      '--ip',
      '127.0.0.1',
      '--port',
      String(workerPort),
      '--persist-to',
      join(stateDir, 'wrangler'),
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      '--inspector-port',
      String(await freePort()),
      '--log-level',
      opts.verbose ? 'info' : 'warn',
    ];
    if (opts.userEnvFile && existsSync(opts.userEnvFile)) args.push('--env-file', opts.userEnvFile);
    if (opts.testScheduled) args.push('--test-scheduled');
    const child = spawn('npx', args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' },
      detached: true,
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (opts.verbose) process.stdout.write(chunk);
      if (process.env.WORKER_LOG_FILE) appendFileSync(process.env.WORKER_LOG_FILE, chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    stops.push(
      () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.pid === undefined) return done();
          child.once('exit', () => done());
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {
            done();
          }
          setTimeout(() => {
            try {
              if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
            } catch {
              // gone
            }
            done();
          }, 5_000).unref();
        }),
    );
    try {
      await waitForWorker(baseUrl, child, 90_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${output}`);
    }
    log(`worker    ${baseUrl} (workerd via wrangler dev)`);
    return {
      baseUrl,
      databaseUrl,
      redisBackend: redis.backend,
      vars,
      mailUrl: mail.url,
      roundTripsUrl: control.url,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
