import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import type { KeyValue } from './redis';

export interface RateLimitRule {
  /** Short name, part of the Redis key: `rl:<name>:<subject>`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** A rule in one line: `rule('forgot-ip', 20, 3600)` is 20 per hour, counted under forgot-ip. */
export function rule(name: string, limit: number, windowSeconds: number): RateLimitRule {
  return { name, limit, windowSeconds };
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/** An Upstash transaction (`kv.multi()`) that commands are added to before one `exec`. */
export type Transaction = ReturnType<KeyValue['multi']>;

/**
 * Adds a fixed-window counter to a transaction: SET NX starts the window with its expiry and
 * INCR keeps it, in one MULTI so two racing requests cannot both see a fresh window. Returns
 * how to read the result from the transaction's replies (these three are the last ones).
 */
export function queueConsume(
  tx: Transaction,
  rule: RateLimitRule,
  subject: string,
  multiplier = 1,
): (replies: unknown[]) => RateLimitResult {
  const key = `rl:${rule.name}:${subject}`;
  const limit = Math.max(1, Math.floor(rule.limit * multiplier));
  tx.set(key, 0, { nx: true, ex: rule.windowSeconds });
  tx.incr(key);
  tx.pttl(key);
  return (replies) => {
    const [count, pttl] = replies.slice(-2) as [number, number];
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((pttl > 0 ? pttl : rule.windowSeconds * 1000) / 1000),
    );
    return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
  };
}

/** Fixed-window counter in Redis, shared by every edge location (one round trip). */
export async function consume(
  kv: KeyValue,
  rule: RateLimitRule,
  subject: string,
  multiplier = 1,
): Promise<RateLimitResult> {
  const tx = kv.multi();
  const read = queueConsume(tx, rule, subject, multiplier);
  return read(await tx.exec());
}

/** Throws the 429 problem with `Retry-After` when a result is over its limit. */
export function assertAllowed(result: RateLimitResult): void {
  if (!result.allowed) {
    throw new ApiError(
      'RATE_LIMITED',
      `Too many attempts; try again in ${result.retryAfterSeconds} s.`,
      {
        headers: { 'Retry-After': String(result.retryAfterSeconds) },
      },
    );
  }
}

/** The caller's IP as Cloudflare reports it. */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? '0.0.0.0';
}

/** Per-IP limit for a route group. */
export function rateLimitByIp(rule: RateLimitRule) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { kv, secrets } = c.var.services;
    const result = await consume(kv, rule, clientIp(c), secrets.RATE_LIMIT_MULTIPLIER);
    assertAllowed(result);
    c.header('RateLimit-Remaining', String(result.remaining));
    await next();
  });
}

/** A per-account limit's middleware, carrying its rule so route builders can count it early. */
export type PerUserLimit = MiddlewareHandler<AppEnv> & { perUserRule: RateLimitRule };

/**
 * Per-account limit for a route; use after requireAuth. When the auth step already counted
 * this rule in its own Redis round trip (see preflight.ts), its result is used, not counted
 * twice.
 */
export function rateLimitByUser(rule: RateLimitRule): PerUserLimit {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    const { kv, secrets } = c.var.services;
    const counted = c.get('rateLimited');
    const result =
      counted?.rule === rule.name
        ? counted.result
        : await consume(kv, rule, c.var.auth.userId, secrets.RATE_LIMIT_MULTIPLIER);
    assertAllowed(result);
    c.header('RateLimit-Remaining', String(result.remaining));
    await next();
  });
  return Object.assign(middleware, { perUserRule: rule });
}
