import { and, desc, eq, sql } from 'drizzle-orm';
import { productCategories, products, wishlistItems } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { type Product, productSelection, rowToProduct } from './products';
import type { Locale } from './schemas';

/** The most products one wishlist holds. */
export const WISHLIST_MAX = 500;

export interface WishlistItem {
  product: Product;
  /** Still on sale: a withdrawn product stays listed so the buyer knows why it is gone. */
  available: boolean;
  addedAt: string;
}

/** The caller's wishlist, most recently added first. */
export async function listWishlist(
  services: Services,
  userId: string,
  locale: Locale,
): Promise<WishlistItem[]> {
  const rows = await services.db
    .select({ ...productSelection, addedAt: wishlistItems.createdAt })
    .from(wishlistItems)
    .innerJoin(products, eq(products.id, wishlistItems.productId))
    .leftJoin(productCategories, eq(productCategories.id, products.categoryId))
    .where(eq(wishlistItems.userId, userId))
    .orderBy(desc(wishlistItems.createdAt), desc(wishlistItems.productId));
  return rows.map((row) => ({
    product: rowToProduct(row, locale),
    available: row.product.active,
    addedAt: row.addedAt.toISOString(),
  }));
}

/** Adds a product on sale to the caller's wishlist; adding it twice changes nothing. */
export async function addToWishlist(
  services: Services,
  userId: string,
  productId: string,
): Promise<void> {
  const { db } = services;
  const [product] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, productId), eq(products.active, true)))
    .limit(1);
  if (!product) throw new ApiError('NOT_FOUND', 'No such product.');
  const [counted] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(wishlistItems)
    .where(eq(wishlistItems.userId, userId));
  if ((counted?.n ?? 0) >= WISHLIST_MAX) {
    throw new ApiError('CONFLICT', `A wishlist holds at most ${WISHLIST_MAX} products.`);
  }
  await db.insert(wishlistItems).values({ userId, productId }).onConflictDoNothing();
}

/** Removes a product from the caller's wishlist; removing one not there changes nothing. */
export async function removeFromWishlist(
  services: Services,
  userId: string,
  productId: string,
): Promise<void> {
  await services.db
    .delete(wishlistItems)
    .where(and(eq(wishlistItems.userId, userId), eq(wishlistItems.productId, productId)));
}

/** Whether a product is in the caller's wishlist. */
export async function isInWishlist(
  services: Services,
  userId: string,
  productId: string,
): Promise<boolean> {
  const [row] = await services.db
    .select({ productId: wishlistItems.productId })
    .from(wishlistItems)
    .where(and(eq(wishlistItems.userId, userId), eq(wishlistItems.productId, productId)))
    .limit(1);
  return row !== undefined;
}
