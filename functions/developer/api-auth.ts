import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../platform/env';
import type { Prefetch } from '../platform/preflight';
import type { RateLimitRule } from '../platform/rate-limit';
import { authenticateToken } from './token-auth';

/**
 * Requires `Authorization: Bearer wbx_…` (a personal API token) and puts its owner on
 * `c.var.auth`. The role is always `user`: a token never carries admin rights, and
 * `sessionId` names the token so logs and limits can tell it from a browser session.
 * `limit` (the route's per-account rate limit, left on `c.var.rateLimited` for
 * rateLimitByUser) and `prefetch` go to Redis in the token check's one round trip. The
 * last-used mark is written after the response.
 */
export function requireApiToken(
  options: { limit?: RateLimitRule; prefetch?: readonly Prefetch[] } = {},
): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('Authorization');
    const presented = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const { services } = c.var;
    const { caller, limit, touch } = await authenticateToken(services, presented, options);
    c.set('auth', {
      userId: caller.userId,
      role: 'user',
      sessionId: `api-token:${caller.tokenId}`,
    });
    if (options.limit && limit) c.set('rateLimited', { rule: options.limit.name, result: limit });
    try {
      await next();
    } finally {
      services.background(touch());
    }
  });
}
