/**
 * The order state machine's writes: paid and fulfilled, cancelled, refunded. Each runs inside
 * the caller's transaction (a webhook's, with its webhook_events row; an admin action's) and
 * is idempotent: applied twice, the second time changes nothing. "Every payment ends in
 * exactly one order" rests on these: the transition is a conditional write on the order row,
 * each line is fulfilled under a unique key, and an exception anywhere rolls all of it back.
 */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Transaction } from '../../db/client';
import {
  creditGrants,
  downloads,
  orderEvents,
  orderItems,
  orders,
  products,
  promoCodes,
  promoRedemptions,
  refunds,
  users,
} from '../../db/schema';
import type { Services } from '../platform/env';
import { planChanged } from '../usage/plan-record';
import { issueInvoice, storeInvoicePdf } from './invoices';
import { sendOrderConfirmation } from './orders-mail';
import type { OrderStatus, PaymentMethod } from './orders-schemas';

type OrderRow = typeof orders.$inferSelect;

/** Who moved an order: `stripe`, `paypal`, `cron`, `user:<id>`, `admin:<id>`. */
export type Actor = string;

async function lockOrder(tx: Transaction, orderId: string): Promise<OrderRow | null> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  return order ?? null;
}

/** Writes one line of an order's history. */
export async function addOrderEvent(
  tx: Transaction,
  orderId: string,
  from: OrderStatus | null,
  to: OrderStatus,
  actor: Actor,
  note?: string,
): Promise<void> {
  await tx.insert(orderEvents).values({
    orderId,
    fromStatus: from,
    toStatus: to,
    actor,
    note: note ?? null,
    // now() is the transaction's start: every event of one transaction would tie.
    createdAt: sql`clock_timestamp()`,
  });
}

export interface PaymentProof {
  actor: Actor;
  /** What the provider says was paid; checked against the order when given. */
  amountMinor?: number;
  currency?: string;
  /** The provider's id for the payment (session, PayPal order), kept when the order has none. */
  providerRef?: string;
  note?: string;
}

export type FulfilOutcome =
  | { kind: 'fulfilled'; orderId: string; userId: string; invoiceId: string }
  | { kind: 'already'; orderId: string; status: OrderStatus }
  | { kind: 'not_found' }
  | { kind: 'amount_mismatch'; orderId: string };

/**
 * Marks an order paid and fulfils it, all in the caller's transaction: the order moves from
 * pending to paid (a conditional UPDATE on the locked row), every line is fulfilled once
 * (credit grants are unique per order line, downloads per user and product), sales counts
 * grow, the order becomes fulfilled, and its invoice takes the next number. Run again, or
 * for an order already past pending, it changes nothing and says so.
 *
 * A payment for an order that was cancelled meanwhile (it expired while the buyer paid) is
 * still honoured: the buyer paid, so the order goes through, taking its stock back as far
 * as there is any, and the history says so.
 */
export async function fulfilOrder(
  tx: Transaction,
  orderId: string,
  proof: PaymentProof,
): Promise<FulfilOutcome> {
  const order = await lockOrder(tx, orderId);
  if (!order) return { kind: 'not_found' };
  if (order.status !== 'pending' && order.status !== 'cancelled') {
    return { kind: 'already', orderId, status: order.status };
  }
  if (
    proof.amountMinor !== undefined &&
    (proof.amountMinor !== order.totalMinor ||
      (proof.currency ?? order.currency).toUpperCase() !== order.currency)
  ) {
    await addOrderEvent(
      tx,
      orderId,
      order.status,
      order.status,
      proof.actor,
      `Payment of ${proof.amountMinor} ${proof.currency ?? ''} does not match the order total; not fulfilled.`,
    );
    return { kind: 'amount_mismatch', orderId };
  }
  const wasCancelled = order.status === 'cancelled';
  const now = new Date();
  const paid = await tx
    .update(orders)
    .set({
      status: 'paid',
      paidAt: now,
      cancelledAt: null,
      updatedAt: now,
      providerRef: order.providerRef ?? proof.providerRef ?? null,
    })
    .where(and(eq(orders.id, orderId), eq(orders.status, order.status)))
    .returning({ id: orders.id });
  if (paid.length === 0) return { kind: 'already', orderId, status: order.status };
  await addOrderEvent(
    tx,
    orderId,
    order.status,
    'paid',
    proof.actor,
    wasCancelled
      ? `Payment received after the order was cancelled; it goes through. ${proof.note ?? ''}`.trim()
      : proof.note,
  );

  const lines = await tx
    .select({
      item: orderItems,
      credits: products.credits,
      plan: products.plan,
    })
    .from(orderItems)
    .leftJoin(products, eq(products.id, orderItems.productId))
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(orderItems.id));
  for (const { item, credits, plan } of lines) {
    switch (item.kind) {
      case 'credit_pack': {
        const granted = (credits ?? 0) * item.quantity;
        if (granted > 0) {
          await tx
            .insert(creditGrants)
            .values({ userId: order.userId, orderItemId: item.id, credits: granted })
            .onConflictDoNothing({ target: creditGrants.orderItemId });
        }
        break;
      }
      case 'digital':
        if (item.productId) {
          await tx
            .insert(downloads)
            .values({ userId: order.userId, productId: item.productId, orderId })
            .onConflictDoNothing();
        }
        break;
      case 'plan':
        if (plan === 'pro' || plan === 'business') {
          await tx.update(users).set({ plan, updatedAt: now }).where(eq(users.id, order.userId));
        }
        break;
      case 'physical':
        break;
    }
    if (item.productId) {
      const stockBack = wasCancelled
        ? {
            stock: sql`case when ${products.stock} is null then null else greatest(${products.stock} - ${item.quantity}, 0) end`,
          }
        : {};
      await tx
        .update(products)
        .set({ salesCount: sql`${products.salesCount} + ${item.quantity}`, ...stockBack })
        .where(eq(products.id, item.productId));
    }
  }

  await tx
    .update(orders)
    .set({ status: 'fulfilled', fulfilledAt: now, updatedAt: now })
    .where(and(eq(orders.id, orderId), eq(orders.status, 'paid')));
  await addOrderEvent(tx, orderId, 'paid', 'fulfilled', proof.actor);
  const invoice = await issueInvoice(tx, {
    orderId,
    userId: order.userId,
    kind: 'invoice',
    totalMinor: order.totalMinor,
    currency: order.currency,
    at: now,
  });
  return { kind: 'fulfilled', orderId, userId: order.userId, invoiceId: invoice.id };
}

/**
 * Cancels a pending order in the caller's transaction and gives back what it held: the
 * stock of its lines (tracked products only) and its promo code use. Returns false when the
 * order is no longer pending (paid meanwhile, already cancelled), changing nothing.
 */
export async function cancelPendingOrder(
  tx: Transaction,
  orderId: string,
  actor: Actor,
  note: string,
): Promise<boolean> {
  const now = new Date();
  const [cancelled] = await tx
    .update(orders)
    .set({ status: 'cancelled', cancelledAt: now, updatedAt: now })
    .where(and(eq(orders.id, orderId), eq(orders.status, 'pending')))
    .returning({ id: orders.id });
  if (!cancelled) return false;
  const lines = await tx
    .select({ productId: orderItems.productId, quantity: orderItems.quantity })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), isNotNull(orderItems.productId)));
  for (const line of lines) {
    if (!line.productId) continue;
    await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${line.quantity}`, updatedAt: now })
      .where(and(eq(products.id, line.productId), isNotNull(products.stock)));
  }
  const released = await tx
    .delete(promoRedemptions)
    .where(eq(promoRedemptions.orderId, orderId))
    .returning({ promoCodeId: promoRedemptions.promoCodeId });
  const promoIds = released.map((row) => row.promoCodeId);
  if (promoIds.length > 0) {
    await tx
      .update(promoCodes)
      .set({ usesCount: sql`greatest(${promoCodes.usesCount} - 1, 0)`, updatedAt: now })
      .where(inArray(promoCodes.id, promoIds));
  }
  await addOrderEvent(tx, orderId, 'pending', 'cancelled', actor, note);
  return true;
}

export type RefundOutcome =
  | {
      kind: 'recorded';
      refundId: string;
      creditNoteId: string;
      amountMinor: number;
      status: OrderStatus;
    }
  | { kind: 'duplicate' }
  | { kind: 'nothing_left' }
  | { kind: 'not_refundable'; status: OrderStatus }
  | { kind: 'not_found' };

/**
 * Records a refund made at the provider (or by hand for a bank transfer) in the caller's
 * transaction: the refund row (unique per provider refund id, so a refund reported twice,
 * by the admin action and by a webhook, counts once), the order's refunded amount and
 * status, its history, and a credit note numbered in the invoice sequence. The amount is
 * capped at what is left to refund.
 */
export async function recordRefund(
  tx: Transaction,
  input: {
    orderId: string;
    provider: PaymentMethod;
    providerRef: string;
    amountMinor: number;
    reason: string | null;
    actor: Actor;
  },
): Promise<RefundOutcome> {
  const order = await lockOrder(tx, input.orderId);
  if (!order) return { kind: 'not_found' };
  const [seen] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.provider, input.provider), eq(refunds.providerRef, input.providerRef)));
  if (seen) return { kind: 'duplicate' };
  if (!['paid', 'fulfilled', 'partially_refunded'].includes(order.status)) {
    return { kind: 'not_refundable', status: order.status };
  }
  const amount = Math.min(input.amountMinor, order.totalMinor - order.refundedMinor);
  if (amount <= 0) return { kind: 'nothing_left' };
  const [refund] = await tx
    .insert(refunds)
    .values({
      orderId: order.id,
      provider: input.provider,
      providerRef: input.providerRef,
      amountMinor: amount,
      reason: input.reason,
    })
    .returning({ id: refunds.id });
  if (!refund) throw new Error('refund insert returned no row');
  const refunded = order.refundedMinor + amount;
  const status: OrderStatus = refunded >= order.totalMinor ? 'refunded' : 'partially_refunded';
  const now = new Date();
  await tx
    .update(orders)
    .set({ refundedMinor: refunded, status, updatedAt: now })
    .where(eq(orders.id, order.id));
  await addOrderEvent(
    tx,
    order.id,
    order.status,
    status,
    input.actor,
    `Refunded ${amount} ${order.currency}${input.reason ? `: ${input.reason}` : ''}`,
  );
  const creditNote = await issueInvoice(tx, {
    orderId: order.id,
    userId: order.userId,
    kind: 'credit_note',
    totalMinor: -amount,
    currency: order.currency,
    refundId: refund.id,
    at: now,
  });
  return {
    kind: 'recorded',
    refundId: refund.id,
    creditNoteId: creditNote.id,
    amountMinor: amount,
    status,
  };
}

/**
 * After a fulfilment committed: the buyer's cached plan is marked changed (a plan line may
 * have raised it), the invoice PDF goes to R2 and the buyer gets the confirmation e-mail, all
 * after the response (a failure is logged; the PDF is drawn again on first download if its
 * write was lost).
 */
export function afterFulfilment(services: Services, outcome: FulfilOutcome): void {
  if (outcome.kind !== 'fulfilled') return;
  services.background(planChanged(services, outcome.userId));
  services.background(storeInvoicePdf(services, outcome.invoiceId));
  services.background(sendOrderConfirmation(services, outcome.orderId, outcome.invoiceId));
}
