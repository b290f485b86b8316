import type { z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client';
import { invoices, orderEvents, orderItems, orders, refunds } from '../../db/schema';
import { stripeCall, stripeClient } from '../payments/stripe';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { instructionsFor, payeeFrom } from './bank-transfer';
import { cancelPendingOrder } from './fulfilment';
import { vatBreakdown } from './invoices';
import type { OrderPageSchema, OrderSchema, OrderSummarySchema } from './orders-schemas';

export type OrderRow = typeof orders.$inferSelect;
export type OrderView = z.infer<typeof OrderSchema>;
export type OrderSummary = z.infer<typeof OrderSummarySchema>;
export type OrderPage = z.infer<typeof OrderPageSchema>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Units in an order, as a correlated subquery (the outer table named in full). */
export const itemCountSql = sql<number>`(select coalesce(sum(oi.quantity), 0)::int from order_items oi where oi.order_id = orders.id)`;

/** An order row as the list shape. */
export function toSummary(order: OrderRow, itemCount: number): OrderSummary {
  return {
    id: order.id,
    status: order.status,
    currency: order.currency,
    subtotalMinor: order.subtotalMinor,
    discountMinor: order.discountMinor,
    shippingMinor: order.shippingMinor,
    taxMinor: order.taxMinor,
    totalMinor: order.totalMinor,
    refundedMinor: order.refundedMinor,
    promoCode: order.promoCode,
    paymentMethod: order.paymentMethod,
    itemCount,
    createdAt: order.createdAt.toISOString(),
    expiresAt: iso(order.expiresAt),
    paidAt: iso(order.paidAt),
    fulfilledAt: iso(order.fulfilledAt),
    cancelledAt: iso(order.cancelledAt),
  };
}

/** The full order: lines, VAT, history, invoices, refunds and, while unpaid, how to pay it. */
export async function orderView(
  db: Database | Transaction,
  services: Pick<Services, 'secrets'>,
  order: OrderRow,
): Promise<OrderView> {
  const lines = await db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, order.id))
    .orderBy(asc(orderItems.id));
  const history = await db
    .select()
    .from(orderEvents)
    .where(eq(orderEvents.orderId, order.id))
    .orderBy(asc(orderEvents.createdAt), asc(orderEvents.id));
  const docs = await db
    .select()
    .from(invoices)
    .where(eq(invoices.orderId, order.id))
    .orderBy(asc(invoices.year), asc(invoices.sequence));
  const refundRows = await db
    .select()
    .from(refunds)
    .where(eq(refunds.orderId, order.id))
    .orderBy(asc(refunds.createdAt));
  const payee = payeeFrom(services.secrets);
  const instructions =
    order.status === 'pending' && order.paymentMethod === 'bank_transfer' && payee
      ? instructionsFor(order, payee)
      : null;
  return {
    ...toSummary(
      order,
      lines.reduce((sum, line) => sum + line.quantity, 0),
    ),
    billing: order.billing,
    bankReference: order.bankReference,
    lines: lines.map((line) => ({
      id: line.id,
      productId: line.productId,
      kind: line.kind,
      name: line.name,
      unitPriceMinor: line.unitPriceMinor,
      quantity: line.quantity,
      discountMinor: line.discountMinor,
      taxRateBps: line.taxRateBps,
      lineTotalMinor: line.lineTotalMinor,
    })),
    vat: vatBreakdown(lines, order.shippingMinor),
    history: history.map((event) => ({
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      actor: event.actor,
      note: event.note,
      createdAt: event.createdAt.toISOString(),
    })),
    invoices: docs.map((doc) => ({
      id: doc.id,
      kind: doc.kind,
      number: doc.number,
      totalMinor: doc.totalMinor,
      currency: doc.currency,
      createdAt: doc.createdAt.toISOString(),
      pdfUrl: `/api/invoices/${doc.id}/pdf`,
    })),
    refunds: refundRows.map((refund) => ({
      id: refund.id,
      provider: refund.provider,
      amountMinor: refund.amountMinor,
      reason: refund.reason,
      createdAt: refund.createdAt.toISOString(),
    })),
    instructions,
  };
}

const notFound = () => new ApiError('NOT_FOUND', 'No such order.');

/** One of the caller's orders; someone else's, or none, is a 404. */
export async function requireOwnOrder(
  db: Database | Transaction,
  userId: string,
  orderId: string,
): Promise<OrderRow> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.userId, userId)));
  if (!order) throw notFound();
  return order;
}

/** Any order (administrators). */
export async function requireOrder(db: Database | Transaction, orderId: string): Promise<OrderRow> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) throw notFound();
  return order;
}

/** The caller's orders, newest first. */
export async function listOrders(
  services: Services,
  userId: string,
  query: { page: number; limit: number },
): Promise<OrderPage> {
  const { db } = services;
  // Count and page side by side: one round trip before the page answers.
  const [[total], rows] = await Promise.all([
    db.select({ n: count() }).from(orders).where(eq(orders.userId, userId)),
    db
      .select({ order: orders, itemCount: itemCountSql })
      .from(orders)
      .where(eq(orders.userId, userId))
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(query.limit)
      .offset((query.page - 1) * query.limit),
  ]);
  return {
    items: rows.map((row) => toSummary(row.order, row.itemCount)),
    total: total?.n ?? 0,
    page: query.page,
    limit: query.limit,
  };
}

/** One of the caller's orders in full. */
export async function getOrder(
  services: Services,
  userId: string,
  orderId: string,
): Promise<OrderView> {
  const order = await requireOwnOrder(services.db, userId, orderId);
  return orderView(services.db, services, order);
}

/**
 * Makes sure an unpaid card order can no longer be paid before it is cancelled: its Stripe
 * Checkout Session is expired. A session already completed means the money is on its way,
 * so the order is not cancelled (the webhook will confirm it).
 */
async function closeStripeSession(services: Services, order: OrderRow): Promise<void> {
  if (order.paymentMethod !== 'stripe' || !order.providerRef) return;
  const ref = order.providerRef;
  const stripe = stripeClient(services.secrets);
  const session = await stripeCall('read the payment session', () =>
    stripe.checkout.sessions.retrieve(ref),
  );
  if (session.status === 'complete') {
    throw new ApiError(
      'CONFLICT',
      'This order has just been paid; it will be confirmed in a moment and cannot be cancelled.',
    );
  }
  if (session.status === 'open') {
    await stripeCall('close the payment session', () => stripe.checkout.sessions.expire(ref));
  }
}

/**
 * Cancels one of the caller's unpaid orders, giving back its stock and promo use. A paid order
 * cannot be cancelled here: payment and fulfilment happen in one transaction, so it is
 * already fulfilled, and giving money back is a refund (administrators).
 */
export async function cancelOrder(
  services: Services,
  userId: string,
  orderId: string,
): Promise<OrderView> {
  const order = await requireOwnOrder(services.db, userId, orderId);
  if (order.status !== 'pending') {
    throw new ApiError(
      'CONFLICT',
      order.status === 'cancelled'
        ? 'This order is already cancelled.'
        : 'This order is paid: ask us for a refund instead.',
    );
  }
  await closeStripeSession(services, order);
  const done = await services.db.transaction((tx) =>
    cancelPendingOrder(tx, order.id, `user:${userId}`, 'Cancelled by the buyer'),
  );
  if (!done) throw new ApiError('CONFLICT', 'This order changed meanwhile; reload it.');
  return getOrder(services, userId, orderId);
}

/** Any order in full (administrators). */
export async function getOrderForAdmin(services: Services, orderId: string): Promise<OrderView> {
  return orderView(services.db, services, await requireOrder(services.db, orderId));
}
