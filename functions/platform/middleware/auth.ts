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
  if (await isRevoked(kv, { ...auth, issuedAtMs })) {
    throw new ApiError('UNAUTHORIZED', 'This session has ended; sign in again.');
  }
  c.set('auth', auth);
  await next();
});

/** Requires the admin role; use after requireAuth. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.auth.role !== 'admin') {
    throw new ApiError('FORBIDDEN', 'This action needs the admin role.');
  }
  await next();
});
