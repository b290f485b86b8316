/**
 * Cart totals as a pure function of the lines and the products read from Postgres: the cart
 * shows them and checkout writes them onto the order, so both agree to the cent. Prices are
 * integer minor units and include VAT (the French consumer convention): the VAT is the part
 * of each amount at its rate, reported per rate.
 */
import { applyPromo, type PromoOutcome, type PromoRule } from './promo';

export type ProductKind = 'digital' | 'credit_pack' | 'plan' | 'physical';

/** The product fields pricing reads, fresh from Postgres. */
export interface PricingProduct {
  id: string;
  kind: ProductKind;
  categoryId: string | null;
  priceMinor: number;
  currency: string;
  taxRateBps: number;
  /** Units left; null when not tracked. */
  stock: number | null;
  active: boolean;
}

/** A cart line as stored in the Cart object. */
export interface PricingEntry {
  productId: string;
  quantity: number;
  /** The unit price the buyer saw when adding; null when unknown. */
  priceSeenMinor: number | null;
}

export type LineWarning =
  /** No such product any more: dropped from the totals. */
  | { code: 'unavailable' }
  /** The product was withdrawn from sale: dropped from the totals. */
  | { code: 'inactive' }
  /** Priced in another currency than the rest of the cart: dropped from the totals. */
  | { code: 'currency_mismatch'; currency: string }
  /** More units than are left: counted, but checkout will refuse it. */
  | { code: 'over_stock'; available: number }
  /** The price moved since the buyer added the line: the new one is used. */
  | { code: 'price_changed'; fromMinor: number; toMinor: number };

export interface PricedLine<P extends PricingProduct = PricingProduct> {
  productId: string;
  quantity: number;
  product: P | null;
  /** Counted in the totals (false for unavailable, inactive and other-currency lines). */
  included: boolean;
  unitPriceMinor: number;
  lineSubtotalMinor: number;
  discountMinor: number;
  lineTotalMinor: number;
  taxRateBps: number;
  priceChanged: { fromMinor: number; toMinor: number } | null;
  warnings: LineWarning[];
}

export interface VatLine {
  rateBps: number;
  /** Amount including VAT at this rate (lines after discount, and shipping). */
  grossMinor: number;
  netMinor: number;
  vatMinor: number;
}

export interface ShippingRule {
  /** Flat fee for an order with at least one physical product. */
  flatMinor: number;
  taxRateBps: number;
}

/** Physical goods ship for a flat fee; a free_shipping code waives it. */
export const DEFAULT_SHIPPING: ShippingRule = { flatMinor: 490, taxRateBps: 2000 };

export interface CartTotals<P extends PricingProduct = PricingProduct> {
  /** The cart's currency: that of its oldest line still for sale; null when none is. */
  currency: string | null;
  lines: PricedLine<P>[];
  /** Units in the counted lines. */
  itemCount: number;
  subtotalMinor: number;
  discountMinor: number;
  needsShipping: boolean;
  shippingMinor: number;
  /** VAT included in the total. */
  taxMinor: number;
  totalMinor: number;
  vat: VatLine[];
  /** At least one counted line and no line above its stock. */
  ready: boolean;
}

/** Discounts to apply, as a promo outcome gives them (keyed by product id). */
export interface AppliedDiscounts {
  lineDiscounts: ReadonlyMap<string, number>;
  freeShipping: boolean;
}

/** The VAT contained in an amount that includes it, rounded to the nearest minor unit. */
export function includedVat(grossMinor: number, rateBps: number): number {
  return Math.round((grossMinor * rateBps) / (10_000 + rateBps));
}

/**
 * Prices a cart: each line at the product's current price, with warnings for lines that
 * cannot be bought as they are, then subtotal, discount, shipping and VAT per rate.
 * Lines keep the order given, each with the product row it was priced from.
 */
export function priceCart<P extends PricingProduct>(
  entries: readonly PricingEntry[],
  products: ReadonlyMap<string, P>,
  options: { discounts?: AppliedDiscounts; shipping?: ShippingRule } = {},
): CartTotals<P> {
  const shippingRule = options.shipping ?? DEFAULT_SHIPPING;
  const currency =
    entries
      .map((entry) => products.get(entry.productId))
      .find((product) => product?.active === true)?.currency ?? null;
  const lines = entries.map((entry): PricedLine<P> => {
    const product = products.get(entry.productId) ?? null;
    const warnings: LineWarning[] = [];
    let included = true;
    if (!product) {
      warnings.push({ code: 'unavailable' });
      included = false;
    } else if (!product.active) {
      warnings.push({ code: 'inactive' });
      included = false;
    } else if (product.currency !== currency) {
      warnings.push({ code: 'currency_mismatch', currency: product.currency });
      included = false;
    }
    let priceChanged: PricedLine<P>['priceChanged'] = null;
    if (product && entry.priceSeenMinor !== null && entry.priceSeenMinor !== product.priceMinor) {
      priceChanged = { fromMinor: entry.priceSeenMinor, toMinor: product.priceMinor };
      warnings.push({ code: 'price_changed', ...priceChanged });
    }
    if (product && product.stock !== null && entry.quantity > product.stock) {
      warnings.push({ code: 'over_stock', available: product.stock });
    }
    const unitPriceMinor = product?.priceMinor ?? 0;
    const lineSubtotalMinor = included ? unitPriceMinor * entry.quantity : 0;
    const discount = included ? (options.discounts?.lineDiscounts.get(entry.productId) ?? 0) : 0;
    const discountMinor = Math.min(Math.max(0, discount), lineSubtotalMinor);
    return {
      productId: entry.productId,
      quantity: entry.quantity,
      product,
      included,
      unitPriceMinor,
      lineSubtotalMinor,
      discountMinor,
      lineTotalMinor: lineSubtotalMinor - discountMinor,
      taxRateBps: product?.taxRateBps ?? 0,
      priceChanged,
      warnings,
    };
  });

  const counted = lines.filter((line) => line.included);
  const subtotalMinor = counted.reduce((sum, line) => sum + line.lineSubtotalMinor, 0);
  const discountMinor = counted.reduce((sum, line) => sum + line.discountMinor, 0);
  const needsShipping = counted.some((line) => line.product?.kind === 'physical');
  const shippingMinor =
    needsShipping && !options.discounts?.freeShipping ? shippingRule.flatMinor : 0;

  const grossByRate = new Map<number, number>();
  for (const line of counted) {
    grossByRate.set(line.taxRateBps, (grossByRate.get(line.taxRateBps) ?? 0) + line.lineTotalMinor);
  }
  if (shippingMinor > 0) {
    const rate = shippingRule.taxRateBps;
    grossByRate.set(rate, (grossByRate.get(rate) ?? 0) + shippingMinor);
  }
  const vat = [...grossByRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBps, grossMinor]) => {
      const vatMinor = includedVat(grossMinor, rateBps);
      return { rateBps, grossMinor, netMinor: grossMinor - vatMinor, vatMinor };
    });

  return {
    currency,
    lines,
    itemCount: counted.reduce((sum, line) => sum + line.quantity, 0),
    subtotalMinor,
    discountMinor,
    needsShipping,
    shippingMinor,
    taxMinor: vat.reduce((sum, line) => sum + line.vatMinor, 0),
    totalMinor: subtotalMinor - discountMinor + shippingMinor,
    vat,
    ready:
      counted.length > 0 &&
      !counted.some((line) => line.warnings.some((w) => w.code === 'over_stock')),
  };
}

export interface Quote<P extends PricingProduct = PricingProduct> {
  totals: CartTotals<P>;
  /** The code's outcome on the counted lines; null when no code was given. */
  promo: PromoOutcome | null;
}

/**
 * Prices a cart and, when a code is given, applies it to the counted lines and prices the
 * cart again with its discounts. A refused code leaves the totals undiscounted.
 */
export function quoteCart<P extends PricingProduct>(
  entries: readonly PricingEntry[],
  products: ReadonlyMap<string, P>,
  options: {
    promo?: PromoRule;
    now?: Date;
    userRedemptions?: number | null;
    shipping?: ShippingRule;
  } = {},
): Quote<P> {
  const base = priceCart(entries, products, { shipping: options.shipping });
  if (!options.promo) return { totals: base, promo: null };
  const counted = base.lines.filter((line) => line.included);
  if (counted.length === 0 || base.currency === null) {
    return {
      totals: base,
      promo: { ok: false, reason: 'out_of_scope', message: 'Your cart has nothing to discount.' },
    };
  }
  const outcome = applyPromo(
    counted.map((line) => ({
      productId: line.productId,
      categoryId: line.product?.categoryId ?? null,
      unitPriceMinor: line.unitPriceMinor,
      quantity: line.quantity,
    })),
    options.promo,
    {
      now: options.now ?? new Date(),
      currency: base.currency,
      userRedemptions: options.userRedemptions ?? null,
    },
  );
  if (!outcome.ok) return { totals: base, promo: outcome };
  const lineDiscounts = new Map(
    counted.map((line, i) => [line.productId, outcome.lineDiscounts[i] ?? 0]),
  );
  return {
    totals: priceCart(entries, products, {
      shipping: options.shipping,
      discounts: { lineDiscounts, freeShipping: outcome.freeShipping },
    }),
    promo: outcome,
  };
}
