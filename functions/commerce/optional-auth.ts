import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, AuthContext } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertAllowed, clientIp, consume, type RateLimitRule } from '../platform/rate-limit';
import { isRevoked } from '../platform/revocation';
import { verifyToken } from '../platform/tokens';

/** OpenAPI security for routes behind optionalAuth: anonymous, or a bearer token. */
export const optionalBearer: Array<Record<string, string[]>> = [{}, { bearerAuth: [] }];

/**
 * Reads `Authorization: Bearer <access token>` when there is one and verifies it exactly as
 * requireAuth does (pinned algorithm, issuer, audience, revocation): a bad or expired token
 * is a 401, so a client refreshes instead of silently landing in an anonymous cart. With
 * no header the request goes on anonymous and `c.var.auth` stays unset.
 */
export const optionalAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  if (header !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      throw new ApiError(
        'UNAUTHORIZED',
        'Send an access token as "Authorization: Bearer <token>".',
        {
          headers: { 'WWW-Authenticate': 'Bearer realm="webox"' },
        },
      );
    }
    const { config, secrets, kv } = c.var.services;
    const { issuedAtMs, ...auth } = await verifyToken(
      { secret: secrets.JWT_SECRET, issuer: config.jwtIssuer, audience: config.jwtAudience },
      token,
    );
    if (await isRevoked(kv, { ...auth, issuedAtMs })) {
      throw new ApiError('UNAUTHORIZED', 'This session has ended; sign in again.');
    }
    c.set('auth', auth);
  }
  await next();
});

/** The signed-in caller behind optionalAuth, or null for an anonymous visitor. */
export function callerOf(c: Context<AppEnv>): AuthContext | null {
  const auth: AuthContext | undefined = c.get('auth');
  return auth ?? null;
}

/** A limit counted per account when signed in, per IP address otherwise; after optionalAuth. */
export function rateLimitByCaller(rule: RateLimitRule) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { kv, secrets } = c.var.services;
    const caller = callerOf(c);
    const subject = caller ? caller.userId : `ip:${clientIp(c)}`;
    const result = await consume(kv, rule, subject, secrets.RATE_LIMIT_MULTIPLIER);
    assertAllowed(result);
    c.header('RateLimit-Remaining', String(result.remaining));
    await next();
  });
}
