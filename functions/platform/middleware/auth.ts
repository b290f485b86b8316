import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { isRevoked } from '../revocation';
import { verifyToken } from '../tokens';

/** Requires `Authorization: Bearer <access token>` and puts the caller on `c.var.auth`. */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const token = match?.[1];
  if (!token) {
    throw new ApiError('UNAUTHORIZED', 'Send an access token as "Authorization: Bearer <token>".', {
      headers: { 'WWW-Authenticate': 'Bearer realm="webox"' },
    });
  }
  const { config, secrets, kv } = c.var.services;
  const { issuedAtMs, ...auth } = await verifyToken(
    { secret: secrets.JWT_SECRET, issuer: config.jwtIssuer, audience: config.jwtAudience },
    token,
  );
  const revoked = isRevoked(kv, { ...auth, issuedAtMs });
  if (!READ_ONLY.has(c.req.method)) {
    if (await revoked) throw ended();
    c.set('auth', auth);
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

/** Methods whose handlers only read (house rule: no GET changes state). */
const READ_ONLY = new Set(['GET', 'HEAD']);

const ended = () => new ApiError('UNAUTHORIZED', 'This session has ended; sign in again.');

/** Requires the admin role; use after requireAuth. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.auth.role !== 'admin') {
    throw new ApiError('FORBIDDEN', 'This action needs the admin role.');
  }
  await next();
});
