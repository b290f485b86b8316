import { z } from '@hono/zod-openapi';
import { ProductSchema } from './schemas';

export const REVIEW_TEXT_MAX = 4000;
export const REVIEW_STATUSES = ['pending', 'approved', 'rejected'] as const;

const ratingField = z
  .number()
  .int('Give a whole number of stars')
  .min(1, 'Give 1 to 5 stars')
  .max(5, 'Give 1 to 5 stars')
  .openapi({ example: 5 });
const textField = z
  .string()
  .trim()
  .max(REVIEW_TEXT_MAX, `Use at most ${REVIEW_TEXT_MAX} characters`)
  .openapi({ example: 'Clair et utile.' });

export const ReviewCreateSchema = z
  .strictObject({ rating: ratingField, text: textField.optional() })
  .openapi('ReviewCreate');
export type ReviewCreate = z.infer<typeof ReviewCreateSchema>;

export const ReviewPatchSchema = z
  .strictObject({ rating: ratingField.optional(), text: textField.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('ReviewPatch');
export type ReviewPatch = z.infer<typeof ReviewPatchSchema>;

export const ReviewIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const ReviewSchema = z
  .object({
    id: z.uuid(),
    productId: z.uuid(),
    rating: z.number().int(),
    text: z.string(),
    status: z.enum(REVIEW_STATUSES),
    authorName: z.string(),
    mine: z.boolean().openapi({ description: 'You wrote it' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Review');

export const ReviewPageSchema = z
  .object({
    items: z.array(ReviewSchema).openapi({ description: 'Approved reviews, newest first' }),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    average: z.number().nullable(),
    mine: ReviewSchema.nullable().openapi({
      description: 'Your own review whatever its status (signed in only)',
    }),
  })
  .openapi('ReviewPage');

export const ModerationQuerySchema = z.object({
  status: z.enum(REVIEW_STATUSES).default('pending'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const AdminReviewSchema = ReviewSchema.extend({
  author: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  product: ProductSchema.pick({ id: true, slug: true, nameFr: true, nameEn: true }),
}).openapi('AdminReview');

export const AdminReviewPageSchema = z
  .object({
    items: z.array(AdminReviewSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('AdminReviewPage');
