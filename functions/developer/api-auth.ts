import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../platform/env';
import { authenticateToken } from './api-tokens';

/**
 * Requires `Authorization: Bearer wbx_…` (a personal API token) and puts its owner on
 * `c.var.auth`. The role is always `user`: a token never carries admin rights, and
 * `sessionId` names the token so logs and limits can tell it from a browser session.
 */
export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  const presented = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  const caller = await authenticateToken(c.var.services, presented);
  c.set('auth', { userId: caller.userId, role: 'user', sessionId: `api-token:${caller.tokenId}` });
  await next();
});
