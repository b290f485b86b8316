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

export const UserListQuerySchema = z.object({
  query: z
    .string()
    .trim()
    .max(100)
    .optional()
    .openapi({ description: 'Part of a name or e-mail address', example: 'alice' }),
  status: z.enum(['active', 'disabled']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1).openapi({ example: 1 }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});

export const AdminUserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['user', 'admin']),
    plan: z.enum(['free', 'pro', 'business']),
    status: z.enum(['active', 'disabled']),
    emailVerified: z.boolean(),
    twoFactorEnabled: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    disabledAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('AdminUser');

export const AdminUserListSchema = z
  .object({
    items: z.array(AdminUserSchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .openapi('AdminUserList');

export const AdminUserParamSchema = z.object({
  id: z.uuid().openapi({
    param: { name: 'id', in: 'path' },
    example: '0b6f7c1e-2a4d-4c8e-9f31-5d2b7a9e4c10',
  }),
});

export const AdminUserResponseSchema = z
  .object({ user: AdminUserSchema })
  .openapi('AdminUserResponse');
