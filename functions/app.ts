import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import type { ExtractSchema } from 'hono/types';
import { adminRoutes } from './admin/routes';
import { agentRoutes } from './agents/routes';
import { authRoutes } from './auth/routes';
import { ATTACHMENT_PATH } from './chat/attachments';
import { IMPORT_PATH } from './chat/export';
import { chatRoutes } from './chat/routes';
import { developerRoutes } from './developer/routes';
import type { JobsRoutes } from './jobs-app';
import { modelRoutes } from './models/routes';
import { monitoringRoutes } from './monitoring/routes';
import { notificationRoutes } from './notifications/routes';
import { createApp, finishApp, OPENAPI_PATH, ownOpenApi } from './platform/app-shell';
import type { AppEnv } from './platform/env';
import { forwardToJobs } from './platform/jobs-worker';
import { servicesMiddleware } from './platform/middleware/services';
import { mergeOpenApi, type OpenApiDocument } from './platform/openapi-merge';
import { AVATAR_PATH } from './profile/avatar';
import { profileRoutes } from './profile/routes';
import { promptRoutes } from './prompts/routes';
import { usageRoutes } from './usage/routes';

/**
 * The edge Worker's app: the hot paths are served here; generation, media, the shop and the
 * payment webhooks are handed to the jobs Worker (functions/jobs-app.ts) before any other
 * middleware runs (see platform/jobs-worker.ts).
 */

/** Paths that take a larger raw body and set their own limit on the route. */
const OWN_BODY_LIMIT = new Set([AVATAR_PATH, ATTACHMENT_PATH, IMPORT_PATH]);

const app = createApp({ ownBodyLimit: (path) => OWN_BODY_LIMIT.has(path), front: forwardToJobs });

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
  .route('/api', promptRoutes);

const ownDocument = ownOpenApi(app);
/** The jobs Worker's part of the document; it changes only with a deployment. */
let jobsDocument: Promise<OpenApiDocument> | undefined;
// One document for the whole API: this Worker's operations and the jobs Worker's.
app.get(OPENAPI_PATH, async (c) => {
  jobsDocument ??= c.env.JOBS.fetch(`https://webox-jobs${OPENAPI_PATH}`).then(async (res) => {
    if (!res.ok) throw new Error(`jobs Worker answered ${res.status} for ${OPENAPI_PATH}`);
    return (await res.json()) as OpenApiDocument;
  });
  const jobs = await jobsDocument.catch((error: unknown) => {
    jobsDocument = undefined;
    throw error;
  });
  const own = ownDocument() as OpenApiDocument;
  return c.json(mergeOpenApi(own, jobs));
});
app.get(
  '/api/docs',
  Scalar({ url: OPENAPI_PATH, pageTitle: 'WeBox API', cdn: '/vendor/scalar/standalone.js' }),
);

finishApp(app as OpenAPIHono<AppEnv>);

export { app };
/**
 * The typed shape of the whole API, for `hc<AppType>()` in the site: this Worker's routes
 * and the jobs Worker's, which clients reach through this one.
 */
export type AppType = Hono<AppEnv, ExtractSchema<typeof routes> | ExtractSchema<JobsRoutes>, '/'>;
