import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { TrieRouter } from 'hono/router/trie-router';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './env';
import { errorHandler } from './error-handler';
import { problemResponse } from './errors';
import { accessLog } from './middleware/access-log';
import { limitBody } from './middleware/body-limit';
import { createRouter } from './openapi';

/**
 * What both Workers of WeBox (the edge one, functions/app.ts, and the jobs one,
 * functions/jobs-app.ts) put around their routers, so a route answers the same whichever
 * Worker serves it: request id, access log, security headers, CORS for the site origin,
 * the body limit, and the 404/405 and error handlers.
 */

/** JSON bodies above this are refused with 413 before anything reads them. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The Hono app with the shared middleware in front. `ownBodyLimit` names the paths that
 * take a larger raw body and set their own limit on the route; `front` runs right after the
 * request id, before anything else (the edge Worker hands the jobs Worker's paths over there).
 */
export function createApp(opts: {
  ownBodyLimit: (path: string) => boolean;
  front?: MiddlewareHandler<AppEnv>;
}): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use('*', requestId({ headerName: REQUEST_ID_HEADER, limitLength: 128 }));
  if (opts.front) app.use('*', opts.front);
  app.use('/api/*', accessLog);
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  app.use(
    '/api/*',
    cors({
      origin: (origin, c) => (origin === c.env.APP_ORIGIN ? origin : null),
      credentials: true,
      allowHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER, 'Idempotency-Key'],
      exposeHeaders: [REQUEST_ID_HEADER, 'Retry-After'],
      maxAge: 600,
    }),
  );
  const defaultBodyLimit = limitBody(MAX_BODY_BYTES);
  app.use('/api/*', (c, next) =>
    opts.ownBodyLimit(c.req.path) ? next() : defaultBodyLimit(c, next),
  );
  return app;
}

export const OPENAPI_PATH = '/api/openapi.json';

/** The OpenAPI document's header, the same for both Workers. */
const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'WeBox API',
    version: '0.1.0',
    description: 'Multi-AI platform API. Errors are RFC 9457 application/problem+json.',
  },
  servers: [{ url: '/' }],
};

/** Registers the bearer scheme the routes' `security` entries name. */
function registerSecuritySchemes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
}

/** Serves the app's own OpenAPI document at OPENAPI_PATH. */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  registerSecuritySchemes(app);
  app.doc31(OPENAPI_PATH, OPENAPI_CONFIG);
}

/** The app's own OpenAPI document, built on each call from its routes. */
export function ownOpenApi(app: OpenAPIHono<AppEnv>): () => unknown {
  registerSecuritySchemes(app);
  return () => app.getOpenAPI31Document(OPENAPI_CONFIG);
}

/** Installs the 404 (405 with `Allow` when the path exists under another method) and error handlers. */
export function finishApp(app: OpenAPIHono<AppEnv>): void {
  let methodIndex: TrieRouter<string> | undefined;
  const allowedMethods = (path: string): string[] => {
    if (!methodIndex) {
      methodIndex = new TrieRouter<string>();
      for (const route of app.routes) {
        if (route.method !== 'ALL') methodIndex.add('GET', route.path, route.method);
      }
    }
    const [matches] = methodIndex.match('GET', path);
    return [...new Set(matches.map(([method]) => method))];
  };
  app.notFound((c) => {
    const id = c.get('requestId') ?? crypto.randomUUID();
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      return problemResponse(
        'METHOD_NOT_ALLOWED',
        `${c.req.method} is not allowed here; use ${allowed.join(', ')}.`,
        id,
        { headers: { Allow: allowed.join(', ') } },
      );
    }
    return problemResponse('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`, id);
  });
  app.onError(errorHandler);
}
