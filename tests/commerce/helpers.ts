import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { type CallOptions, call, json, sql, type TestUser } from '../helpers/api';

/** A word no other test (or the seed) uses, to find one test's rows in a shared database. */
export function uniqueWord(prefix = 'w'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface ProductBody {
  id: string;
  slug: string;
  kind: 'digital' | 'credit_pack' | 'plan' | 'physical';
  category: { id: string; slug: string; name: string } | null;
  name: string;
  description: string;
  nameFr: string;
  nameEn: string;
  priceMinor: number;
  currency: string;
  taxRateBps: number;
  stockState: 'in_stock' | 'low_stock' | 'out_of_stock';
  stock: number | null;
  credits: number | null;
  plan: string | null;
  billingInterval: string | null;
  imageUrls: string[];
  rating: { average: number | null; count: number };
  createdAt: string;
  active?: boolean;
  salesCount?: number;
  imageKeys?: string[];
}

export interface ProductPageBody {
  items: ProductBody[];
  total: number;
  page: number;
  limit: number;
}

export interface CategoryBody {
  id: string;
  slug: string;
  name: string;
  nameFr: string;
  nameEn: string;
  parentId: string | null;
  sortOrder: number;
  productCount: number;
}

/** Creates a product as `admin`; fails the test unless the API answers 201. */
export async function createProduct(
  admin: TestUser,
  fields: Record<string, unknown> = {},
): Promise<ProductBody> {
  const res = await call('/api/admin/products', {
    token: admin.accessToken,
    json: {
      slug: uniqueWord('p'),
      kind: 'digital',
      nameFr: 'Produit de test',
      nameEn: 'Test product',
      priceMinor: 1000,
      ...fields,
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<ProductBody>(res);
}

/** Creates a category as `admin`; fails the test unless the API answers 201. */
export async function createCategory(
  admin: TestUser,
  fields: Record<string, unknown> = {},
): Promise<CategoryBody> {
  const res = await call('/api/admin/product-categories', {
    token: admin.accessToken,
    json: { slug: uniqueWord('c'), nameFr: 'Catégorie', nameEn: 'Category', ...fields },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<CategoryBody>(res);
}

/** Changes a product as `admin`. */
export async function patchProduct(
  admin: TestUser,
  id: string,
  fields: Record<string, unknown>,
): Promise<ProductBody> {
  const res = await call(`/api/admin/products/${id}`, {
    method: 'PATCH',
    token: admin.accessToken,
    json: fields,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ProductBody>(res);
}

/** GET /api/products with the given query. */
export async function listProducts(params: Record<string, string>): Promise<ProductPageBody> {
  const res = await call(`/api/products?${new URLSearchParams(params)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ProductPageBody>(res);
}

/**
 * Writes an order for `userId` holding `productId`, as checkout will: reviews need a paid
 * order, promo redemptions need an order to hang on.
 */
export async function insertOrder(
  userId: string,
  productId: string | null,
  status: 'pending' | 'paid' | 'fulfilled' | 'cancelled' = 'paid',
): Promise<string> {
  const db = sql();
  try {
    const [order] = await db<{ id: string }[]>`
      insert into orders (user_id, status, currency, subtotal_minor, tax_minor, total_minor,
                          payment_method, billing)
      values (${userId}, ${status}, 'EUR', 1000, 167, 1000, 'bank_transfer',
              ${db.json({ name: 'Test Buyer', email: 'buyer@example.com' })})
      returning id`;
    if (!order) throw new Error('no order inserted');
    if (productId) {
      await db`
        insert into order_items (order_id, product_id, kind, name, unit_price_minor, quantity,
                                 tax_rate_bps, line_total_minor)
        values (${order.id}, ${productId}, 'digital', 'Test product', 1000, 1, 2000, 1000)`;
    }
    return order.id;
  } finally {
    await db.end();
  }
}

export interface CartLineBody {
  productId: string;
  quantity: number;
  product: { id: string; name: string; priceMinor: number; active: boolean } | null;
  included: boolean;
  unitPriceMinor: number;
  lineSubtotalMinor: number;
  discountMinor: number;
  lineTotalMinor: number;
  priceChanged: { fromMinor: number; toMinor: number } | null;
  warnings: Array<{ code: string; message: string; available?: number }>;
}

export interface CartBody {
  owner: 'user' | 'visitor';
  currency: string | null;
  lines: CartLineBody[];
  itemCount: number;
  subtotalMinor: number;
  discountMinor: number;
  needsShipping: boolean;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  vat: Array<{ rateBps: number; grossMinor: number; netMinor: number; vatMinor: number }>;
  ready: boolean;
  promo: { code: string; kind: string; discountMinor: number; freeShipping: boolean } | null;
  merged?: number;
}

/** Who calls the cart: a signed-in user (token) or an anonymous visitor (cookie). */
export type Shopper = Pick<CallOptions, 'token' | 'cookie' | 'ip'>;

/** The `webox_cart=<id>` pair of a response's cart cookie, or null. */
export function cartCookie(res: Response): string | null {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('webox_cart='));
  return header ? (header.split(';')[0] ?? null) : null;
}

/** GET /api/cart for a shopper. */
export async function readCart(shopper: Shopper, locale = 'en'): Promise<CartBody> {
  const res = await call(`/api/cart?locale=${locale}`, shopper);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CartBody>(res);
}

/** POST /api/cart/items, returning the raw response. */
export function addItem(shopper: Shopper, productId: string, quantity = 1): Promise<Response> {
  return call('/api/cart/items?locale=en', { ...shopper, json: { productId, quantity } });
}

/** POST /api/cart/items, expecting success. */
export async function addItemOk(
  shopper: Shopper,
  productId: string,
  quantity = 1,
): Promise<CartBody> {
  const res = await addItem(shopper, productId, quantity);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CartBody>(res);
}

/** Quantities by product id, for order-insensitive comparisons. */
export function quantities(cart: CartBody): Record<string, number> {
  return Object.fromEntries(cart.lines.map((line) => [line.productId, line.quantity]));
}
