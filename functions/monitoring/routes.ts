import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../platform/openapi';
import { HealthSchema } from './schemas';
import { checkHealth } from './service';

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['monitoring'],
  summary: 'Dependency health',
  description:
    'Probes the database, Redis, QStash and R2. 200 when every required dependency is ok (QStash failing only degrades), 503 otherwise.',
  responses: {
    200: {
      description: 'Healthy or degraded',
      content: { 'application/json': { schema: HealthSchema } },
    },
    503: {
      description: 'A required dependency is failing',
      content: { 'application/json': { schema: HealthSchema } },
    },
  },
});

export const monitoringRoutes = createRouter().openapi(healthRoute, async (c) => {
  const health = await checkHealth(c.env, (p) => c.executionCtx.waitUntil(p));
  c.header('Cache-Control', 'no-store');
  if (health.status === 'failing') return c.json(health, 503);
  return c.json(health, 200);
});
