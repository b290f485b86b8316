import { z } from '@hono/zod-openapi';
import type { FieldIssue } from '../platform/errors';
import { PROMO_KINDS, PROMO_REFUSALS } from './promo';

export const PROMO_LIMITS = { code: 40, scope: 200 } as const;

/** Codes are compared upper-cased; spaces around them are ignored. */
export const promoCodeField = z
  .string()
  .trim()
  .min(3, 'Use at least 3 characters')
  .max(PROMO_LIMITS.code, `Use at most ${PROMO_LIMITS.code} characters`)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, - and _ only')
  .transform((code) => code.toUpperCase())
  .openapi({ example: 'BIENVENUE10' });

const dateField = z.iso
  .datetime({ offset: true, message: 'Use an ISO 8601 date-time' })
  .nullable()
  .openapi({ example: '2026-12-01T00:00:00Z' });
const idList = z
  .array(z.uuid())
  .max(PROMO_LIMITS.scope)
  .transform((ids) => [...new Set(ids)]);

const promoFields = {
  code: promoCodeField,
  kind: z.enum(PROMO_KINDS),
  value: z
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .openapi({ description: 'Percent (1–100) for percent codes, minor units for fixed ones' }),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Use a three-letter upper-case ISO currency code'),
  minSubtotalMinor: z.number().int().min(0).max(100_000_000),
  startsAt: dateField,
  endsAt: dateField,
  maxUses: z.number().int().min(1).max(10_000_000).nullable(),
  perUserLimit: z.number().int().min(1).max(10_000).nullable(),
  productIds: idList.openapi({ description: 'Products in scope; empty with categoryIds: all' }),
  categoryIds: idList.openapi({ description: 'Categories in scope' }),
  active: z.boolean(),
};

/** The fields the value and date rules look at, after a create or a patch. */
export interface PromoRuleFields {
  kind: (typeof PROMO_KINDS)[number];
  value: number;
  startsAt: string | Date | null;
  endsAt: string | Date | null;
}

/** Percent codes take 1–100, fixed ones a positive amount; a code must end after it starts. */
export function promoIssues(fields: PromoRuleFields): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (fields.kind === 'percent' && (fields.value < 1 || fields.value > 100)) {
    issues.push({ path: 'value', message: 'A percent code takes a value from 1 to 100' });
  }
  if (fields.kind === 'fixed' && fields.value < 1) {
    issues.push({ path: 'value', message: 'A fixed code takes an amount above 0' });
  }
  if (
    fields.startsAt !== null &&
    fields.endsAt !== null &&
    new Date(fields.endsAt).getTime() <= new Date(fields.startsAt).getTime()
  ) {
    issues.push({ path: 'endsAt', message: 'The end must come after the start' });
  }
  return issues;
}

export const PromoCreateSchema = z
  .strictObject({
    code: promoFields.code,
    kind: promoFields.kind,
    value: promoFields.value.optional(),
    currency: promoFields.currency.optional(),
    minSubtotalMinor: promoFields.minSubtotalMinor.optional(),
    startsAt: promoFields.startsAt.optional(),
    endsAt: promoFields.endsAt.optional(),
    maxUses: promoFields.maxUses.optional(),
    perUserLimit: promoFields.perUserLimit.optional(),
    productIds: promoFields.productIds.optional(),
    categoryIds: promoFields.categoryIds.optional(),
    active: promoFields.active.optional(),
  })
  .superRefine((body, ctx) => {
    const issues = promoIssues({
      kind: body.kind,
      value: body.value ?? 0,
      startsAt: body.startsAt ?? null,
      endsAt: body.endsAt ?? null,
    });
    for (const issue of issues) {
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    }
  })
  .openapi('PromoCodeCreate');
export type PromoCreate = z.infer<typeof PromoCreateSchema>;

export const PromoPatchSchema = z
  .strictObject({
    code: promoFields.code.optional(),
    kind: promoFields.kind.optional(),
    value: promoFields.value.optional(),
    currency: promoFields.currency.optional(),
    minSubtotalMinor: promoFields.minSubtotalMinor.optional(),
    startsAt: promoFields.startsAt.optional(),
    endsAt: promoFields.endsAt.optional(),
    maxUses: promoFields.maxUses.optional(),
    perUserLimit: promoFields.perUserLimit.optional(),
    productIds: promoFields.productIds.optional(),
    categoryIds: promoFields.categoryIds.optional(),
    active: promoFields.active.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('PromoCodePatch');
export type PromoPatch = z.infer<typeof PromoPatchSchema>;

export const PromoIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const PromoCodeSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    kind: z.enum(PROMO_KINDS),
    value: z.number().int(),
    currency: z.string(),
    minSubtotalMinor: z.number().int(),
    startsAt: z.string().nullable().openapi({ format: 'date-time' }),
    endsAt: z.string().nullable().openapi({ format: 'date-time' }),
    maxUses: z.number().int().nullable(),
    usesCount: z.number().int(),
    perUserLimit: z.number().int().nullable(),
    productIds: z.array(z.uuid()),
    categoryIds: z.array(z.uuid()),
    active: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('PromoCode');

export const PromoCodeListSchema = z
  .object({ items: z.array(PromoCodeSchema) })
  .openapi('PromoCodeList');

export const PromoStatsSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    uses: z.number().int(),
    maxUses: z.number().int().nullable(),
    remaining: z.number().int().nullable().openapi({ description: 'null: unlimited' }),
    totalDiscountMinor: z.number().int(),
    currency: z.string(),
    orders: z.object({
      total: z.number().int().openapi({ description: 'Orders the code was redeemed on' }),
      paid: z.number().int().openapi({ description: 'Of which paid' }),
    }),
    lastRedeemedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('PromoCodeStats');

export const PromoTrySchema = z.strictObject({ code: promoCodeField }).openapi('CartPromoRequest');

export const PromoRefusalSchema = z.enum(PROMO_REFUSALS);
