import { asc, eq, sql } from 'drizzle-orm';
import { type Database, isUniqueViolation } from '../../db/client';
import { productCategories } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { localized } from './products';
import type { CategoryCreate, CategoryPatch, Locale } from './schemas';

type CategoryRow = typeof productCategories.$inferSelect;

export interface Category {
  id: string;
  slug: string;
  name: string;
  nameFr: string;
  nameEn: string;
  parentId: string | null;
  sortOrder: number;
  productCount: number;
}

function toCategory(row: CategoryRow, productCount: number, locale: Locale): Category {
  return {
    id: row.id,
    slug: row.slug,
    name: localized(row, locale),
    nameFr: row.nameFr,
    nameEn: row.nameEn,
    parentId: row.parentId,
    sortOrder: row.sortOrder,
    productCount,
  };
}

// The outer table is named in full: drizzle leaves columns unqualified in the fields of a
// single-table select, which would bind them to the subquery's own table.
const activeCount = sql<number>`(select count(*)::int from products p where p.category_id = product_categories.id and p.active)`;

/** Every category, in display order, with its number of products on sale. */
export async function listCategories(services: Services, locale: Locale): Promise<Category[]> {
  const rows = await services.db
    .select({ row: productCategories, count: activeCount })
    .from(productCategories)
    .orderBy(asc(productCategories.sortOrder), asc(productCategories.slug));
  return rows.map(({ row, count }) => toCategory(row, count, locale));
}

async function getCategory(db: Database, id: string, locale: Locale = 'fr'): Promise<Category> {
  const [found] = await db
    .select({ row: productCategories, count: activeCount })
    .from(productCategories)
    .where(eq(productCategories.id, id))
    .limit(1);
  if (!found) throw new ApiError('NOT_FOUND', 'No such category.');
  return toCategory(found.row, found.count, locale);
}

function parentIssue(message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', `body.parentId: ${message}`, {
    issues: [{ path: 'body.parentId', message }],
  });
}

/**
 * Refuses a parent that does not exist, or one that is the category itself or below it
 * (that would make a loop the catalog's category filter would walk forever).
 */
async function assertParent(db: Database, id: string | null, parentId: string): Promise<void> {
  if (parentId === id) throw parentIssue('A category cannot be its own parent');
  let current: string | null = parentId;
  const seen = new Set<string>();
  while (current !== null && !seen.has(current)) {
    seen.add(current);
    const [row] = await db
      .select({ parentId: productCategories.parentId })
      .from(productCategories)
      .where(eq(productCategories.id, current))
      .limit(1);
    if (!row) {
      if (current === parentId) throw parentIssue('No such category');
      return;
    }
    if (row.parentId !== null && row.parentId === id) {
      throw parentIssue('This parent is inside the category itself');
    }
    current = row.parentId;
  }
}

const slugConflict = (slug: string | undefined) =>
  new ApiError('CONFLICT', `The category slug "${slug}" is taken.`);

/** Adds a category (administrators). */
export async function createCategory(services: Services, input: CategoryCreate): Promise<Category> {
  if (input.parentId) await assertParent(services.db, null, input.parentId);
  try {
    const [row] = await services.db
      .insert(productCategories)
      .values({
        slug: input.slug,
        nameFr: input.nameFr,
        nameEn: input.nameEn,
        parentId: input.parentId ?? null,
        sortOrder: input.sortOrder ?? 100,
      })
      .returning();
    if (!row) throw new Error('product_categories insert returned no row');
    return toCategory(row, 0, 'fr');
  } catch (err) {
    if (isUniqueViolation(err, 'product_categories_slug_key')) throw slugConflict(input.slug);
    throw err;
  }
}

/** Changes a category (administrators). */
export async function updateCategory(
  services: Services,
  id: string,
  patch: CategoryPatch,
): Promise<Category> {
  if (patch.parentId) await assertParent(services.db, id, patch.parentId);
  try {
    const rows = await services.db
      .update(productCategories)
      .set(patch)
      .where(eq(productCategories.id, id))
      .returning({ id: productCategories.id });
    if (rows.length === 0) throw new ApiError('NOT_FOUND', 'No such category.');
  } catch (err) {
    if (isUniqueViolation(err, 'product_categories_slug_key')) throw slugConflict(patch.slug);
    throw err;
  }
  return getCategory(services.db, id);
}

/** Deletes a category (administrators): its products and subcategories keep no category. */
export async function deleteCategory(services: Services, id: string): Promise<void> {
  const rows = await services.db
    .delete(productCategories)
    .where(eq(productCategories.id, id))
    .returning({ id: productCategories.id });
  if (rows.length === 0) throw new ApiError('NOT_FOUND', 'No such category.');
}
