import { z } from '@hono/zod-openapi';
import { PROVIDERS } from './providers/types';

export const ModelProviderSchema = z.enum(PROVIDERS).openapi({ example: 'openai' });

/** Where a call to this model would take its key from, for the caller. */
export const AvailabilitySchema = z
  .enum(['offline', 'own-key', 'platform-key', 'not-configured'])
  .openapi({
    description:
      'offline: built in, free; own-key: your key for the provider; platform-key: WeBox’s key; not-configured: neither, calls answer 424',
    example: 'own-key',
  });

const PriceSchema = z
  .number()
  .int()
  .min(0)
  .max(10_000_000_000)
  .openapi({ description: 'Micro-dollars per million tokens', example: 150_000 });

const RegistryModelFields = {
  slug: z.string().openapi({ example: 'openai/gpt-4o-mini' }),
  provider: ModelProviderSchema,
  modelId: z.string().openapi({ example: 'gpt-4o-mini' }),
  displayName: z.string().openapi({ example: 'GPT-4o mini' }),
  contextWindow: z.number().int().openapi({ example: 128_000 }),
  inputPriceMicros: PriceSchema,
  outputPriceMicros: PriceSchema,
  inputPriceDollars: z
    .number()
    .openapi({ description: 'Dollars per million input tokens, for display', example: 0.15 }),
  outputPriceDollars: z
    .number()
    .openapi({ description: 'Dollars per million output tokens, for display', example: 0.6 }),
  vision: z.boolean(),
  tools: z.boolean(),
  offline: z.boolean().openapi({ description: 'True for WeBox’s built-in offline models' }),
};

export const ModelSchema = z
  .object({ ...RegistryModelFields, availability: AvailabilitySchema })
  .openapi('Model');

export const ModelListSchema = z.object({ items: z.array(ModelSchema) }).openapi('ModelList');

export const AdminModelSchema = z
  .object({
    id: z.uuid(),
    ...RegistryModelFields,
    enabled: z.boolean(),
    sortOrder: z.number().int(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AdminModel');

export const AdminModelListSchema = z
  .object({ items: z.array(AdminModelSchema) })
  .openapi('AdminModelList');

const DisplayNameSchema = z.string().trim().min(1, 'Enter a display name').max(80);
const ContextWindowSchema = z.number().int().min(1).max(100_000_000);
const SortOrderSchema = z.number().int().min(0).max(100_000);

export const AdminModelCreateSchema = z
  .strictObject({
    provider: ModelProviderSchema,
    modelId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'Use letters, digits, ".", "_", ":" and "-"')
      .openapi({ example: 'gpt-4o-mini' }),
    displayName: DisplayNameSchema.openapi({ example: 'GPT-4o mini' }),
    contextWindow: ContextWindowSchema.openapi({ example: 128_000 }),
    inputPriceMicros: PriceSchema,
    outputPriceMicros: PriceSchema,
    vision: z.boolean().default(false),
    tools: z.boolean().default(false),
    enabled: z.boolean().default(true),
    sortOrder: SortOrderSchema.default(100),
  })
  .openapi('AdminModelCreate');

export type AdminModelCreate = z.infer<typeof AdminModelCreateSchema>;

export const AdminModelPatchSchema = z
  .strictObject({
    displayName: DisplayNameSchema.optional(),
    contextWindow: ContextWindowSchema.optional(),
    inputPriceMicros: PriceSchema.optional(),
    outputPriceMicros: PriceSchema.optional(),
    vision: z.boolean().optional(),
    tools: z.boolean().optional(),
    enabled: z.boolean().optional(),
    sortOrder: SortOrderSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('AdminModelPatch');

export type AdminModelPatch = z.infer<typeof AdminModelPatchSchema>;

export const AdminModelParamSchema = z.object({
  id: z.uuid().openapi({
    param: { name: 'id', in: 'path' },
    example: '0b6f7c1e-2a4d-4c8e-9f31-5d2b7a9e4c10',
  }),
});
