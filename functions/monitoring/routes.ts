import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/errors';
import { createRouter, jsonResponse, problemResponses, publicRoute } from '../platform/openapi';
import { HealthSchema, PublicHealthSchema } from './schemas';
import { checkHealth, isAdminCaller, publicHealth } from './service';

const healthRoute = publicRoute({
  method: 'get',
  path: '/health',
  tags: ['monitoring'],
  summary: 'Health: up or down; per-dependency detail for administrators',
  description:
    'Anyone gets `{ status: "up" | "down" }` (from a probe at most 5 s old). With an administrator\'s bearer token it probes the database, Redis, QStash and R2 now and reports each with latency and reason. 200 when every required dependency is ok (QStash failing only degrades), 503 otherwise. Rate limited per IP.',
  responses: {
    200: jsonResponse(
      z.union([HealthSchema, PublicHealthSchema]),
      'Up (detail for administrators)',
    ),
    503: jsonResponse(
      z.union([HealthSchema, PublicHealthSchema]),
      'A required dependency is failing',
    ),
    ...problemResponses(429),
  },
});

const RETRY_AFTER_SECONDS = 10;

export const monitoringRoutes = createRouter().openapi(healthRoute, async (c) => {
  const ip = c.req.header('CF-Connecting-IP') ?? 'unknown';
  // The Workers rate-limiting binding counts in memory at the edge: no Redis call, so a
  // down Redis never hides the health answer.
  const { success } = await c.env.HEALTH_LIMITER.limit({ key: `health:${ip}` });
  if (!success) {
    throw new ApiError(
      'RATE_LIMITED',
      `Too many health checks; try again in ${RETRY_AFTER_SECONDS} s.`,
      {
        headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      },
    );
  }
  c.header('Cache-Control', 'no-store');
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  if (await isAdminCaller(c.env, c.req.header('Authorization'))) {
    const health = await checkHealth(c.env, waitUntil);
    return c.json(health, health.status === 'failing' ? 503 : 200);
  }
  const health = await publicHealth(c.env, waitUntil);
  return c.json(health, health.status === 'down' ? 503 : 200);
});
