import { Scalar } from '@scalar/hono-api-reference';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { TrieRouter } from 'hono/router/trie-router';
import { secureHeaders } from 'hono/secure-headers';
import { adminRoutes } from './admin/routes';
import { agentRoutes } from './agents/routes';
import { authRoutes } from './auth/routes';
import { ATTACHMENT_PATH } from './chat/attachments';
import { IMPORT_PATH } from './chat/export';
import { chatRoutes } from './chat/routes';
import { PRODUCT_IMAGE_UPLOAD_PATH } from './commerce/images';
import { commerceRoutes } from './commerce/routes';
import { developerRoutes } from './developer/routes';
import { generationRoutes } from './generation/routes';
import { MEDIA_RAW_BODY_PATH, mediaRoutes } from './media/routes';
import { modelRoutes } from './models/routes';
import { monitoringRoutes } from './monitoring/routes';
import { notificationRoutes } from './notifications/routes';
import { paymentRoutes } from './payments/routes';
import { errorHandler } from './platform/error-handler';
import { problemResponse } from './platform/errors';
import { accessLog } from './platform/middleware/access-log';
import { limitBody } from './platform/middleware/body-limit';
import { servicesMiddleware } from './platform/middleware/services';
import { createRouter } from './platform/openapi';
import { AVATAR_PATH } from './profile/avatar';
import { profileRoutes } from './profile/routes';
import { promptRoutes } from './prompts/routes';
import { usageRoutes } from './usage/routes';

/** JSON bodies above this are refused with 413 before anything reads them. */
export const MAX_BODY_BYTES = 1024 * 1024;

const app = createRouter();

app.use('*', requestId({ headerName: 'X-Request-Id', limitLength: 128 }));
app.use('/api/*', accessLog);
app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
app.use(
  '/api/*',
  cors({
    origin: (origin, c) => (origin === c.env.APP_ORIGIN ? origin : null),
    credentials: true,
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  }),
);
/** Paths that take a larger raw body and set their own limit on the route. */
const OWN_BODY_LIMIT = new Set([AVATAR_PATH, ATTACHMENT_PATH, IMPORT_PATH]);
const defaultBodyLimit = limitBody(MAX_BODY_BYTES);
app.use('/api/*', (c, next) =>
  OWN_BODY_LIMIT.has(c.req.path) ||
  PRODUCT_IMAGE_UPLOAD_PATH.test(c.req.path) ||
  MEDIA_RAW_BODY_PATH.test(c.req.path)
    ? next()
    : defaultBodyLimit(c, next),
);

// Health answers before the services middleware so a missing secret is reported, not thrown.
app.route('/api', monitoringRoutes);
app.use('/api/*', servicesMiddleware);
// The OpenAI-compatible API: its own body limit, token auth and error shape (developer/).
app.use('/v1/*', servicesMiddleware);

// One router per domain. The developer domain is mounted at the root: it spans /api (tokens)
// and /v1 (the OpenAI-compatible API).
const routes = app
  .route('/api', authRoutes)
  .route('/api', notificationRoutes)
  .route('/api', adminRoutes)
  .route('/api', profileRoutes)
  .route('/api', chatRoutes)
  .route('/api', modelRoutes)
  .route('/api', usageRoutes)
  .route('/', developerRoutes)
  .route('/api', agentRoutes)
  .route('/api', promptRoutes)
  .route('/api', mediaRoutes)
  .route('/api', commerceRoutes)
  .route('/api', paymentRoutes)
  .route('/api', generationRoutes);

app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
});
app.doc31('/api/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'WeBox API',
    version: '0.1.0',
    description: 'Multi-AI platform API. Errors are RFC 9457 application/problem+json.',
  },
  servers: [{ url: '/' }],
});
app.get(
  '/api/docs',
  Scalar({ url: '/api/openapi.json', pageTitle: 'WeBox API', cdn: '/vendor/scalar/standalone.js' }),
);

/** Method+path index of every registered route, to tell 405 from 404. */
let methodIndex: TrieRouter<string> | undefined;
function allowedMethods(path: string): string[] {
  if (!methodIndex) {
    methodIndex = new TrieRouter<string>();
    for (const route of app.routes) {
      if (route.method !== 'ALL') methodIndex.add('GET', route.path, route.method);
    }
  }
  const [matches] = methodIndex.match('GET', path);
  return [...new Set(matches.map(([method]) => method))];
}

app.notFound((c) => {
  const id = c.get('requestId') ?? crypto.randomUUID();
  const allowed = allowedMethods(c.req.path);
  if (allowed.length > 0) {
    return problemResponse(
      'METHOD_NOT_ALLOWED',
      `${c.req.method} is not allowed here; use ${allowed.join(', ')}.`,
      id,
      {
        headers: { Allow: allowed.join(', ') },
      },
    );
  }
  return problemResponse('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`, id);
});
app.onError(errorHandler);

export { app };
/** The typed shape of the API, for `hc<AppType>()` in the site. */
export type AppType = typeof routes;
