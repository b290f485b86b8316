import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { type Prefetch, preflight } from '../preflight';
import type { RateLimitRule } from '../rate-limit';
import { sessionMarkKeys, sessionRevoked } from '../revocation';
import { verifyToken } from '../tokens';

export interface AuthOptions {
  /** The route's per-account rate limit, counted in the same Redis round trip as the marks. */
  limit?: RateLimitRule;
  /** Values the route will want from Redis (the model registry's version), read alongside. */
  prefetch?: readonly Prefetch[];
}

/** Methods whose handlers only read (house rule: no GET changes state). */
export const READ_ONLY = new Set(['GET', 'HEAD']);

const ended = () => new ApiError('UNAUTHORIZED', 'This session has ended; sign in again.');

/**
 * Requires `Authorization: Bearer <access token>` and puts the caller on `c.var.auth`. The
 * session's revocation marks, the route's rate limit and its prefetches go to Redis in one
 * round trip (preflight.ts); the limit's result waits on `c.var.rateLimited` for
 * rateLimitByUser, which then counts nothing more.
 */
export function authenticate(options: AuthOptions = {}): MiddlewareHandler<AppEnv> {
  const early = options.limit !== undefined || options.prefetch !== undefined;
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('Authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const token = match?.[1];
    if (!token) {
      throw new ApiError(
        'UNAUTHORIZED',
        'Send an access token as "Authorization: Bearer <token>".',
        { headers: { 'WWW-Authenticate': 'Bearer realm="webox"' } },
      );
    }
    const { config, secrets, kv } = c.var.services;
    const { issuedAtMs, ...auth } = await verifyToken(
      { secret: secrets.JWT_SECRET, issuer: config.jwtIssuer, audience: config.jwtAudience },
      token,
    );
    const checked = preflight(kv, {
      marks: sessionMarkKeys(auth),
      limit: options.limit && {
        rule: options.limit,
        subject: auth.userId,
        multiplier: secrets.RATE_LIMIT_MULTIPLIER,
      },
      prefetch: options.prefetch,
    });
    const revoked = checked.then(({ marks }) => sessionRevoked([marks[0], marks[1]], issuedAtMs));
    if (early || !READ_ONLY.has(c.req.method)) {
      if (await revoked) throw ended();
      const { limit } = await checked;
      c.set('auth', auth);
      if (options.limit && limit) c.set('rateLimited', { rule: options.limit.name, result: limit });
      await next();
      return;
    }
    // A read changes nothing, so it runs while the revocation mark is read (Redis and
    // Postgres in parallel: one round trip, not two); an ended session never sees its answer.
    revoked.catch(() => {});
    c.set('auth', auth);
    await next();
    if (await revoked) {
      await c.res.body?.cancel().catch(() => {});
      throw ended();
    }
  });
}

/** Requires a signed-in caller (see authenticate), with nothing else read alongside. */
export const requireAuth = authenticate();

/** Requires the admin role; use after requireAuth. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.auth.role !== 'admin') {
    throw new ApiError('FORBIDDEN', 'This action needs the admin role.');
  }
  await next();
});
