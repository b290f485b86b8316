/** VAT on invoices and credit notes, per rate, recomputed from an order's price snapshot. */
import type { orderItems } from '../../../db/schema';
import { DEFAULT_SHIPPING, includedVat } from '../cart-pricing';
import { allocate } from '../promo';

type OrderItemRow = typeof orderItems.$inferSelect;

export interface VatLine {
  rateBps: number;
  grossMinor: number;
  netMinor: number;
  vatMinor: number;
}

/**
 * VAT per rate of an order, recomputed from its price snapshot exactly as the cart computed
 * it: line totals after discount grouped by rate, shipping at the shipping rate, VAT the
 * part of each gross amount at its rate.
 */
export function vatBreakdown(
  lines: ReadonlyArray<Pick<OrderItemRow, 'taxRateBps' | 'lineTotalMinor'>>,
  shippingMinor: number,
): VatLine[] {
  const grossByRate = new Map<number, number>();
  for (const line of lines) {
    grossByRate.set(line.taxRateBps, (grossByRate.get(line.taxRateBps) ?? 0) + line.lineTotalMinor);
  }
  if (shippingMinor > 0) {
    const rate = DEFAULT_SHIPPING.taxRateBps;
    grossByRate.set(rate, (grossByRate.get(rate) ?? 0) + shippingMinor);
  }
  return [...grossByRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBps, grossMinor]) => {
      const vatMinor = includedVat(grossMinor, rateBps);
      return { rateBps, grossMinor, netMinor: grossMinor - vatMinor, vatMinor };
    });
}

/** A refund's VAT: the amount spread over the order's rates in proportion, then negated. */
export function refundVat(orderVat: readonly VatLine[], amountMinor: number): VatLine[] {
  const parts = allocate(
    amountMinor,
    orderVat.map((line) => line.grossMinor),
  );
  return orderVat.map((line, i) => {
    const gross = parts[i] ?? 0;
    const vat = includedVat(gross, line.rateBps);
    return { rateBps: line.rateBps, grossMinor: -gross, netMinor: -(gross - vat), vatMinor: -vat };
  });
}
