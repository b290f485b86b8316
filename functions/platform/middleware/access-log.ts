import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { createLogger } from '../logging';

/** One JSON line per API request: method, route, status and duration, never bodies or headers. */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  createLogger({ requestId: c.get('requestId') }).info('request', {
    method: c.req.method,
    route: c.req.routePath,
    status: c.res.status,
    ms: Date.now() - started,
  });
});
