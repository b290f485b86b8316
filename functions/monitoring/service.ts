import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { type Bindings, secretsSchema } from '../platform/env';
import { createQueue } from '../platform/queue';
import { createKeyValue } from '../platform/redis';
import { verifyToken } from '../platform/tokens';
import type { Check, Health, PublicHealth } from './schemas';

const CHECK_TIMEOUT_MS = 3_000;

type Probe = () => Promise<void>;

/** Keeps reasons useful but free of hosts, addresses and credentials. */
function safeReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .replace(/[a-z]+:\/\/\S+/gi, '<url>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>')
    .slice(0, 200);
}

async function run(required: boolean, probe: Probe | string): Promise<Check> {
  if (typeof probe === 'string')
    return { status: 'failing', required, latencyMs: 0, reason: probe };
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'ok', required, latencyMs: Date.now() - started };
  } catch (err) {
    return {
      status: 'failing',
      required,
      latencyMs: Date.now() - started,
      reason: safeReason(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes every dependency in parallel. The database, Redis and R2 are required (no request
 * works without them); QStash only carries background work, so its failure degrades.
 */
export async function checkHealth(
  env: Bindings,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<Health> {
  const parsed = secretsSchema.partial().safeParse(env);
  const secrets = parsed.success ? parsed.data : {};
  const missing = (...names: string[]) => {
    const absent = names.filter((name) => !secrets[name as keyof typeof secrets]);
    return absent.length > 0 ? `not configured: ${absent.join(', ')}` : null;
  };

  const databaseProbe: Probe | string =
    missing('DATABASE_URL') ??
    (async () => {
      const handle = openDatabase(secrets.DATABASE_URL ?? '');
      try {
        await handle.db.execute(sql`select 1`);
      } finally {
        waitUntil(handle.close());
      }
    });
  const redisProbe: Probe | string =
    missing('UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN') ??
    (async () => {
      const kv = createKeyValue({
        url: secrets.UPSTASH_REDIS_REST_URL ?? '',
        token: secrets.UPSTASH_REDIS_REST_TOKEN ?? '',
      });
      const answer = await kv.ping();
      if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
    });
  const qstashProbe: Probe | string =
    missing(
      'QSTASH_URL',
      'QSTASH_TOKEN',
      'QSTASH_CURRENT_SIGNING_KEY',
      'QSTASH_NEXT_SIGNING_KEY',
    ) ??
    (() =>
      createQueue({
        url: secrets.QSTASH_URL,
        token: secrets.QSTASH_TOKEN,
        currentSigningKey: secrets.QSTASH_CURRENT_SIGNING_KEY,
        nextSigningKey: secrets.QSTASH_NEXT_SIGNING_KEY,
        appOrigin: env.APP_ORIGIN,
      }).ping());
  const r2Probe: Probe = async () => {
    await env.MEDIA.head('health/probe');
  };

  const [database, redis, qstash, r2] = await Promise.all([
    run(true, databaseProbe),
    run(true, redisProbe),
    run(false, qstashProbe),
    run(true, r2Probe),
  ]);
  const checks = { database, redis, qstash, r2 };
  const all = Object.values(checks);
  const status = all.some((c) => c.required && c.status === 'failing')
    ? 'failing'
    : all.some((c) => c.status === 'failing')
      ? 'degraded'
      : 'ok';
  return { status, checks, time: new Date().toISOString() };
}

/** Anonymous answers reuse one probe per isolate for this long, so they cost no dependency call. */
export const PUBLIC_HEALTH_TTL_MS = 5_000;
let lastProbe: { at: number; health: Promise<Health> } | undefined;

/** Up when every required dependency answers (a degraded QStash is still up). */
export function publicHealth(
  env: Bindings,
  waitUntil: (p: Promise<unknown>) => void,
  now = Date.now(),
): Promise<PublicHealth> {
  if (!lastProbe || now - lastProbe.at > PUBLIC_HEALTH_TTL_MS) {
    lastProbe = { at: now, health: checkHealth(env, waitUntil) };
  }
  return lastProbe.health.then((health) => ({
    status: health.status === 'failing' ? 'down' : 'up',
  }));
}

/**
 * True when the request carries a valid administrator's access token. A missing or bad
 * token is simply not an administrator: health never answers 401.
 */
export async function isAdminCaller(env: Bindings, authorization: string | undefined) {
  const token = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  if (!token || !env.JWT_SECRET) return false;
  try {
    const auth = await verifyToken(
      { secret: env.JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
      token,
    );
    return auth.role === 'admin';
  } catch {
    return false;
  }
}
