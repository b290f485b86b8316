import { z } from '@hono/zod-openapi';

export const UsageQuerySchema = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .default(30)
    .openapi({ description: 'UTC days back, today included', example: 30 }),
});

const totals = {
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costMicros: z.number().int().openapi({ description: 'Micro-dollars' }),
  calls: z.number().int(),
};

const PeriodSchema = z.object({
  used: z.number().int(),
  limit: z.number().int(),
  resetsAt: z.string().openapi({ format: 'date-time' }),
});

export const QuotaStatusSchema = z
  .object({
    plan: z.enum(['free', 'pro', 'business']),
    day: PeriodSchema,
    month: PeriodSchema,
  })
  .openapi('QuotaStatus');

export const UsageReportSchema = z
  .object({
    days: z.number().int(),
    from: z.string().openapi({ format: 'date', example: '2026-10-23' }),
    to: z.string().openapi({ format: 'date', example: '2026-11-21' }),
    totals: z.object(totals),
    daily: z.array(z.object({ date: z.string().openapi({ format: 'date' }), ...totals })),
    byModel: z.array(
      z.object({
        provider: z.string().openapi({ example: 'openai' }),
        model: z.string().openapi({ example: 'openai/gpt-4o-mini' }),
        estimated: z
          .boolean()
          .openapi({ description: 'Some counts were estimated with a tokenizer' }),
        ...totals,
      }),
    ),
    bySource: z.array(
      z.object({ source: z.enum(['chat', 'compare', 'api', 'generation']), ...totals }),
    ),
    quota: QuotaStatusSchema,
  })
  .openapi('UsageReport');
