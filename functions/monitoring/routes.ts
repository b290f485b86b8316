import { createRouter, jsonResponse, publicRoute } from '../platform/openapi';
import { HealthSchema } from './schemas';
import { checkHealth } from './service';

const healthRoute = publicRoute({
  method: 'get',
  path: '/health',
  tags: ['monitoring'],
  summary: 'Dependency health',
  description:
    'Probes the database, Redis, QStash and R2. 200 when every required dependency is ok (QStash failing only degrades), 503 otherwise.',
  responses: {
    200: jsonResponse(HealthSchema, 'Healthy or degraded'),
    503: jsonResponse(HealthSchema, 'A required dependency is failing'),
  },
});

export const monitoringRoutes = createRouter().openapi(healthRoute, async (c) => {
  const health = await checkHealth(c.env, (p) => c.executionCtx.waitUntil(p));
  c.header('Cache-Control', 'no-store');
  if (health.status === 'failing') return c.json(health, 503);
  return c.json(health, 200);
});
