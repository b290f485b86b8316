import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Database, isUniqueViolation, type Transaction } from '../../db/client';
import { orderItems, orders, productReviews, products, users } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import type { Page } from './products';
import type { ReviewCreate, ReviewPatch } from './review-schemas';
import { PURCHASE_STATUSES } from './schemas';

type ReviewRow = typeof productReviews.$inferSelect;
type ReviewStatus = ReviewRow['status'];

export interface Review {
  id: string;
  productId: string;
  rating: number;
  text: string;
  status: ReviewStatus;
  authorName: string;
  mine: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AdminReview extends Review {
  author: { id: string; name: string; email: string };
  product: { id: string; slug: string; nameFr: string; nameEn: string };
}

function toReview(row: ReviewRow, authorName: string, callerId: string | null): Review {
  return {
    id: row.id,
    productId: row.productId,
    rating: row.rating,
    text: row.text,
    status: row.status,
    authorName,
    mine: row.userId === callerId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** True when the user has a paid (or fulfilled) order containing the product. */
export async function hasBought(
  db: Database | Transaction,
  userId: string,
  productId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: orders.id })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(
      and(
        eq(orders.userId, userId),
        eq(orderItems.productId, productId),
        inArray(orders.status, [...PURCHASE_STATUSES]),
      ),
    )
    .limit(1);
  return row !== undefined;
}

async function assertProduct(db: Database, productId: string, activeOnly: boolean) {
  const [row] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, productId), activeOnly ? eq(products.active, true) : undefined))
    .limit(1);
  if (!row) throw new ApiError('NOT_FOUND', 'No such product.');
}

/**
 * A product's approved reviews, newest first, with the average over all approved ones;
 * plus the caller's own review whatever its status, so a pending one can be shown to them.
 */
export async function listReviews(
  services: Services,
  productId: string,
  callerId: string | null,
  paging: { page: number; limit: number },
): Promise<Page<Review> & { average: number | null; mine: Review | null }> {
  const { db } = services;
  await assertProduct(db, productId, true);
  const approved = and(
    eq(productReviews.productId, productId),
    eq(productReviews.status, 'approved'),
  );
  const [summary] = await db
    .select({
      total: sql<number>`count(*)::int`,
      average: sql<number | null>`avg(${productReviews.rating})::float8`,
    })
    .from(productReviews)
    .where(approved);
  const rows = await db
    .select({ review: productReviews, authorName: users.name })
    .from(productReviews)
    .innerJoin(users, eq(users.id, productReviews.userId))
    .where(approved)
    .orderBy(desc(productReviews.createdAt), desc(productReviews.id))
    .limit(paging.limit)
    .offset((paging.page - 1) * paging.limit);
  let mine: Review | null = null;
  if (callerId) {
    const [own] = await db
      .select({ review: productReviews, authorName: users.name })
      .from(productReviews)
      .innerJoin(users, eq(users.id, productReviews.userId))
      .where(and(eq(productReviews.productId, productId), eq(productReviews.userId, callerId)))
      .limit(1);
    if (own) mine = toReview(own.review, own.authorName, callerId);
  }
  const average = summary?.average ?? null;
  return {
    items: rows.map((row) => toReview(row.review, row.authorName, callerId)),
    total: summary?.total ?? 0,
    page: paging.page,
    limit: paging.limit,
    average: average === null ? null : Math.round(average * 100) / 100,
    mine,
  };
}

/**
 * Writes the caller's review of a product they bought, pending moderation. One per buyer
 * and product: the unique index answers a second one (or two at once) with 409.
 */
export async function createReview(
  services: Services,
  userId: string,
  productId: string,
  input: ReviewCreate,
): Promise<Review> {
  const { db } = services;
  await assertProduct(db, productId, false);
  if (!(await hasBought(db, userId, productId))) {
    throw new ApiError('FORBIDDEN', 'Only buyers of this product can review it.');
  }
  try {
    const [row] = await db
      .insert(productReviews)
      .values({ productId, userId, rating: input.rating, text: input.text ?? '' })
      .returning();
    if (!row) throw new Error('product_reviews insert returned no row');
    return toReview(row, await authorName(db, userId), userId);
  } catch (err) {
    if (isUniqueViolation(err, 'product_reviews_product_user_key')) {
      throw new ApiError(
        'CONFLICT',
        'You have already reviewed this product; change your review instead.',
      );
    }
    throw err;
  }
}

async function authorName(db: Database, userId: string): Promise<string> {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? '';
}

/** Changes the caller's own review; it goes back to moderation. Another's review: 404. */
export async function updateReview(
  services: Services,
  userId: string,
  reviewId: string,
  patch: ReviewPatch,
): Promise<Review> {
  const [row] = await services.db
    .update(productReviews)
    .set({ ...patch, status: 'pending', updatedAt: new Date() })
    .where(and(eq(productReviews.id, reviewId), eq(productReviews.userId, userId)))
    .returning();
  if (!row) throw new ApiError('NOT_FOUND', 'No such review.');
  return toReview(row, await authorName(services.db, userId), userId);
}

const adminSelection = {
  review: productReviews,
  author: { id: users.id, name: users.name, email: users.email },
  product: {
    id: products.id,
    slug: products.slug,
    nameFr: products.nameFr,
    nameEn: products.nameEn,
  },
};

function toAdminReview(row: {
  review: ReviewRow;
  author: AdminReview['author'];
  product: AdminReview['product'];
}): AdminReview {
  return {
    ...toReview(row.review, row.author.name, null),
    author: row.author,
    product: row.product,
  };
}

/** Reviews in one moderation status, oldest first (the queue order). */
export async function listForModeration(
  services: Services,
  query: { status: ReviewStatus; page: number; limit: number },
): Promise<Page<AdminReview>> {
  const { db } = services;
  const where = eq(productReviews.status, query.status);
  const [counted] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(productReviews)
    .where(where);
  const rows = await db
    .select(adminSelection)
    .from(productReviews)
    .innerJoin(users, eq(users.id, productReviews.userId))
    .innerJoin(products, eq(products.id, productReviews.productId))
    .where(where)
    .orderBy(productReviews.createdAt, productReviews.id)
    .limit(query.limit)
    .offset((query.page - 1) * query.limit);
  return {
    items: rows.map(toAdminReview),
    total: counted?.total ?? 0,
    page: query.page,
    limit: query.limit,
  };
}

/** Approves or rejects a review (administrators). */
export async function moderateReview(
  services: Services,
  reviewId: string,
  status: 'approved' | 'rejected',
): Promise<AdminReview> {
  const { db } = services;
  const updated = await db
    .update(productReviews)
    .set({ status, updatedAt: new Date() })
    .where(eq(productReviews.id, reviewId))
    .returning({ id: productReviews.id });
  if (updated.length === 0) throw new ApiError('NOT_FOUND', 'No such review.');
  const [row] = await db
    .select(adminSelection)
    .from(productReviews)
    .innerJoin(users, eq(users.id, productReviews.userId))
    .innerJoin(products, eq(products.id, productReviews.productId))
    .where(eq(productReviews.id, reviewId));
  if (!row) throw new ApiError('NOT_FOUND', 'No such review.');
  return toAdminReview(row);
}
