/**
 * The promo-code rules, as pure functions: no database, no clock of their own. The cart
 * preview and checkout both call `applyPromo` with lines priced from Postgres, so a code
 * gives the same discount in the preview and on the order.
 */

export const PROMO_KINDS = ['percent', 'fixed', 'free_shipping', 'bogo'] as const;
export type PromoKind = (typeof PROMO_KINDS)[number];

/** One cart line as the rules see it: current price, never a price sent by the client. */
export interface PromoLine {
  productId: string;
  categoryId: string | null;
  unitPriceMinor: number;
  quantity: number;
}

/** The fields of a promo_codes row the rules read. */
export interface PromoRule {
  code: string;
  kind: PromoKind;
  /** Percent (1–100) for `percent`, minor units for `fixed`; unused otherwise. */
  value: number;
  currency: string;
  minSubtotalMinor: number;
  startsAt: Date | null;
  endsAt: Date | null;
  maxUses: number | null;
  usesCount: number;
  perUserLimit: number | null;
  productIds: readonly string[];
  categoryIds: readonly string[];
  active: boolean;
}

export const PROMO_REFUSALS = [
  'unknown',
  'inactive',
  'not_started',
  'expired',
  'used_up',
  'per_user_limit',
  'currency_mismatch',
  'out_of_scope',
  'below_minimum',
] as const;
export type PromoRefusal = (typeof PROMO_REFUSALS)[number];

export interface PromoContext {
  now: Date;
  /** The cart's currency. */
  currency: string;
  /** How many times this buyer already used the code; null when unknown (anonymous cart). */
  userRedemptions: number | null;
}

export interface PromoApplied {
  ok: true;
  kind: PromoKind;
  /** The discount on each line, in the order of the lines given. */
  lineDiscounts: number[];
  /** The sum of lineDiscounts. */
  discountMinor: number;
  /** Shipping is waived (free_shipping codes). */
  freeShipping: boolean;
}

export interface PromoRefused {
  ok: false;
  reason: PromoRefusal;
  message: string;
}

export type PromoOutcome = PromoApplied | PromoRefused;

const formatMinor = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

/** A human sentence for a refusal, for problem details and the cart page. */
export function refusalMessage(
  reason: PromoRefusal,
  promo: Pick<PromoRule, 'code' | 'minSubtotalMinor' | 'currency' | 'startsAt' | 'endsAt'> | null,
): string {
  const code = promo?.code ?? 'This code';
  switch (reason) {
    case 'unknown':
      return 'This promo code does not exist.';
    case 'inactive':
      return `${code} is no longer valid.`;
    case 'not_started':
      return `${code} is valid from ${promo?.startsAt?.toISOString() ?? 'a later date'}.`;
    case 'expired':
      return `${code} expired on ${promo?.endsAt?.toISOString() ?? 'an earlier date'}.`;
    case 'used_up':
      return `${code} has been used as many times as it may be.`;
    case 'per_user_limit':
      return `You have already used ${code} as many times as it allows.`;
    case 'currency_mismatch':
      return `${code} applies to carts in ${promo?.currency ?? 'another currency'}.`;
    case 'out_of_scope':
      return `${code} does not apply to any product in your cart.`;
    case 'below_minimum':
      return promo
        ? `${code} needs an order of at least ${formatMinor(promo.minSubtotalMinor, promo.currency)}.`
        : 'Your order is below the minimum for this code.';
  }
}

function refuse(reason: PromoRefusal, promo: PromoRule): PromoRefused {
  return { ok: false, reason, message: refusalMessage(reason, promo) };
}

/** Whether a line is covered by the code: empty scopes mean every product. */
export function inScope(line: PromoLine, promo: PromoRule): boolean {
  if (promo.productIds.length === 0 && promo.categoryIds.length === 0) return true;
  if (promo.productIds.includes(line.productId)) return true;
  return line.categoryId !== null && promo.categoryIds.includes(line.categoryId);
}

/**
 * Splits `total` over `weights` in proportion, in whole minor units, so the parts add up
 * to `total` exactly (largest remainder; ties go to the earlier line). No part exceeds its
 * weight when total ≤ the sum of weights.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] = (parts[index] ?? 0) + 1;
    left--;
  }
  return parts;
}

/**
 * Applies a code to priced lines at `now`: the discount on each line, or the first rule
 * that refuses it. Checked in order: active, start, end, uses left, the buyer's own limit,
 * currency, scope, minimum subtotal (of the whole cart).
 * - percent: `value` % of the lines in scope, rounded to the nearest minor unit;
 * - fixed: `value` minor units, at most the subtotal in scope, spread over those lines;
 * - free_shipping: no line discount, shipping waived;
 * - bogo: for each product in scope, every second unit is free.
 */
export function applyPromo(
  lines: readonly PromoLine[],
  promo: PromoRule,
  context: PromoContext,
): PromoOutcome {
  const now = context.now.getTime();
  if (!promo.active) return refuse('inactive', promo);
  if (promo.startsAt && promo.startsAt.getTime() > now) return refuse('not_started', promo);
  if (promo.endsAt && promo.endsAt.getTime() <= now) return refuse('expired', promo);
  if (promo.maxUses !== null && promo.usesCount >= promo.maxUses) return refuse('used_up', promo);
  if (
    promo.perUserLimit !== null &&
    context.userRedemptions !== null &&
    context.userRedemptions >= promo.perUserLimit
  ) {
    return refuse('per_user_limit', promo);
  }
  const moneyMatters = promo.kind === 'fixed' || promo.minSubtotalMinor > 0;
  if (moneyMatters && promo.currency !== context.currency) {
    return refuse('currency_mismatch', promo);
  }
  const scoped = lines.map((line) => inScope(line, promo));
  if (!scoped.some(Boolean)) return refuse('out_of_scope', promo);
  const subtotal = lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
  if (subtotal < promo.minSubtotalMinor) return refuse('below_minimum', promo);

  const scopedTotals = lines.map((line, i) =>
    scoped[i] ? line.unitPriceMinor * line.quantity : 0,
  );
  const scopedSubtotal = scopedTotals.reduce((a, b) => a + b, 0);
  let lineDiscounts: number[];
  switch (promo.kind) {
    case 'percent': {
      const percent = Math.min(100, Math.max(0, promo.value));
      lineDiscounts = allocate(Math.round((scopedSubtotal * percent) / 100), scopedTotals);
      break;
    }
    case 'fixed':
      lineDiscounts = allocate(Math.min(Math.max(0, promo.value), scopedSubtotal), scopedTotals);
      break;
    case 'free_shipping':
      lineDiscounts = lines.map(() => 0);
      break;
    case 'bogo':
      lineDiscounts = lines.map((line, i) =>
        scoped[i] ? Math.floor(line.quantity / 2) * line.unitPriceMinor : 0,
      );
      break;
  }
  return {
    ok: true,
    kind: promo.kind,
    lineDiscounts,
    discountMinor: lineDiscounts.reduce((a, b) => a + b, 0),
    freeShipping: promo.kind === 'free_shipping',
  };
}
