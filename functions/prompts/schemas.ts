import { z } from '@hono/zod-openapi';

/** Prompt field limits, in characters (tags: how many, and each one's length). */
export const PROMPT_LIMITS = {
  title: 120,
  body: 20_000,
  category: 40,
  tags: 10,
  tag: 32,
  query: 200,
} as const;

const titleField = z
  .string()
  .trim()
  .min(1, 'Give the prompt a title')
  .max(PROMPT_LIMITS.title, `Use at most ${PROMPT_LIMITS.title} characters`)
  .openapi({ example: 'Summarise a text' });
const bodyField = z
  .string()
  .trim()
  .min(1, 'Write the prompt')
  .max(PROMPT_LIMITS.body, `Use at most ${PROMPT_LIMITS.body} characters`)
  .openapi({ example: 'Summarise the text below in {{length}} bullet points:\n\n{{text}}' });
const categoryField = z
  .string()
  .trim()
  .min(1, 'Name the category, or leave it out')
  .max(PROMPT_LIMITS.category, `Use at most ${PROMPT_LIMITS.category} characters`)
  .openapi({ example: 'writing' });
const tagField = z
  .string()
  .trim()
  .min(1, 'A tag cannot be empty')
  .max(PROMPT_LIMITS.tag, `Use at most ${PROMPT_LIMITS.tag} characters per tag`);
/** Repeated tags are kept once, in the order given. */
const tagsField = z
  .array(tagField)
  .max(PROMPT_LIMITS.tags, `Use at most ${PROMPT_LIMITS.tags} tags`)
  .transform((tags) => [...new Set(tags)])
  .openapi({ example: ['summary', 'reading'] });
const isPublicField = z
  .boolean()
  .openapi({ description: 'Visible to every user; only administrators may set it' });

export const PromptCreateSchema = z
  .strictObject({
    title: titleField,
    body: bodyField,
    category: categoryField.optional(),
    tags: tagsField.optional(),
    isPublic: isPublicField.optional(),
  })
  .openapi('PromptCreate');
export type PromptCreate = z.infer<typeof PromptCreateSchema>;

export const PromptPatchSchema = z
  .strictObject({
    title: titleField.optional(),
    body: bodyField.optional(),
    category: categoryField.optional(),
    tags: tagsField.optional(),
    isPublic: isPublicField.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('PromptPatch');
export type PromptPatch = z.infer<typeof PromptPatchSchema>;

export const PromptIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const PromptListQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(PROMPT_LIMITS.query)
    .optional()
    .openapi({ description: 'Words to find in the title or body', example: 'email' }),
  category: z.string().trim().min(1).max(PROMPT_LIMITS.category).optional(),
  tag: z.string().trim().min(1).max(PROMPT_LIMITS.tag).optional(),
  favorites: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'true: only the prompts you marked as favourite' }),
  scope: z
    .enum(['all', 'mine', 'public'])
    .default('all')
    .openapi({ description: 'all: yours and the public ones' }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});
export type PromptListQuery = z.infer<typeof PromptListQuerySchema>;

export const PromptSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    body: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    isPublic: z.boolean(),
    variables: z
      .array(z.string())
      .openapi({ description: 'The distinct {{name}} placeholders, in order of first use' }),
    favorite: z.boolean(),
    mine: z.boolean().openapi({ description: 'You wrote it' }),
    canEdit: z.boolean().openapi({ description: 'You may change or delete it' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Prompt');

export const PromptPageSchema = z
  .object({ items: z.array(PromptSchema), nextCursor: z.string().nullable() })
  .openapi('PromptPage');

export const PromptCategoriesSchema = z
  .object({
    items: z.array(z.object({ category: z.string(), count: z.number().int() })),
  })
  .openapi('PromptCategories');
