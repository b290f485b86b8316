import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { type Stack, startStack } from '../../tools/dev-services/stack';
import { startAiFakes } from '../fakes/ai-providers';
import { startMediaFakes } from '../fakes/media-providers';
import { startPaypalFake } from '../fakes/paypal';
import { startStripeFake } from '../fakes/stripe';
import { connectTestRedis, TEST_REDIS_DB, TEST_REDIS_URL } from '../helpers/redis';
import { requireOnCi } from './real-services';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    dbKind: 'pglite' | 'postgres';
    /** The AI vendor fakes (tests/fakes/ai-providers.ts); GET /__requests lists the calls. */
    aiFakeUrl: string;
    /** The media vendor fakes (tests/fakes/media-providers.ts); GET /__requests lists calls. */
    mediaFakeUrl: string;
    /** The Stripe fake (tests/fakes/stripe.ts) and the secret webhooks are signed with. */
    stripeFakeUrl: string;
    stripeWebhookSecret: string;
    /** The PayPal fake (tests/fakes/paypal.ts). */
    paypalFakeUrl: string;
    /** Where the stack wrote the Worker's variables (to start a second Worker with fewer). */
    workerEnvFile: string;
    /** The round-trip recorder's control URL (tools/dev-services/round-trips.ts). */
    roundTripsUrl: string;
  }
}

/**
 * Rate-limit counters live in Redis and outlast a run (the seeded admin signs in on every
 * run); start each run from an empty test database when a real Redis is behind the stand-in.
 */
async function flushTestRedis(): Promise<void> {
  // Each vitest project runs this setup, and projects may run side by side in one process:
  // flushing again would wipe counters a running project's tests are counting on.
  if (process.env.WEBOX_TEST_REDIS_FLUSHED) return;
  process.env.WEBOX_TEST_REDIS_FLUSHED = '1';
  const redis = await connectTestRedis();
  // No Redis: the stand-in uses its in-process store, fresh for every run (a failure on CI).
  const where = new URL(TEST_REDIS_URL).host;
  const reason = 'no answer; the stand-in runs on its in-memory store';
  if (!requireOnCi({ name: 'Redis', where, reason }, redis !== null) || !redis) return;
  try {
    await redis.flushdb();
  } catch {
    // A Redis that refuses FLUSHDB leaves the counters; the run goes on as before.
  } finally {
    redis.disconnect();
  }
}

const REAL_PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEST_DB_NAME = `webox_test_${process.pid}`;

/** Creates a fresh database on the real PostgreSQL server and returns its URL. */
async function freshPostgresDatabase(): Promise<string> {
  const admin = postgres(REAL_PG, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEST_DB_NAME} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${TEST_DB_NAME}`);
  } finally {
    await admin.end();
  }
  const url = new URL(REAL_PG);
  url.pathname = `/${TEST_DB_NAME}`;
  return url.toString();
}

async function dropPostgresDatabase(): Promise<void> {
  const admin = postgres(REAL_PG, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEST_DB_NAME} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Starts the real Worker under wrangler dev with fresh state for the run: PGlite in memory
 * by default, or a new database on the real PostgreSQL server when TEST_DB=postgres.
 */
export default async function setup(project: TestProject) {
  const dbKind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
  await flushTestRedis();
  const stateDir = mkdtempSync(join(tmpdir(), 'webox-test-'));
  const databaseUrl = dbKind === 'postgres' ? await freshPostgresDatabase() : undefined;
  const mediaFakes = await startMediaFakes();
  // OpenAI's and Google's media paths share the chat fakes' base URLs: mount them there too.
  const aiFakes = await startAiFakes({ extra: mediaFakes.handle });
  const stripeFake = await startStripeFake();
  const paypalFake = await startPaypalFake();
  const closeFakes = async () => {
    await aiFakes.close();
    await mediaFakes.close();
    await stripeFake.close();
    await paypalFake.close();
  };
  let stack: Stack;
  try {
    stack = await startStack({
      stateDir,
      workerPort: 0,
      publicHost: 'localhost',
      ephemeral: true,
      databaseUrl,
      redisUrl: TEST_REDIS_URL,
      redisDb: TEST_REDIS_DB,
      testScheduled: true,
      // Key tests call the fakes; a short timeout keeps the "never answers" case quick.
      vars: {
        ...aiFakes.vars,
        ...mediaFakes.vars,
        AI_TEST_TIMEOUT_MS: '1500',
        AI_STREAM_TIMEOUT_MS: '1500',
        // Generation: quick retries and polls so failure and video tests finish in seconds.
        JOB_RETRY_BASE_SECONDS: '1',
        JOB_POLL_SECONDS: '1',
        ...stripeFake.vars,
        ...paypalFake.vars,
        BANK_IBAN: 'FR76 3000 6000 0112 3456 7890 189',
        BANK_BIC: 'AGRIFRPP',
        BANK_HOLDER: 'WeBox Test SAS',
      },
      verbose: Boolean(process.env.TEST_VERBOSE),
      log: (line) => {
        if (process.env.TEST_VERBOSE) console.log(line);
      },
    });
  } catch (err) {
    rmSync(stateDir, { recursive: true, force: true });
    await closeFakes();
    throw err;
  }
  project.provide('baseUrl', stack.baseUrl);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('dbKind', dbKind);
  project.provide('aiFakeUrl', aiFakes.url);
  project.provide('mediaFakeUrl', mediaFakes.url);
  project.provide('stripeFakeUrl', stripeFake.url);
  project.provide('stripeWebhookSecret', stripeFake.webhookSecret);
  project.provide('paypalFakeUrl', paypalFake.url);
  project.provide('roundTripsUrl', stack.roundTripsUrl);
  project.provide('workerEnvFile', join(stateDir, 'worker.env'));
  return async () => {
    await stack.stop();
    await closeFakes();
    if (dbKind === 'postgres') await dropPostgresDatabase();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
