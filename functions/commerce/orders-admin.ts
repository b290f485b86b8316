import type { z } from '@hono/zod-openapi';
import { and, count, desc, eq, gte, ilike, lt, or, type SQL, sql } from 'drizzle-orm';
import { orders, users } from '../../db/schema';
import { minorToDecimal } from '../payments/money';
import { getPaypalCapture, paypalApi, refundPaypalCapture } from '../payments/paypal';
import { stripeCall, stripeClient } from '../payments/stripe';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { afterFulfilment, fulfilOrder, recordRefund } from './fulfilment';
import { storeInvoicePdf } from './invoices';
import {
  itemCountSql,
  type OrderRow,
  type OrderView,
  orderView,
  requireOrder,
  toSummary,
} from './orders';
import type {
  AdminOrderFilter,
  AdminOrderPageSchema,
  AdminOrderQuery,
  RefundRequest,
} from './orders-schemas';

type AdminOrderPage = z.infer<typeof AdminOrderPageSchema>;

/** Most rows one CSV export holds; narrow the dates for more. */
export const CSV_MAX_ROWS = 10_000;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** An upper bound: a bare date (2026-01-31) means up to the end of that day. */
function upperBound(value: string): Date {
  const date = new Date(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(date.getTime() + 86_400_000) : date;
}

function filterConditions(filter: AdminOrderFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  if (filter.from) conditions.push(gte(orders.createdAt, new Date(filter.from)));
  if (filter.to) conditions.push(lt(orders.createdAt, upperBound(filter.to)));
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    const clause = or(
      ilike(sql`${orders.billing}->>'email'`, like),
      ilike(sql`${orders.billing}->>'name'`, like),
      ilike(users.email, like),
      ilike(orders.bankReference, like),
      ilike(orders.providerRef, like),
      ilike(sql`${orders.id}::text`, `${escapeLike(filter.q.toLowerCase())}%`),
    );
    if (clause) conditions.push(clause);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

const adminSelection = {
  order: orders,
  itemCount: itemCountSql,
  userEmail: users.email,
};

function toAdminSummary(row: { order: OrderRow; itemCount: number; userEmail: string }) {
  return {
    ...toSummary(row.order, row.itemCount),
    userId: row.order.userId,
    userEmail: row.userEmail,
    billingName: row.order.billing.name,
    billingEmail: row.order.billing.email,
    bankReference: row.order.bankReference,
    providerRef: row.order.providerRef,
  };
}

/** Every order, filtered and paged, newest first (administrators). */
export async function adminListOrders(
  services: Services,
  query: AdminOrderQuery,
): Promise<AdminOrderPage> {
  const { db } = services;
  const where = filterConditions(query);
  const [[total], rows] = await Promise.all([
    db
      .select({ n: count() })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(where),
    db
      .select(adminSelection)
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(where)
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(query.limit)
      .offset((query.page - 1) * query.limit),
  ]);
  return {
    items: rows.map(toAdminSummary),
    total: total?.n ?? 0,
    page: query.page,
    limit: query.limit,
  };
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes
 * doubled. A value starting with = + - @ or a tab is prefixed with ' so a spreadsheet shows
 * it as text instead of running it as a formula (CSV injection).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const CSV_COLUMNS = [
  'id',
  'created_at',
  'status',
  'payment_method',
  'user_email',
  'billing_name',
  'billing_email',
  'billing_country',
  'billing_vat_id',
  'currency',
  'subtotal',
  'discount',
  'shipping',
  'tax',
  'total',
  'refunded',
  'promo_code',
  'items',
  'bank_reference',
  'provider_ref',
  'paid_at',
  'fulfilled_at',
  'cancelled_at',
] as const;

/** The filtered orders as CSV (amounts as decimals in the order's currency), oldest first. */
export async function adminOrdersCsv(
  services: Services,
  filter: AdminOrderFilter,
): Promise<string> {
  const rows = await services.db
    .select(adminSelection)
    .from(orders)
    .innerJoin(users, eq(users.id, orders.userId))
    .where(filterConditions(filter))
    .orderBy(orders.createdAt, orders.id)
    .limit(CSV_MAX_ROWS);
  const lines = [CSV_COLUMNS.join(',')];
  for (const { order, itemCount, userEmail } of rows) {
    const amount = (minor: number) => minorToDecimal(minor, order.currency);
    lines.push(
      [
        order.id,
        order.createdAt.toISOString(),
        order.status,
        order.paymentMethod,
        userEmail,
        order.billing.name,
        order.billing.email,
        order.billing.country ?? null,
        order.billing.vatId ?? null,
        order.currency,
        amount(order.subtotalMinor),
        amount(order.discountMinor),
        amount(order.shippingMinor),
        amount(order.taxMinor),
        amount(order.totalMinor),
        amount(order.refundedMinor),
        order.promoCode,
        itemCount,
        order.bankReference,
        order.providerRef,
        order.paidAt?.toISOString() ?? null,
        order.fulfilledAt?.toISOString() ?? null,
        order.cancelledAt?.toISOString() ?? null,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * An administrator saw a bank transfer arrive: the order is paid and fulfilled in one
 * transaction (a second confirmation changes nothing). An order cancelled for lack of
 * payment can still be confirmed when the money turns up late.
 */
export async function confirmTransfer(
  services: Services,
  adminId: string,
  orderId: string,
): Promise<OrderView> {
  const order = await requireOrder(services.db, orderId);
  if (order.paymentMethod !== 'bank_transfer') {
    throw new ApiError('CONFLICT', 'This order is not paid by bank transfer.');
  }
  if (order.status !== 'pending' && order.status !== 'cancelled') {
    throw new ApiError('CONFLICT', `This order is already ${order.status}.`);
  }
  const outcome = await services.db.transaction((tx) =>
    fulfilOrder(tx, orderId, { actor: `admin:${adminId}`, note: 'Bank transfer received' }),
  );
  afterFulfilment(services, outcome);
  return orderView(services.db, services, await requireOrder(services.db, orderId));
}

/**
 * Gives money back through the order's provider: a Stripe refund of its PaymentIntent, a
 * PayPal refund of its capture, or, for a bank transfer, a record of the transfer made by
 * hand. The provider call carries an idempotency key (the caller's Idempotency-Key, else one
 * derived from the amount already refunded), so a double click refunds once; the refund is
 * recorded with its provider id, which a webhook reporting it again cannot count twice. The order
 * becomes refunded or partially_refunded and gets a credit note.
 */
export async function refundOrder(
  services: Services,
  adminId: string,
  orderId: string,
  request: RefundRequest,
  idempotencyKey?: string,
): Promise<OrderView> {
  const order = await requireOrder(services.db, orderId);
  if (!['paid', 'fulfilled', 'partially_refunded'].includes(order.status)) {
    throw new ApiError('CONFLICT', `A ${order.status} order cannot be refunded.`);
  }
  const remaining = order.totalMinor - order.refundedMinor;
  const amount = request.amountMinor ?? remaining;
  if (amount > remaining) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `body.amountMinor: At most ${remaining} is left to refund on this order.`,
      { issues: [{ path: 'body.amountMinor', message: `At most ${remaining} is left to refund` }] },
    );
  }
  // The caller's key makes a repeated click one refund whenever it arrives; without one,
  // only requests made against the same refunded amount are recognised as repeats.
  const key = idempotencyKey
    ? `refund-${order.id}-${idempotencyKey}`
    : `refund-${order.id}-${order.refundedMinor}-${amount}`;
  let providerRef: string;
  switch (order.paymentMethod) {
    case 'stripe': {
      const stripe = stripeClient(services.secrets);
      const sessionId = order.providerRef;
      if (!sessionId) throw new ApiError('CONFLICT', 'This order has no Stripe payment to refund.');
      const session = await stripeCall('read the payment', () =>
        stripe.checkout.sessions.retrieve(sessionId),
      );
      const intent =
        typeof session.payment_intent === 'string'
          ? session.payment_intent
          : session.payment_intent?.id;
      if (!intent) throw new ApiError('CONFLICT', 'Stripe holds no payment for this order.');
      const refund = await stripeCall('refund the payment', () =>
        stripe.refunds.create(
          {
            payment_intent: intent,
            amount,
            reason: 'requested_by_customer',
            metadata: { orderId: order.id, reason: request.reason.slice(0, 500) },
          },
          { idempotencyKey: key },
        ),
      );
      providerRef = refund.id;
      break;
    }
    case 'paypal': {
      const api = paypalApi(services.secrets);
      const paypalOrder = order.providerRef;
      if (!paypalOrder)
        throw new ApiError('CONFLICT', 'This order has no PayPal payment to refund.');
      const capture = await getPaypalCapture(api, paypalOrder);
      if (!capture)
        throw new ApiError('CONFLICT', 'PayPal holds no captured payment for this order.');
      const refund = await refundPaypalCapture(api, {
        captureId: capture.captureId,
        amountMinor: amount,
        currency: order.currency,
        requestId: key,
        orderId: order.id,
        note: request.reason,
      });
      providerRef = refund.id;
      break;
    }
    case 'bank_transfer':
      providerRef = key;
      break;
  }
  const outcome = await services.db.transaction((tx) =>
    recordRefund(tx, {
      orderId: order.id,
      provider: order.paymentMethod,
      providerRef,
      amountMinor: amount,
      reason: request.reason,
      actor: `admin:${adminId}`,
    }),
  );
  if (outcome.kind === 'recorded') {
    services.background(storeInvoicePdf(services, outcome.creditNoteId));
  }
  return orderView(services.db, services, await requireOrder(services.db, orderId));
}
