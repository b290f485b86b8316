import { z } from '@hono/zod-openapi';

export const OutboxQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ example: 50 }),
});

export const OutboxMessageSchema = z
  .object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    status: z.enum(['queued', 'sent', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('OutboxMessage');

export const OutboxListSchema = z
  .object({ items: z.array(OutboxMessageSchema) })
  .openapi('OutboxList');
