import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

/**
 * CSRF guard for cookie-authenticated writes. Browsers always send `Origin` on POST and
 * `Sec-Fetch-Site` on every request; either one naming another site is refused. Clients
 * that send neither (curl, server-to-server) carry no ambient cookie risk.
 */
export const requireSameOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('Origin');
  const allowed = new Set([c.env.APP_ORIGIN, new URL(c.req.url).origin]);
  if (origin !== undefined && !allowed.has(origin)) {
    throw new ApiError('CSRF_REJECTED', 'This request must come from the WeBox site.');
  }
  const site = c.req.header('Sec-Fetch-Site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ApiError('CSRF_REJECTED', 'This request must come from the WeBox site.');
  }
  await next();
});
