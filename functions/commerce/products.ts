import { and, asc, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { type Database, isUniqueViolation, type Transaction } from '../../db/client';
import { productCategories, products } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError, type FieldIssue } from '../platform/errors';
import {
  type AdminProductListQuery,
  type KindFields,
  kindIssues,
  type Locale,
  type ProductCreate,
  type ProductListQuery,
  type ProductPatch,
  type StockState,
} from './schemas';

export type ProductRow = typeof products.$inferSelect;
type CategoryRef = { id: string; slug: string; nameFr: string; nameEn: string };

/** At or below this many units left, a tracked product shows as "low stock". */
export const LOW_STOCK_THRESHOLD = 5;

export interface Product {
  id: string;
  slug: string;
  kind: ProductRow['kind'];
  category: { id: string; slug: string; name: string } | null;
  name: string;
  description: string;
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  priceMinor: number;
  currency: string;
  taxRateBps: number;
  stockState: StockState;
  stock: number | null;
  credits: number | null;
  plan: 'pro' | 'business' | null;
  billingInterval: 'month' | 'year' | null;
  imageUrls: string[];
  rating: { average: number | null; count: number };
  createdAt: string;
}

export interface AdminProduct extends Product {
  active: boolean;
  salesCount: number;
  imageKeys: string[];
  downloadKey: string | null;
  stripePriceId: string | null;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** In stock, low or out: untracked stock (digital goods, plans) is always in stock. */
export function stockState(stock: number | null): StockState {
  if (stock === null) return 'in_stock';
  if (stock <= 0) return 'out_of_stock';
  return stock <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock';
}

/** The public URL of one of a product's images (keys are `products/<id>/<uuid>`). */
export function productImageUrl(productId: string, key: string): string {
  return `/api/products/${productId}/images/${key.slice(key.lastIndexOf('/') + 1)}`;
}

/** The localized name of a product or category. */
export function localized(row: { nameFr: string; nameEn: string }, locale: Locale): string {
  return locale === 'en' ? row.nameEn : row.nameFr;
}

/** A `plan` value as sold: the schema's enum also holds `free`, which is never a product. */
function soldPlan(plan: ProductRow['plan']): 'pro' | 'business' | null {
  return plan === 'pro' || plan === 'business' ? plan : null;
}

function toProduct(
  row: ProductRow,
  category: CategoryRef | null,
  rating: { average: number | null; count: number },
  locale: Locale,
): Product {
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    category: category
      ? { id: category.id, slug: category.slug, name: localized(category, locale) }
      : null,
    name: localized(row, locale),
    description: locale === 'en' ? row.descriptionEn : row.descriptionFr,
    nameFr: row.nameFr,
    nameEn: row.nameEn,
    descriptionFr: row.descriptionFr,
    descriptionEn: row.descriptionEn,
    priceMinor: row.priceMinor,
    currency: row.currency,
    taxRateBps: row.taxRateBps,
    stockState: stockState(row.stock),
    stock: row.stock,
    credits: row.credits,
    plan: soldPlan(row.plan),
    billingInterval: row.billingInterval,
    imageUrls: row.imageKeys.map((key) => productImageUrl(row.id, key)),
    rating: {
      average: rating.average === null ? null : Math.round(rating.average * 100) / 100,
      count: rating.count,
    },
    createdAt: row.createdAt.toISOString(),
  };
}

function toAdminProduct(
  row: ProductRow,
  category: CategoryRef | null,
  rating: { average: number | null; count: number },
  locale: Locale,
): AdminProduct {
  return {
    ...toProduct(row, category, rating, locale),
    active: row.active,
    salesCount: row.salesCount,
    imageKeys: row.imageKeys,
    downloadKey: row.downloadKey,
    stripePriceId: row.stripePriceId,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The full-text condition, written exactly as the products_search_idx expression so the
 * planner uses the index: both languages' vectors against both languages' queries.
 */
export function searchCondition(q: string): SQL {
  return sql`(to_tsvector('french', ${products.nameFr} || ' ' || ${products.descriptionFr}) || to_tsvector('english', ${products.nameEn} || ' ' || ${products.descriptionEn})) @@ (websearch_to_tsquery('french', ${q}) || websearch_to_tsquery('english', ${q}))`;
}

function searchRank(q: string): SQL {
  return sql`ts_rank(to_tsvector('french', ${products.nameFr} || ' ' || ${products.descriptionFr}) || to_tsvector('english', ${products.nameEn} || ' ' || ${products.descriptionEn}), websearch_to_tsquery('french', ${q}) || websearch_to_tsquery('english', ${q}))`;
}

/** A category and every category below it (UNION, so a cycle cannot loop). */
function inCategoryTree(slug: string): SQL {
  return sql`${products.categoryId} in (
    with recursive tree(id) as (
      select id from product_categories where slug = ${slug}
      union
      select c.id from product_categories c join tree t on c.parent_id = t.id
    ) select id from tree)`;
}

// Correlated subqueries name the outer table in full: drizzle leaves columns unqualified
// in the fields of a single-table select, which would bind them to the inner alias.
const ratingAverage = sql<
  number | null
>`(select avg(r.rating)::float8 from product_reviews r where r.product_id = products.id and r.status = 'approved')`;
const ratingCount = sql<number>`(select count(*)::int from product_reviews r where r.product_id = products.id and r.status = 'approved')`;

/**
 * The columns a product card needs: the row, its category and its approved rating. Select
 * it from `products` left-joined to `product_categories`, then map rows with `rowToProduct`.
 */
export const productSelection = {
  product: products,
  category: {
    id: productCategories.id,
    slug: productCategories.slug,
    nameFr: productCategories.nameFr,
    nameEn: productCategories.nameEn,
  },
  average: ratingAverage,
  count: ratingCount,
};

export interface ProductSelectionRow {
  product: ProductRow;
  category: CategoryRef | null;
  average: number | null;
  count: number;
}

/** A selected row as the public product shape. */
export function rowToProduct(row: ProductSelectionRow, locale: Locale): Product {
  return toProduct(row.product, row.category, { average: row.average, count: row.count }, locale);
}

function orderFor(query: ProductListQuery): SQL[] {
  const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
  switch (sort) {
    case 'price_asc':
      return [asc(products.priceMinor), asc(products.id)];
    case 'price_desc':
      return [desc(products.priceMinor), asc(products.id)];
    case 'popular':
      return [desc(products.salesCount), desc(products.createdAt), asc(products.id)];
    case 'relevance':
      return [desc(searchRank(query.q ?? '')), desc(products.createdAt), asc(products.id)];
    default:
      return [desc(products.createdAt), desc(products.id)];
  }
}

async function pageOfProducts(
  db: Database,
  query: ProductListQuery,
  active: boolean | null,
): Promise<{ rows: ProductSelectionRow[]; total: number }> {
  const where = and(
    active === null ? undefined : eq(products.active, active),
    query.q ? searchCondition(query.q) : undefined,
    query.category ? inCategoryTree(query.category) : undefined,
    query.kind ? eq(products.kind, query.kind) : undefined,
    query.minPrice !== undefined ? gte(products.priceMinor, query.minPrice) : undefined,
    query.maxPrice !== undefined ? lte(products.priceMinor, query.maxPrice) : undefined,
  );
  const [counted] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(products)
    .where(where);
  const rows = await db
    .select(productSelection)
    .from(products)
    .leftJoin(productCategories, eq(productCategories.id, products.categoryId))
    .where(where)
    .orderBy(...orderFor(query))
    .limit(query.limit)
    .offset((query.page - 1) * query.limit);
  return { rows, total: counted?.total ?? 0 };
}

/** Active products, searched, filtered, sorted and a page at a time, with the total. */
export async function listProducts(
  services: Services,
  query: ProductListQuery,
): Promise<Page<Product>> {
  const { rows, total } = await pageOfProducts(services.db, query, true);
  return {
    items: rows.map((row) => rowToProduct(row, query.locale)),
    total,
    page: query.page,
    limit: query.limit,
  };
}

/** Every product, inactive ones too, with the fields only administrators see. */
export async function listAdminProducts(
  services: Services,
  query: AdminProductListQuery,
): Promise<Page<AdminProduct>> {
  const active = query.status === 'all' ? null : query.status === 'active';
  const { rows, total } = await pageOfProducts(services.db, query, active);
  return {
    items: rows.map((row) =>
      toAdminProduct(
        row.product,
        row.category,
        { average: row.average, count: row.count },
        query.locale,
      ),
    ),
    total,
    page: query.page,
    limit: query.limit,
  };
}

async function oneProduct(db: Database, condition: SQL | undefined) {
  const [row] = await db
    .select(productSelection)
    .from(products)
    .leftJoin(productCategories, eq(productCategories.id, products.categoryId))
    .where(condition)
    .limit(1);
  return row;
}

const productNotFound = () => new ApiError('NOT_FOUND', 'No such product.');

/** One product on sale, by its slug; 404 when unknown or withdrawn. */
export async function getProduct(services: Services, slug: string, locale: Locale) {
  const row = await oneProduct(
    services.db,
    and(eq(products.slug, slug), eq(products.active, true)),
  );
  if (!row) throw productNotFound();
  return rowToProduct(row, locale);
}

/** One product, withdrawn ones too, as administrators see it. */
export async function getAdminProduct(
  services: Services,
  id: string,
  locale: Locale = 'fr',
): Promise<AdminProduct> {
  const row = await oneProduct(services.db, eq(products.id, id));
  if (!row) throw productNotFound();
  return toAdminProduct(
    row.product,
    row.category,
    { average: row.average, count: row.count },
    locale,
  );
}

/** Throws unless the product exists and is on sale; returns its row. */
export async function requireActiveProduct(
  db: Database | Transaction,
  id: string,
): Promise<ProductRow> {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.id, id), eq(products.active, true)))
    .limit(1);
  if (!row) throw productNotFound();
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The current rows of the given products, by id, for pricing a cart. Checkout passes
 * `lock: true` inside its transaction so stock cannot change between pricing and the
 * order (rows are locked in id order, so two checkouts cannot deadlock).
 */
export async function loadProducts(
  db: Database | Transaction,
  ids: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Map<string, ProductRow>> {
  const unique = [...new Set(ids)].filter((id) => UUID.test(id));
  if (unique.length === 0) return new Map();
  const query = db
    .select()
    .from(products)
    .where(inArray(products.id, unique))
    .orderBy(asc(products.id));
  const rows = options.lock ? await query.for('update') : await query;
  return new Map(rows.map((row) => [row.id, row]));
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

async function assertCategory(db: Database | Transaction, categoryId: string | null | undefined) {
  if (!categoryId) return;
  const [found] = await db
    .select({ id: productCategories.id })
    .from(productCategories)
    .where(eq(productCategories.id, categoryId))
    .limit(1);
  if (!found) throw validation([{ path: 'categoryId', message: 'No such category' }]);
}

function slugTaken(err: unknown): boolean {
  return isUniqueViolation(err, 'products_slug_key');
}

/** Adds a product to the catalog (administrators). */
export async function createProduct(
  services: Services,
  input: ProductCreate,
): Promise<AdminProduct> {
  await assertCategory(services.db, input.categoryId);
  let id: string;
  try {
    const [row] = await services.db
      .insert(products)
      .values({
        slug: input.slug,
        kind: input.kind,
        categoryId: input.categoryId ?? null,
        nameFr: input.nameFr,
        nameEn: input.nameEn,
        descriptionFr: input.descriptionFr ?? '',
        descriptionEn: input.descriptionEn ?? '',
        priceMinor: input.priceMinor,
        currency: input.currency ?? 'EUR',
        taxRateBps: input.taxRateBps ?? 2000,
        stock: input.stock ?? null,
        credits: input.credits ?? null,
        plan: input.plan ?? null,
        billingInterval: input.billingInterval ?? null,
        downloadKey: input.downloadKey ?? null,
        stripePriceId: input.stripePriceId ?? null,
        active: input.active ?? true,
      })
      .returning({ id: products.id });
    if (!row) throw new Error('products insert returned no row');
    id = row.id;
  } catch (err) {
    if (slugTaken(err)) throw new ApiError('CONFLICT', `The slug "${input.slug}" is taken.`);
    throw err;
  }
  return getAdminProduct(services, id);
}

/**
 * Changes a product (administrators). The kind rules are checked on the product as it will
 * be, so a patch cannot leave a plan without its interval or a physical product untracked.
 */
export async function updateProduct(
  services: Services,
  id: string,
  patch: ProductPatch,
): Promise<AdminProduct> {
  try {
    await services.db.transaction(async (tx) => {
      const [row] = await tx.select().from(products).where(eq(products.id, id)).for('update');
      if (!row) throw productNotFound();
      const next: KindFields = {
        kind: patch.kind ?? row.kind,
        plan: patch.plan === undefined ? row.plan : patch.plan,
        billingInterval:
          patch.billingInterval === undefined ? row.billingInterval : patch.billingInterval,
        credits: patch.credits === undefined ? row.credits : patch.credits,
        stock: patch.stock === undefined ? row.stock : patch.stock,
      };
      const issues = kindIssues(next);
      if (issues.length > 0) throw validation(issues);
      await assertCategory(tx, patch.categoryId);
      await tx
        .update(products)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(products.id, id));
    });
  } catch (err) {
    if (slugTaken(err)) throw new ApiError('CONFLICT', `The slug "${patch.slug}" is taken.`);
    throw err;
  }
  return getAdminProduct(services, id);
}

/** Withdraws a product from sale (administrators); orders keep pointing at it. */
export async function deactivateProduct(services: Services, id: string): Promise<void> {
  const rows = await services.db
    .update(products)
    .set({ active: false, updatedAt: new Date() })
    .where(eq(products.id, id))
    .returning({ id: products.id });
  if (rows.length === 0) throw productNotFound();
}
