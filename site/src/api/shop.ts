import type { z } from '@hono/zod-openapi';
import type { CartSchema } from '../../../functions/commerce/cart-schemas';
import type { Category } from '../../../functions/commerce/categories';
import type { CheckoutRequest, CheckoutResult } from '../../../functions/commerce/checkout-schemas';
import type { OrderPage, OrderView } from '../../../functions/commerce/orders';
import type { OrderStatus, PaymentMethod } from '../../../functions/commerce/orders-schemas';
import type { AdminProduct, Page, Product } from '../../../functions/commerce/products';
import type { PromoKind, PromoRefusal } from '../../../functions/commerce/promo';
import type { PromoCode } from '../../../functions/commerce/promo-service';
import type { Review } from '../../../functions/commerce/reviews';
import type { Locale, ProductKind } from '../../../functions/commerce/schemas';
import type { WishlistItem } from '../../../functions/commerce/wishlist';
import { bearer, client, sendOk } from './client';

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type {
  AdminProduct,
  Category,
  CheckoutResult,
  Locale,
  OrderPage,
  OrderStatus,
  OrderView,
  PaymentMethod,
  Product,
  ProductKind,
  PromoCode,
  PromoKind,
  PromoRefusal,
  Review,
  WishlistItem,
};
/** The cart as the API sends it (totals recomputed by the server on every answer). */
export type CartView = z.infer<typeof CartSchema>;
export type CartLine = CartView['lines'][number];
export type Billing = CheckoutRequest['billing'];

export const PRODUCT_KINDS: readonly ProductKind[] = ['digital', 'credit_pack', 'plan', 'physical'];
export const PRODUCT_SORTS = ['newest', 'price_asc', 'price_desc', 'popular'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
export const PROMO_KINDS: readonly PromoKind[] = ['percent', 'fixed', 'free_shipping', 'bogo'];
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['stripe', 'paypal', 'bank_transfer'];
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending',
  'paid',
  'fulfilled',
  'cancelled',
  'refunded',
  'partially_refunded',
];
/** Products per catalog page. */
export const PAGE_SIZE = 12;

/** Optional bearer: anonymous visitors call the public and cookie-cart endpoints without one. */
const auth = (token: string | null) => (token ? bearer(token) : undefined);

// Catalog

export interface ProductFilters {
  q?: string;
  category?: string;
  kind?: ProductKind;
  /** Minor units. */
  minPrice?: number;
  maxPrice?: number;
  sort?: ProductSort;
  page?: number;
}

function productQuery(filters: ProductFilters, locale: Locale): Record<string, string> {
  const query: Record<string, string> = { locale, limit: String(PAGE_SIZE) };
  if (filters.q?.trim()) query.q = filters.q.trim();
  if (filters.category) query.category = filters.category;
  if (filters.kind) query.kind = filters.kind;
  if (filters.minPrice !== undefined) query.minPrice = String(filters.minPrice);
  if (filters.maxPrice !== undefined) query.maxPrice = String(filters.maxPrice);
  if (filters.sort) query.sort = filters.sort;
  if (filters.page && filters.page > 1) query.page = String(filters.page);
  return query;
}

/** A page of the products on sale, searched and filtered. */
export async function listProducts(
  filters: ProductFilters,
  locale: Locale,
): Promise<Page<Product>> {
  const query = productQuery(filters, locale);
  const res = await sendOk(() => client.api.products.$get({ query }));
  return await res.json();
}

/** One product on sale, by slug. */
export async function getProduct(slug: string, locale: Locale): Promise<Product> {
  const res = await sendOk(() =>
    client.api.products[':slug'].$get({ param: { slug }, query: { locale } }),
  );
  return await res.json();
}

export async function listCategories(locale: Locale): Promise<Category[]> {
  const res = await sendOk(() => client.api['product-categories'].$get({ query: { locale } }));
  return (await res.json()).items;
}

export interface ReviewPage {
  items: Review[];
  total: number;
  page: number;
  limit: number;
  average: number | null;
  mine: Review | null;
}

/** Approved reviews of a product; with a token, `mine` is the caller's own review. */
export async function listReviews(
  token: string | null,
  productId: string,
  page = 1,
): Promise<ReviewPage> {
  const res = await sendOk(() =>
    client.api.products[':id'].reviews.$get(
      { param: { id: productId }, query: { page: String(page), limit: '10' } },
      auth(token),
    ),
  );
  return await res.json();
}

export async function createReview(
  token: string,
  productId: string,
  input: { rating: number; text?: string },
): Promise<Review> {
  const res = await sendOk(() =>
    client.api.products[':id'].reviews.$post(
      { param: { id: productId }, json: input },
      bearer(token),
    ),
  );
  return await res.json();
}

export async function updateReview(
  token: string,
  id: string,
  input: { rating?: number; text?: string },
): Promise<Review> {
  const res = await sendOk(() =>
    client.api.reviews[':id'].$patch({ param: { id }, json: input }, bearer(token)),
  );
  return await res.json();
}

// Wishlist

export async function getWishlist(token: string, locale: Locale): Promise<WishlistItem[]> {
  const res = await sendOk(() => client.api.wishlist.$get({ query: { locale } }, bearer(token)));
  return (await res.json()).items;
}

export async function setWishlisted(
  token: string,
  productId: string,
  wanted: boolean,
): Promise<void> {
  const route = client.api.wishlist[':productId'];
  await sendOk(() =>
    wanted
      ? route.$put({ param: { productId } }, bearer(token))
      : route.$delete({ param: { productId } }, bearer(token)),
  );
}

export async function isWishlisted(token: string, productId: string): Promise<boolean> {
  const res = await sendOk(() =>
    client.api.wishlist[':productId'].$get({ param: { productId } }, bearer(token)),
  );
  return (await res.json()).inWishlist;
}

// Cart: the signed-in user's (token), else the anonymous visitor's cookie cart (null).

export async function getCart(token: string | null, locale: Locale): Promise<CartView> {
  const res = await sendOk(() => client.api.cart.$get({ query: { locale } }, auth(token)));
  return await res.json();
}

export async function addToCart(
  token: string | null,
  productId: string,
  quantity: number,
  locale: Locale,
): Promise<CartView> {
  const res = await sendOk(() =>
    client.api.cart.items.$post({ query: { locale }, json: { productId, quantity } }, auth(token)),
  );
  return await res.json();
}

/** Sets a line's quantity; 0 removes it. */
export async function setCartQuantity(
  token: string | null,
  productId: string,
  quantity: number,
  locale: Locale,
): Promise<CartView> {
  const res = await sendOk(() =>
    client.api.cart.items[':productId'].$patch(
      { param: { productId }, query: { locale }, json: { quantity } },
      auth(token),
    ),
  );
  return await res.json();
}

export async function removeCartLine(
  token: string | null,
  productId: string,
  locale: Locale,
): Promise<CartView> {
  const res = await sendOk(() =>
    client.api.cart.items[':productId'].$delete(
      { param: { productId }, query: { locale } },
      auth(token),
    ),
  );
  return await res.json();
}

export async function clearCart(token: string | null): Promise<void> {
  await sendOk(() => client.api.cart.$delete(undefined, auth(token)));
}

/** Moves the anonymous cookie cart (if any) into the signed-in user's cart. */
export async function mergeCart(
  token: string,
  locale: Locale,
): Promise<CartView & { merged: number }> {
  const res = await sendOk(() => client.api.cart.merge.$post({ query: { locale } }, bearer(token)));
  return await res.json();
}

/** The cart with a promo code's discount; refused codes throw 422 PROMO_REJECTED. */
export async function previewPromo(
  token: string | null,
  code: string,
  locale: Locale,
): Promise<CartView> {
  const res = await sendOk(() =>
    client.api.cart.promo.$post({ query: { locale }, json: { code } }, auth(token)),
  );
  return await res.json();
}

// Checkout, orders, invoices

/** Turns the cart into an order; the same key returns the same order instead of a second one. */
export async function checkout(
  token: string,
  request: CheckoutRequest,
  idempotencyKey: string,
): Promise<CheckoutResult> {
  const res = await sendOk(() =>
    client.api.checkout.$post(
      { json: request, header: { 'idempotency-key': idempotencyKey } },
      bearer(token),
    ),
  );
  return await res.json();
}

export async function capturePaypal(token: string, orderId: string): Promise<OrderView> {
  const res = await sendOk(() =>
    client.api.checkout.paypal.capture.$post({ json: { orderId } }, bearer(token)),
  );
  return (await res.json()).order;
}

export async function listOrders(token: string, page = 1): Promise<OrderPage> {
  const res = await sendOk(() =>
    client.api.orders.$get({ query: { page: String(page), limit: '20' } }, bearer(token)),
  );
  return await res.json();
}

export async function getOrder(token: string, id: string): Promise<OrderView> {
  const res = await sendOk(() => client.api.orders[':id'].$get({ param: { id } }, bearer(token)));
  return await res.json();
}

export async function cancelOrder(token: string, id: string): Promise<OrderView> {
  const res = await sendOk(() =>
    client.api.orders[':id'].cancel.$post({ param: { id } }, bearer(token)),
  );
  return await res.json();
}

/** A file behind the access token (an invoice PDF, a CSV export), fetched as a blob. */
export async function fetchFile(token: string, url: string): Promise<Blob> {
  const res = await sendOk(() => fetch(url, { headers: { Authorization: `Bearer ${token}` } }));
  return await res.blob();
}

// Plans

export interface PlanOffer {
  plan: 'free' | 'pro' | 'business';
  quotas: { dailyTokens: number; monthlyTokens: number };
  prices: Array<{
    productId: string;
    slug: string;
    name: string;
    interval: 'month' | 'year';
    priceMinor: number;
    currency: string;
    subscribable: boolean;
  }>;
}

export async function listPlans(locale: Locale): Promise<PlanOffer[]> {
  const res = await sendOk(() => client.api.plans.$get({ query: { locale } }));
  return (await res.json()).plans;
}

export async function mySubscription(token: string) {
  const res = await sendOk(() => client.api.plans.subscription.$get(undefined, bearer(token)));
  return await res.json();
}

/** Opens a Stripe Checkout page for the plan; the answer says where to send the buyer. */
export async function subscribe(
  token: string,
  plan: 'pro' | 'business',
  interval: 'month' | 'year',
  idempotencyKey: string,
): Promise<{ redirectUrl: string; sessionId: string }> {
  const res = await sendOk(() =>
    client.api.plans.subscribe.$post(
      { json: { plan, interval }, header: { 'idempotency-key': idempotencyKey } },
      bearer(token),
    ),
  );
  return await res.json();
}

export async function cancelSubscription(token: string) {
  const res = await sendOk(() => client.api.plans.cancel.$post(undefined, bearer(token)));
  return await res.json();
}

// Administration: products

export type ProductStatusFilter = 'all' | 'active' | 'inactive';

export async function adminListProducts(
  token: string,
  filters: ProductFilters & { status?: ProductStatusFilter },
  locale: Locale,
): Promise<Page<AdminProduct>> {
  const query = { ...productQuery(filters, locale), status: filters.status ?? 'all', limit: '50' };
  const res = await sendOk(() => client.api.admin.products.$get({ query }, bearer(token)));
  return await res.json();
}

export interface ProductInput {
  slug: string;
  kind: ProductKind;
  categoryId: string | null;
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  priceMinor: number;
  currency: string;
  taxRateBps: number;
  stock: number | null;
  credits: number | null;
  plan: 'pro' | 'business' | null;
  billingInterval: 'month' | 'year' | null;
  downloadKey: string | null;
  stripePriceId: string | null;
  active: boolean;
}

export async function adminCreateProduct(
  token: string,
  input: ProductInput,
): Promise<AdminProduct> {
  const res = await sendOk(() => client.api.admin.products.$post({ json: input }, bearer(token)));
  return await res.json();
}

export async function adminUpdateProduct(
  token: string,
  id: string,
  patch: Partial<ProductInput>,
): Promise<AdminProduct> {
  const res = await sendOk(() =>
    client.api.admin.products[':id'].$patch({ param: { id }, json: patch }, bearer(token)),
  );
  return await res.json();
}

/** Uploads an image file for a product; the server checks its type and size. */
export async function adminUploadProductImage(
  token: string,
  productId: string,
  file: Blob,
): Promise<{ imageUrls: string[] }> {
  const res = await sendOk(() =>
    fetch(`/api/admin/products/${encodeURIComponent(productId)}/images`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': file.type },
      body: file,
    }),
  );
  return (await res.json()) as { imageUrls: string[] };
}

export async function adminDeleteProductImage(
  token: string,
  productId: string,
  imageId: string,
): Promise<void> {
  await sendOk(() =>
    client.api.admin.products[':id'].images[':imageId'].$delete(
      { param: { id: productId, imageId } },
      bearer(token),
    ),
  );
}

// Administration: promo codes

export interface PromoInput {
  code: string;
  kind: PromoKind;
  value: number;
  currency: string;
  minSubtotalMinor: number;
  startsAt: string | null;
  endsAt: string | null;
  maxUses: number | null;
  perUserLimit: number | null;
  /** Categories in scope; none (and no products) means every product. */
  categoryIds?: string[];
  active: boolean;
}

export async function adminListPromos(token: string): Promise<PromoCode[]> {
  const res = await sendOk(() => client.api.admin['promo-codes'].$get(undefined, bearer(token)));
  return (await res.json()).items;
}

export async function adminCreatePromo(token: string, input: PromoInput): Promise<PromoCode> {
  const res = await sendOk(() =>
    client.api.admin['promo-codes'].$post({ json: input }, bearer(token)),
  );
  return await res.json();
}

export async function adminUpdatePromo(
  token: string,
  id: string,
  patch: Partial<PromoInput>,
): Promise<PromoCode> {
  const res = await sendOk(() =>
    client.api.admin['promo-codes'][':id'].$patch({ param: { id }, json: patch }, bearer(token)),
  );
  return await res.json();
}

export async function adminDeletePromo(token: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.admin['promo-codes'][':id'].$delete({ param: { id } }, bearer(token)),
  );
}

export async function adminPromoStats(token: string, id: string) {
  const res = await sendOk(() =>
    client.api.admin['promo-codes'][':id'].stats.$get({ param: { id } }, bearer(token)),
  );
  return await res.json();
}

// Administration: orders

export interface OrderFilters {
  status?: OrderStatus;
  q?: string;
  from?: string;
  to?: string;
  page?: number;
}

function orderQuery(filters: OrderFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.status) query.status = filters.status;
  if (filters.q?.trim()) query.q = filters.q.trim();
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  return query;
}

export async function adminListOrders(token: string, filters: OrderFilters) {
  const query = { ...orderQuery(filters), page: String(filters.page ?? 1), limit: '20' };
  const res = await sendOk(() => client.api.admin.orders.$get({ query }, bearer(token)));
  return await res.json();
}

/** The CSV export's URL for these filters (fetched with the token, see `fetchFile`). */
export function adminOrdersCsvUrl(filters: OrderFilters): string {
  const query = new URLSearchParams(orderQuery(filters)).toString();
  return `/api/admin/orders.csv${query ? `?${query}` : ''}`;
}

export async function adminGetOrder(token: string, id: string): Promise<OrderView> {
  const res = await sendOk(() =>
    client.api.admin.orders[':id'].$get({ param: { id } }, bearer(token)),
  );
  return await res.json();
}

export async function adminConfirmTransfer(token: string, id: string): Promise<OrderView> {
  const res = await sendOk(() =>
    client.api.admin.orders[':id']['confirm-transfer'].$post({ param: { id } }, bearer(token)),
  );
  return await res.json();
}

/** Refunds an order; the same key (one per refund the admin means) never refunds twice. */
export async function adminRefund(
  token: string,
  id: string,
  input: { amountMinor?: number; reason: string },
  idempotencyKey: string,
): Promise<OrderView> {
  const res = await sendOk(() =>
    client.api.admin.orders[':id'].refund.$post(
      { param: { id }, json: input, header: { 'idempotency-key': idempotencyKey } },
      bearer(token),
    ),
  );
  return await res.json();
}
