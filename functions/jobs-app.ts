import type { OpenAPIHono } from '@hono/zod-openapi';
import { PRODUCT_IMAGE_UPLOAD_PATH } from './commerce/images';
import { commerceRoutes } from './commerce/routes';
import { generationRoutes } from './generation/routes';
import { MEDIA_RAW_BODY_PATH, mediaRoutes } from './media/routes';
import { paymentRoutes } from './payments/routes';
import { createApp, finishApp, serveOpenApi } from './platform/app-shell';
import type { AppEnv } from './platform/env';
import { servicesMiddleware } from './platform/middleware/services';

/**
 * The jobs Worker's app (functions/jobs-index.ts): generation, media, the shop and the
 * payment webhooks, reached only through the edge Worker's JOBS binding
 * (platform/jobs-worker.ts). Its OpenAPI document is merged into the edge Worker's.
 */

const app = createApp({
  ownBodyLimit: (path) => PRODUCT_IMAGE_UPLOAD_PATH.test(path) || MEDIA_RAW_BODY_PATH.test(path),
});

app.use('/api/*', servicesMiddleware);

const routes = app
  .route('/api', mediaRoutes)
  .route('/api', commerceRoutes)
  .route('/api', paymentRoutes)
  .route('/api', generationRoutes);

serveOpenApi(app);

finishApp(app as OpenAPIHono<AppEnv>);

export { app as jobsApp };
/** The typed shape of the jobs Worker's routes, merged into `AppType` (functions/app.ts). */
export type JobsRoutes = typeof routes;
