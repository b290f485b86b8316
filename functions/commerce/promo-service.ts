import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { type Database, isUniqueViolation, type Transaction } from '../../db/client';
import { orders, promoCodes, promoRedemptions } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError, type FieldIssue } from '../platform/errors';
import { type PromoCreate, type PromoPatch, promoIssues } from './promo-schemas';
import { PURCHASE_STATUSES } from './schemas';

export type PromoRow = typeof promoCodes.$inferSelect;

export interface PromoCode {
  id: string;
  code: string;
  kind: PromoRow['kind'];
  value: number;
  currency: string;
  minSubtotalMinor: number;
  startsAt: string | null;
  endsAt: string | null;
  maxUses: number | null;
  usesCount: number;
  perUserLimit: number | null;
  productIds: string[];
  categoryIds: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

function toPromoCode(row: PromoRow): PromoCode {
  return {
    ...row,
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** How codes are stored and compared: trimmed, upper-cased. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * A code and how often this buyer already used it, for `quoteCart`; null when no such code.
 * Anonymous carts pass a null user: their per-user limit is checked at checkout.
 */
export async function findPromoForBuyer(
  db: Database | Transaction,
  code: string,
  userId: string | null,
): Promise<{ promo: PromoRow; userRedemptions: number | null } | null> {
  const [promo] = await db
    .select()
    .from(promoCodes)
    .where(eq(promoCodes.code, normalizeCode(code)))
    .limit(1);
  if (!promo) return null;
  if (userId === null) return { promo, userRedemptions: null };
  return { promo, userRedemptions: await countUserRedemptions(db, promo.id, userId) };
}

async function countUserRedemptions(
  db: Database | Transaction,
  promoId: string,
  userId: string,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(promoRedemptions)
    .where(and(eq(promoRedemptions.promoCodeId, promoId), eq(promoRedemptions.userId, userId)));
  return row?.n ?? 0;
}

export interface Redemption {
  redemptionId: string;
  code: string;
  usesCount: number;
  /** Uses left after this one; null when unlimited. */
  remaining: number | null;
}

/**
 * Takes one use of a code for an order, inside checkout's transaction. The use is taken by
 * one conditional UPDATE (active, uses left), which also locks the code's row until the
 * transaction ends: every other redemption of the code waits there, so the per-user count
 * that follows sees all committed ones and racing buyers cannot pass the limits together.
 * Throws a CONFLICT ApiError when the code is used up, withdrawn, at the buyer's limit or
 * the order already carries a code: let it abort the transaction, which gives the use back.
 */
export async function redeemPromo(
  tx: Transaction,
  input: { promoId: string; userId: string; orderId: string; discountMinor: number },
): Promise<Redemption> {
  if (!Number.isInteger(input.discountMinor) || input.discountMinor < 0) {
    throw new RangeError('discountMinor must be a whole number of minor units, 0 or more');
  }
  const [promo] = await tx
    .update(promoCodes)
    .set({ usesCount: sql`${promoCodes.usesCount} + 1`, updatedAt: new Date() })
    .where(
      and(
        eq(promoCodes.id, input.promoId),
        eq(promoCodes.active, true),
        or(isNull(promoCodes.maxUses), lt(promoCodes.usesCount, promoCodes.maxUses)),
      ),
    )
    .returning({
      code: promoCodes.code,
      usesCount: promoCodes.usesCount,
      maxUses: promoCodes.maxUses,
      perUserLimit: promoCodes.perUserLimit,
    });
  if (!promo) {
    throw new ApiError('CONFLICT', 'This promo code has been used up or withdrawn.');
  }
  if (promo.perUserLimit !== null) {
    const used = await countUserRedemptions(tx, input.promoId, input.userId);
    if (used >= promo.perUserLimit) {
      throw new ApiError(
        'CONFLICT',
        `You have already used ${promo.code} as many times as it allows.`,
      );
    }
  }
  try {
    const [row] = await tx
      .insert(promoRedemptions)
      .values({
        promoCodeId: input.promoId,
        userId: input.userId,
        orderId: input.orderId,
        discountMinor: input.discountMinor,
      })
      .returning({ id: promoRedemptions.id });
    if (!row) throw new Error('promo_redemptions insert returned no row');
    return {
      redemptionId: row.id,
      code: promo.code,
      usesCount: promo.usesCount,
      remaining: promo.maxUses === null ? null : promo.maxUses - promo.usesCount,
    };
  } catch (err) {
    if (isUniqueViolation(err, 'promo_redemptions_order_key')) {
      throw new ApiError('CONFLICT', 'This order already carries a promo code.');
    }
    throw err;
  }
}

function validation(issues: FieldIssue[]): ApiError {
  const body = issues.map((issue) => ({ path: `body.${issue.path}`, message: issue.message }));
  const first = body[0];
  return new ApiError(
    'VALIDATION_FAILED',
    first ? `${first.path}: ${first.message}` : 'The request is invalid.',
    { issues: body },
  );
}

const codeTaken = (code: string | undefined) =>
  new ApiError('CONFLICT', `The promo code ${code ?? ''} already exists.`);
const notFound = () => new ApiError('NOT_FOUND', 'No such promo code.');
const toDate = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

/** Every code, newest first (administrators). */
export async function listPromos(services: Services): Promise<PromoCode[]> {
  const rows = await services.db.select().from(promoCodes).orderBy(desc(promoCodes.createdAt));
  return rows.map(toPromoCode);
}

/** One code (administrators). */
export async function getPromo(services: Services, id: string): Promise<PromoCode> {
  const [row] = await services.db.select().from(promoCodes).where(eq(promoCodes.id, id));
  if (!row) throw notFound();
  return toPromoCode(row);
}

/** Creates a code (administrators); the code is stored upper-cased and must be unique. */
export async function createPromo(services: Services, input: PromoCreate): Promise<PromoCode> {
  try {
    const [row] = await services.db
      .insert(promoCodes)
      .values({
        code: normalizeCode(input.code),
        kind: input.kind,
        value: input.value ?? 0,
        currency: input.currency ?? 'EUR',
        minSubtotalMinor: input.minSubtotalMinor ?? 0,
        startsAt: toDate(input.startsAt) ?? null,
        endsAt: toDate(input.endsAt) ?? null,
        maxUses: input.maxUses ?? null,
        perUserLimit: input.perUserLimit ?? null,
        productIds: input.productIds ?? [],
        categoryIds: input.categoryIds ?? [],
        active: input.active ?? true,
      })
      .returning();
    if (!row) throw new Error('promo_codes insert returned no row');
    return toPromoCode(row);
  } catch (err) {
    if (isUniqueViolation(err, 'promo_codes_code_key')) throw codeTaken(input.code);
    throw err;
  }
}

/**
 * Changes a code (administrators). The rules are checked on the code as it will be, and
 * maxUses cannot drop below the uses already made.
 */
export async function updatePromo(
  services: Services,
  id: string,
  patch: PromoPatch,
): Promise<PromoCode> {
  try {
    return await services.db.transaction(async (tx) => {
      const [row] = await tx.select().from(promoCodes).where(eq(promoCodes.id, id)).for('update');
      if (!row) throw notFound();
      const startsAt = patch.startsAt === undefined ? row.startsAt : patch.startsAt;
      const endsAt = patch.endsAt === undefined ? row.endsAt : patch.endsAt;
      const issues = promoIssues({
        kind: patch.kind ?? row.kind,
        value: patch.value ?? row.value,
        startsAt,
        endsAt,
      });
      const maxUses = patch.maxUses === undefined ? row.maxUses : patch.maxUses;
      if (maxUses !== null && maxUses < row.usesCount) {
        issues.push({
          path: 'maxUses',
          message: `The code was already used ${row.usesCount} times`,
        });
      }
      if (issues.length > 0) throw validation(issues);
      const [updated] = await tx
        .update(promoCodes)
        .set({
          ...patch,
          code: patch.code === undefined ? undefined : normalizeCode(patch.code),
          startsAt: toDate(patch.startsAt),
          endsAt: toDate(patch.endsAt),
          updatedAt: new Date(),
        })
        .where(eq(promoCodes.id, id))
        .returning();
      if (!updated) throw notFound();
      return toPromoCode(updated);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'promo_codes_code_key')) throw codeTaken(patch.code);
    throw err;
  }
}

/**
 * Deletes a code nobody used (administrators). A used code keeps its history: withdraw it
 * with `active: false` instead (409 here).
 */
export async function deletePromo(services: Services, id: string): Promise<void> {
  const rows = await services.db
    .delete(promoCodes)
    .where(and(eq(promoCodes.id, id), eq(promoCodes.usesCount, 0)))
    .returning({ id: promoCodes.id });
  if (rows.length > 0) return;
  await getPromo(services, id);
  throw new ApiError(
    'CONFLICT',
    'This code has been used: set active to false to withdraw it instead.',
  );
}

/** Uses, uses left, discount given and orders of one code (administrators). */
export async function promoStats(services: Services, id: string) {
  const { db } = services;
  const [promo] = await db.select().from(promoCodes).where(eq(promoCodes.id, id));
  if (!promo) throw notFound();
  const [totals] = await db
    .select({
      discount: sql<number>`coalesce(sum(${promoRedemptions.discountMinor}), 0)::int`,
      orders: sql<number>`count(*)::int`,
      paid: sql<number>`count(*) filter (where ${inArray(orders.status, [...PURCHASE_STATUSES])})::int`,
      last: sql<Date | null>`max(${promoRedemptions.createdAt})`.mapWith(
        promoRedemptions.createdAt,
      ),
    })
    .from(promoRedemptions)
    .innerJoin(orders, eq(orders.id, promoRedemptions.orderId))
    .where(eq(promoRedemptions.promoCodeId, id));
  return {
    id: promo.id,
    code: promo.code,
    uses: promo.usesCount,
    maxUses: promo.maxUses,
    remaining: promo.maxUses === null ? null : Math.max(0, promo.maxUses - promo.usesCount),
    totalDiscountMinor: totals?.discount ?? 0,
    currency: promo.currency,
    orders: { total: totals?.orders ?? 0, paid: totals?.paid ?? 0 },
    lastRedeemedAt: totals?.last ? totals.last.toISOString() : null,
  };
}
