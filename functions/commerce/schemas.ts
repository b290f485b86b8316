import { z } from '@hono/zod-openapi';
import { productKind } from '../../db/schema';
import type { FieldIssue } from '../platform/errors';

/** Field limits of the catalog, in characters unless named otherwise. */
export const CATALOG_LIMITS = {
  slug: 80,
  name: 200,
  description: 10_000,
  query: 200,
  /** Highest price accepted, in minor units (1 000 000.00). */
  priceMinor: 100_000_000,
  stock: 1_000_000,
  credits: 100_000_000,
  key: 500,
} as const;

export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const LocaleQuerySchema = z.object({
  locale: z.enum(LOCALES).default('fr').openapi({
    description: 'Language of `name` and `description` (both are always sent raw too)',
  }),
});

/** Order statuses that prove a purchase: the money was taken and not all given back. */
export const PURCHASE_STATUSES = ['paid', 'fulfilled', 'partially_refunded'] as const;

export const PRODUCT_KINDS = productKind.enumValues;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
export const STOCK_STATES = ['in_stock', 'low_stock', 'out_of_stock'] as const;
export type StockState = (typeof STOCK_STATES)[number];
export const PRODUCT_SORTS = ['price_asc', 'price_desc', 'newest', 'popular'] as const;
export const SOLD_PLANS = ['pro', 'business'] as const;

const slugField = z
  .string()
  .trim()
  .min(1, 'Give a slug')
  .max(CATALOG_LIMITS.slug, `Use at most ${CATALOG_LIMITS.slug} characters`)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single hyphens')
  .openapi({ example: 'guide-prompts' });

export const ProductIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});
export const ProductSlugParamSchema = z.object({
  slug: slugField.openapi({ param: { name: 'slug', in: 'path' } }),
});
export const ProductImageParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  imageId: z.uuid().openapi({ param: { name: 'imageId', in: 'path' } }),
});
export const CategoryIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

const pageFields = {
  page: z.coerce.number().int().min(1).max(10_000).default(1).openapi({ example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
};

const minorQuery = z.coerce
  .number()
  .int('Use whole minor units (cents)')
  .min(0)
  .max(CATALOG_LIMITS.priceMinor);

const productQueryFields = {
  q: z.string().trim().min(1).max(CATALOG_LIMITS.query).optional().openapi({
    description:
      'Words searched in the French and English names and descriptions (web-search syntax: "phrase", -word, or)',
    example: 'livre',
  }),
  category: slugField
    .optional()
    .openapi({ description: 'A category slug (its subcategories too)' }),
  kind: z.enum(PRODUCT_KINDS).optional(),
  minPrice: minorQuery.optional().openapi({ description: 'Lowest price, in minor units' }),
  maxPrice: minorQuery.optional().openapi({ description: 'Highest price, in minor units' }),
  sort: z.enum(PRODUCT_SORTS).optional().openapi({
    description: 'Default: relevance when q is given, otherwise newest',
  }),
  ...pageFields,
};

const priceRange = (query: { minPrice?: number; maxPrice?: number }) =>
  query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice;
const priceRangeIssue = { message: 'minPrice must not exceed maxPrice', path: ['minPrice'] };

export const ProductListQuerySchema = z
  .object({ ...productQueryFields, ...LocaleQuerySchema.shape })
  .refine(priceRange, priceRangeIssue);
export type ProductListQuery = z.infer<typeof ProductListQuerySchema>;

export const AdminProductListQuerySchema = z
  .object({
    ...productQueryFields,
    ...LocaleQuerySchema.shape,
    status: z.enum(['active', 'inactive', 'all']).default('all'),
  })
  .refine(priceRange, priceRangeIssue);
export type AdminProductListQuery = z.infer<typeof AdminProductListQuerySchema>;

export const PageQuerySchema = z.object(pageFields);

const CategoryRefSchema = z.object({ id: z.uuid(), slug: z.string(), name: z.string() });

export const ProductSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    kind: z.enum(PRODUCT_KINDS),
    category: CategoryRefSchema.nullable(),
    name: z.string().openapi({ description: 'In the requested locale' }),
    description: z.string().openapi({ description: 'In the requested locale' }),
    nameFr: z.string(),
    nameEn: z.string(),
    descriptionFr: z.string(),
    descriptionEn: z.string(),
    priceMinor: z.number().int().openapi({ description: 'Price including VAT, in minor units' }),
    currency: z.string().openapi({ example: 'EUR' }),
    taxRateBps: z.number().int().openapi({ description: 'VAT rate in basis points (2000 = 20 %)' }),
    stockState: z.enum(STOCK_STATES),
    stock: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Units left; null when not tracked' }),
    credits: z.number().int().nullable(),
    plan: z.enum(SOLD_PLANS).nullable(),
    billingInterval: z.enum(['month', 'year']).nullable(),
    imageUrls: z.array(z.string()),
    rating: z.object({
      average: z.number().nullable().openapi({ description: 'Approved reviews only' }),
      count: z.number().int(),
    }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Product');

export const AdminProductSchema = ProductSchema.extend({
  active: z.boolean(),
  salesCount: z.number().int(),
  imageKeys: z.array(z.string()),
  downloadKey: z.string().nullable(),
  stripePriceId: z.string().nullable(),
  updatedAt: z.string().openapi({ format: 'date-time' }),
}).openapi('AdminProduct');

export const ProductPageSchema = z
  .object({
    items: z.array(ProductSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('ProductPage');

export const AdminProductPageSchema = z
  .object({
    items: z.array(AdminProductSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('AdminProductPage');

const nameField = z
  .string()
  .trim()
  .min(1, 'Give a name')
  .max(CATALOG_LIMITS.name, `Use at most ${CATALOG_LIMITS.name} characters`);
const descriptionField = z
  .string()
  .trim()
  .max(CATALOG_LIMITS.description, `Use at most ${CATALOG_LIMITS.description} characters`);
const optionalKey = z.string().trim().min(1).max(CATALOG_LIMITS.key).nullable();

const productFields = {
  slug: slugField,
  kind: z.enum(PRODUCT_KINDS),
  categoryId: z.uuid().nullable(),
  nameFr: nameField.openapi({ example: 'Guide des prompts' }),
  nameEn: nameField.openapi({ example: 'Prompt guide' }),
  descriptionFr: descriptionField,
  descriptionEn: descriptionField,
  priceMinor: z
    .number()
    .int('Use whole minor units (cents)')
    .min(0, 'A price cannot be negative')
    .max(CATALOG_LIMITS.priceMinor)
    .openapi({ example: 1900 }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'Use a three-letter upper-case ISO currency code')
    .openapi({ example: 'EUR' }),
  taxRateBps: z.number().int().min(0).max(10_000).openapi({ example: 2000 }),
  stock: z.number().int().min(0, 'Stock cannot be negative').max(CATALOG_LIMITS.stock).nullable(),
  credits: z.number().int().min(0).max(CATALOG_LIMITS.credits).nullable(),
  plan: z.enum(SOLD_PLANS).nullable(),
  billingInterval: z.enum(['month', 'year']).nullable(),
  downloadKey: optionalKey,
  stripePriceId: optionalKey,
  active: z.boolean(),
};

/** The fields the kind rules look at, after a create or a patch. */
export interface KindFields {
  kind: ProductKind;
  plan?: string | null;
  billingInterval?: string | null;
  credits?: number | null;
  stock?: number | null;
}

/**
 * What each kind needs: a plan its plan and billing interval, a credit pack a positive
 * number of credits, a physical product its stock. Paths are relative to the body.
 */
export function kindIssues(fields: KindFields): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (fields.kind === 'plan') {
    if (!fields.plan) issues.push({ path: 'plan', message: 'A plan product needs its plan' });
    if (!fields.billingInterval) {
      issues.push({ path: 'billingInterval', message: 'A plan product needs a billing interval' });
    }
  } else {
    if (fields.plan) issues.push({ path: 'plan', message: 'Only plan products grant a plan' });
    if (fields.billingInterval) {
      issues.push({ path: 'billingInterval', message: 'Only plan products have an interval' });
    }
  }
  if (fields.kind === 'credit_pack' && !(fields.credits && fields.credits > 0)) {
    issues.push({ path: 'credits', message: 'A credit pack needs credits > 0' });
  }
  if (fields.kind === 'physical' && (fields.stock === null || fields.stock === undefined)) {
    issues.push({ path: 'stock', message: 'A physical product needs its stock' });
  }
  return issues;
}

export const ProductCreateSchema = z
  .strictObject({
    slug: productFields.slug,
    kind: productFields.kind,
    nameFr: productFields.nameFr,
    nameEn: productFields.nameEn,
    priceMinor: productFields.priceMinor,
    categoryId: productFields.categoryId.optional(),
    descriptionFr: productFields.descriptionFr.optional(),
    descriptionEn: productFields.descriptionEn.optional(),
    currency: productFields.currency.optional(),
    taxRateBps: productFields.taxRateBps.optional(),
    stock: productFields.stock.optional(),
    credits: productFields.credits.optional(),
    plan: productFields.plan.optional(),
    billingInterval: productFields.billingInterval.optional(),
    downloadKey: productFields.downloadKey.optional(),
    stripePriceId: productFields.stripePriceId.optional(),
    active: productFields.active.optional(),
  })
  .superRefine((body, ctx) => {
    for (const issue of kindIssues(body)) {
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    }
  })
  .openapi('ProductCreate');
export type ProductCreate = z.infer<typeof ProductCreateSchema>;

export const ProductPatchSchema = z
  .strictObject({
    slug: productFields.slug.optional(),
    kind: productFields.kind.optional(),
    nameFr: productFields.nameFr.optional(),
    nameEn: productFields.nameEn.optional(),
    priceMinor: productFields.priceMinor.optional(),
    categoryId: productFields.categoryId.optional(),
    descriptionFr: productFields.descriptionFr.optional(),
    descriptionEn: productFields.descriptionEn.optional(),
    currency: productFields.currency.optional(),
    taxRateBps: productFields.taxRateBps.optional(),
    stock: productFields.stock.optional(),
    credits: productFields.credits.optional(),
    plan: productFields.plan.optional(),
    billingInterval: productFields.billingInterval.optional(),
    downloadKey: productFields.downloadKey.optional(),
    stripePriceId: productFields.stripePriceId.optional(),
    active: productFields.active.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('ProductPatch');
export type ProductPatch = z.infer<typeof ProductPatchSchema>;

export const ProductImageUploadedSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    contentType: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
    imageUrls: z
      .array(z.string())
      .openapi({ description: 'All of the product’s images, in order' }),
  })
  .openapi('ProductImageUploaded');

export const CategorySchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string().openapi({ description: 'In the requested locale' }),
    nameFr: z.string(),
    nameEn: z.string(),
    parentId: z.uuid().nullable(),
    sortOrder: z.number().int(),
    productCount: z.number().int().openapi({ description: 'Active products directly in it' }),
  })
  .openapi('ProductCategory');

export const CategoryListSchema = z
  .object({ items: z.array(CategorySchema) })
  .openapi('ProductCategoryList');

export const CategoryCreateSchema = z
  .strictObject({
    slug: slugField,
    nameFr: nameField,
    nameEn: nameField,
    parentId: z.uuid().nullable().optional(),
    sortOrder: z.number().int().min(0).max(100_000).optional(),
  })
  .openapi('ProductCategoryCreate');
export type CategoryCreate = z.infer<typeof CategoryCreateSchema>;

export const CategoryPatchSchema = z
  .strictObject({
    slug: slugField.optional(),
    nameFr: nameField.optional(),
    nameEn: nameField.optional(),
    parentId: z.uuid().nullable().optional(),
    sortOrder: z.number().int().min(0).max(100_000).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('ProductCategoryPatch');
export type CategoryPatch = z.infer<typeof CategoryPatchSchema>;
