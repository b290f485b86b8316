import { z } from '@hono/zod-openapi';

export const CheckSchema = z
  .object({
    status: z.enum(['ok', 'failing']),
    required: z.boolean(),
    latencyMs: z.number().int(),
    reason: z.string().optional(),
  })
  .openapi('DependencyCheck');

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'failing']),
    checks: z.object({
      database: CheckSchema,
      redis: CheckSchema,
      qstash: CheckSchema,
      r2: CheckSchema,
    }),
    time: z.string(),
  })
  .openapi('Health');

export type Health = z.infer<typeof HealthSchema>;
export type Check = z.infer<typeof CheckSchema>;

/** What anyone may learn: up or down, nothing about the dependencies or the configuration. */
export const PublicHealthSchema = z
  .object({ status: z.enum(['up', 'down']) })
  .openapi('PublicHealth');
export type PublicHealth = z.infer<typeof PublicHealthSchema>;
