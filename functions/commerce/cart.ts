import type { AddOutcome, CartLine, CartLineInput } from '../../durable-objects/cart';
import { MAX_LINE_QUANTITY, MAX_LINES } from '../../durable-objects/cart';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import {
  type CartTotals,
  type LineWarning,
  type PricingEntry,
  priceCart,
  quoteCart,
} from './cart-pricing';
import {
  loadProducts,
  localized,
  type ProductRow,
  productImageUrl,
  requireActiveProduct,
  stockState,
} from './products';
import { refusalMessage } from './promo';
import { findPromoForBuyer } from './promo-service';
import type { Locale, ProductKind, StockState } from './schemas';

/** Whose cart: a signed-in user's, or an anonymous visitor's (by their cart cookie). */
export type CartOwner = { kind: 'user'; userId: string } | { kind: 'visitor'; visitorId: string };

export interface CartLineView {
  productId: string;
  quantity: number;
  product: {
    id: string;
    slug: string;
    kind: ProductKind;
    name: string;
    priceMinor: number;
    currency: string;
    imageUrl: string | null;
    stockState: StockState;
    stock: number | null;
    active: boolean;
  } | null;
  included: boolean;
  unitPriceMinor: number;
  lineSubtotalMinor: number;
  discountMinor: number;
  lineTotalMinor: number;
  taxRateBps: number;
  priceChanged: { fromMinor: number; toMinor: number } | null;
  warnings: Array<LineWarning & { message: string }>;
}

export interface CartView extends Omit<CartTotals, 'lines'> {
  owner: 'user' | 'visitor';
  lines: CartLineView[];
  promo: { code: string; kind: string; discountMinor: number; freeShipping: boolean } | null;
}

const money = (minor: number) => (minor / 100).toFixed(2);

function warningMessage(warning: LineWarning, name: string): string {
  switch (warning.code) {
    case 'unavailable':
      return 'This product no longer exists; it is not counted.';
    case 'inactive':
      return `${name} is no longer on sale; it is not counted.`;
    case 'currency_mismatch':
      return `${name} is priced in ${warning.currency}, unlike the rest of your cart; it is not counted.`;
    case 'over_stock':
      return `Only ${warning.available} of ${name} left: lower the quantity to check out.`;
    case 'price_changed':
      return `The price of ${name} changed from ${money(warning.fromMinor)} to ${money(warning.toMinor)}.`;
  }
}

/** The cart as the API shows it: totals from Postgres prices, a product snapshot per line. */
export function cartView(
  owner: CartOwner,
  totals: CartTotals,
  products: ReadonlyMap<string, ProductRow>,
  locale: Locale,
  promo: CartView['promo'] = null,
): CartView {
  const lines = totals.lines.map((line): CartLineView => {
    const row = products.get(line.productId);
    const name = row ? localized(row, locale) : 'This product';
    const firstImage = row?.imageKeys[0];
    return {
      productId: line.productId,
      quantity: line.quantity,
      product: row
        ? {
            id: row.id,
            slug: row.slug,
            kind: row.kind,
            name,
            priceMinor: row.priceMinor,
            currency: row.currency,
            imageUrl: firstImage ? productImageUrl(row.id, firstImage) : null,
            stockState: stockState(row.stock),
            stock: row.stock,
            active: row.active,
          }
        : null,
      included: line.included,
      unitPriceMinor: line.unitPriceMinor,
      lineSubtotalMinor: line.lineSubtotalMinor,
      discountMinor: line.discountMinor,
      lineTotalMinor: line.lineTotalMinor,
      taxRateBps: line.taxRateBps,
      priceChanged: line.priceChanged,
      warnings: line.warnings.map((w) => ({ ...w, message: warningMessage(w, name) })),
    };
  });
  return { ...totals, owner: owner.kind, lines, promo };
}

function stubFor(services: Services, owner: CartOwner) {
  return owner.kind === 'user'
    ? services.carts.forUser(owner.userId)
    : services.carts.forVisitor(owner.visitorId);
}

/**
 * Runs a Cart object call, turning its RangeErrors (a bad quantity, a full cart) into
 * 400/409 problems instead of 500s. RPC keeps the error's name across the boundary.
 */
async function cartCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error && (err instanceof RangeError || err.name === 'RangeError')) {
      const full = /different products/.test(err.message);
      throw new ApiError(full ? 'CONFLICT' : 'VALIDATION_FAILED', `${err.message}.`);
    }
    throw err;
  }
}

function toEntries(lines: readonly CartLine[]): PricingEntry[] {
  return lines.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
    priceSeenMinor: line.priceSeenMinor ?? null,
  }));
}

/**
 * The stored lines of a cart, for checkout: quantities and the prices the buyer saw.
 * Price them with `loadProducts` (locked) and `quoteCart` inside the checkout transaction.
 */
export async function cartEntries(services: Services, owner: CartOwner): Promise<PricingEntry[]> {
  return toEntries(await cartCall(() => stubFor(services, owner).list()));
}

async function viewOf(
  services: Services,
  owner: CartOwner,
  lines: readonly CartLine[],
  locale: Locale,
  known?: ProductRow,
): Promise<CartView> {
  const ids = lines.map((line) => line.productId).filter((id) => id !== known?.id);
  const products = await loadProducts(services.db, ids);
  if (known) products.set(known.id, known);
  return cartView(owner, priceCart(toEntries(lines), products), products, locale);
}

/** The cart with totals recomputed from current prices and stock. */
export async function getCart(
  services: Services,
  owner: CartOwner | null,
  locale: Locale,
): Promise<CartView> {
  if (!owner) {
    return cartView(
      { kind: 'visitor', visitorId: '' },
      priceCart([], new Map()),
      new Map(),
      locale,
    );
  }
  const lines = await cartCall(() => stubFor(services, owner).list());
  return viewOf(services, owner, lines, locale);
}

function outOfStock(product: ProductRow, inCart: number): ApiError {
  const left = product.stock ?? 0;
  return new ApiError(
    'OUT_OF_STOCK',
    left === 0
      ? `${product.nameEn} is out of stock.`
      : `Only ${left} of ${product.nameEn} left${inCart > 0 ? ` and ${inCart} are already in your cart` : ''}.`,
  );
}

/** The most of a product one cart line may hold: 1 for a plan, else the stock left. */
function lineCeiling(product: ProductRow): number {
  if (product.kind === 'plan') return 1;
  return Math.min(MAX_LINE_QUANTITY, product.stock ?? MAX_LINE_QUANTITY);
}

function assertPlanQuantity(product: ProductRow, quantity: number): void {
  if (product.kind === 'plan' && quantity > 1) {
    throw new ApiError('VALIDATION_FAILED', 'body.quantity: A plan is bought one at a time.', {
      issues: [{ path: 'body.quantity', message: 'A plan is bought one at a time' }],
    });
  }
}

/**
 * Adds a product on sale to the cart. Refused: an unknown or withdrawn product (404), more
 * than one of a plan (400), more than the stock left counting what is already in the cart
 * (409 OUT_OF_STOCK), another currency than the cart's (409), a full cart (409). The stock
 * check and the write happen in one step inside the Cart object.
 */
export async function addToCart(
  services: Services,
  owner: CartOwner,
  input: { productId: string; quantity: number },
  locale: Locale,
): Promise<CartView> {
  const product = await requireActiveProduct(services.db, input.productId);
  assertPlanQuantity(product, input.quantity);
  if (product.stock !== null && product.stock <= 0) throw outOfStock(product, 0);
  const stub = stubFor(services, owner);
  const current = await cartCall(() => stub.list());
  const others = await loadProducts(
    services.db,
    current.map((line) => line.productId).filter((id) => id !== product.id),
  );
  const cartCurrency = priceCart(toEntries(current), others).currency;
  if (cartCurrency !== null && cartCurrency !== product.currency) {
    throw new ApiError(
      'CONFLICT',
      `Your cart is in ${cartCurrency} and this product is priced in ${product.currency}: check out or empty the cart first.`,
    );
  }
  const outcome = await cartCall<AddOutcome>(() =>
    stub.add(product.id, input.quantity, {
      priceSeenMinor: product.priceMinor,
      maxQuantity: lineCeiling(product),
    }),
  );
  if (!outcome.ok) {
    if (outcome.reason === 'full') {
      throw new ApiError('CONFLICT', `A cart holds at most ${MAX_LINES} different products.`);
    }
    if (product.kind === 'plan') {
      throw new ApiError('CONFLICT', 'This plan is already in your cart.');
    }
    if (product.stock !== null && outcome.current + input.quantity > product.stock) {
      throw outOfStock(product, outcome.current);
    }
    throw new ApiError(
      'CONFLICT',
      `A cart holds at most ${MAX_LINE_QUANTITY} of one product; you have ${outcome.current}.`,
    );
  }
  others.set(product.id, product);
  return cartView(owner, priceCart(toEntries(outcome.lines), others), others, locale);
}

/**
 * Sets a line's quantity (0 removes it). The product must still be on sale and have the
 * stock; the current price becomes the price seen, since the buyer is looking at it.
 */
export async function setCartQuantity(
  services: Services,
  owner: CartOwner,
  productId: string,
  quantity: number,
  locale: Locale,
): Promise<CartView> {
  const stub = stubFor(services, owner);
  if (quantity === 0) return removeFromCart(services, owner, productId, locale);
  const product = (await loadProducts(services.db, [productId])).get(productId);
  const lines = await cartCall(() => stub.list());
  if (!lines.some((line) => line.productId === productId)) {
    throw new ApiError('NOT_FOUND', 'This product is not in your cart.');
  }
  if (!product?.active) {
    throw new ApiError('CONFLICT', 'This product is no longer on sale: remove it from your cart.');
  }
  assertPlanQuantity(product, quantity);
  if (product.stock !== null && quantity > product.stock) throw outOfStock(product, 0);
  const updated = await cartCall(() => stub.setQuantity(productId, quantity, product.priceMinor));
  return viewOf(services, owner, updated, locale, product);
}

/** Removes a line; removing one not in the cart changes nothing. */
export async function removeFromCart(
  services: Services,
  owner: CartOwner,
  productId: string,
  locale: Locale,
): Promise<CartView> {
  const lines = await cartCall(() => stubFor(services, owner).removeItem(productId));
  return viewOf(services, owner, lines, locale);
}

/** Empties the cart (on request, and by checkout once an order holds its lines). */
export async function clearCart(services: Services, owner: CartOwner): Promise<void> {
  await cartCall(() => stubFor(services, owner).clear());
}

/**
 * Folds a visitor's cart into the user's on sign-in and empties it. The visitor's lines are
 * taken in one step (so two merges cannot both hand them over) and put back if the user's
 * cart refuses them (too many products), so nothing is lost either way. A plan's line is
 * held to one unit; stock is not checked here but flagged on the cart.
 */
export async function mergeVisitorCart(
  services: Services,
  userId: string,
  visitorId: string,
  locale: Locale,
): Promise<CartView & { merged: number }> {
  const owner: CartOwner = { kind: 'user', userId };
  const visitor = services.carts.forVisitor(visitorId);
  const taken = await cartCall(() => visitor.drain());
  const user = services.carts.forUser(userId);
  if (taken.length === 0) {
    return {
      ...(await viewOf(services, owner, await cartCall(() => user.list()), locale)),
      merged: 0,
    };
  }
  const products = await loadProducts(
    services.db,
    taken.map((line) => line.productId),
  );
  const inputs: CartLineInput[] = taken.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
    priceSeenMinor: line.priceSeenMinor,
    maxQuantity: products.get(line.productId)?.kind === 'plan' ? 1 : MAX_LINE_QUANTITY,
  }));
  let lines: CartLine[];
  try {
    lines = await cartCall(() => user.merge(inputs));
  } catch (err) {
    await visitor.merge(inputs);
    throw err;
  }
  return { ...(await viewOf(services, owner, lines, locale)), merged: taken.length };
}

/**
 * Previews a promo code on the cart: the totals with its discount, nothing redeemed.
 * Refused codes are 422 PROMO_REJECTED naming the rule that refused them.
 */
export async function previewPromo(
  services: Services,
  owner: CartOwner | null,
  code: string,
  locale: Locale,
): Promise<CartView> {
  const found = await findPromoForBuyer(
    services.db,
    code,
    owner?.kind === 'user' ? owner.userId : null,
  );
  if (!found) {
    throw new ApiError('PROMO_REJECTED', refusalMessage('unknown', null), {
      issues: [{ path: 'body.code', message: 'unknown' }],
    });
  }
  const lines = owner ? await cartCall(() => stubFor(services, owner).list()) : [];
  const products = await loadProducts(
    services.db,
    lines.map((line) => line.productId),
  );
  const quote = quoteCart(toEntries(lines), products, {
    promo: found.promo,
    userRedemptions: found.userRedemptions,
  });
  if (!quote.promo?.ok) {
    const reason = quote.promo?.reason ?? 'out_of_scope';
    throw new ApiError(
      'PROMO_REJECTED',
      quote.promo?.message ?? refusalMessage(reason, found.promo),
      {
        issues: [{ path: 'body.code', message: reason }],
      },
    );
  }
  return cartView(owner ?? { kind: 'visitor', visitorId: '' }, quote.totals, products, locale, {
    code: found.promo.code,
    kind: found.promo.kind,
    discountMinor: quote.totals.discountMinor,
    freeShipping: quote.promo.freeShipping,
  });
}
