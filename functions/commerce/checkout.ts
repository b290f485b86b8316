import { and, eq, sql } from 'drizzle-orm';
import { isUniqueViolation, type Transaction } from '../../db/client';
import { orderEvents, orderItems, orders, products, users } from '../../db/schema';
import {
  capturePaypalOrder,
  createPaypalOrder,
  missingPaypalSettings,
  paypalApi,
  paypalCall,
} from '../payments/paypal';
import { missingStripeSettings, notConfigured, stripeCall, stripeClient } from '../payments/stripe';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import {
  BANK_TRANSFER_DAYS,
  instructionsFor,
  missingBankSettings,
  newBankReference,
  payeeFrom,
} from './bank-transfer';
import { cartEntries, clearCart } from './cart';
import { type PricingEntry, priceCart, quoteCart } from './cart-pricing';
import type { CheckoutRequest, CheckoutResult } from './checkout-schemas';
import { afterFulfilment, fulfilOrder } from './fulfilment';
import { type OrderRow, orderView, requireOwnOrder } from './orders';
import { mailContext, sendTransferInstructions } from './orders-mail';
import type { PaymentMethod } from './orders-schemas';
import { loadProducts } from './products';
import { refusalMessage } from './promo';
import { findPromoForBuyer, redeemPromo } from './promo-service';

/** How long a card or PayPal order waits for its payment (Stripe needs 30 min at least). */
export const ONLINE_ORDER_MINUTES = 60;
/** Stripe refuses a session expiring sooner than 30 minutes from now. */
const STRIPE_MIN_EXPIRY_MS = 31 * 60 * 1000;

const METHOD_NAMES: Record<PaymentMethod, string> = {
  stripe: 'Card payment (Stripe)',
  paypal: 'PayPal',
  bank_transfer: 'Bank transfer',
};

/** The settings a payment method still needs, by variable name. */
export function missingSettings(secrets: Services['secrets'], method: PaymentMethod): string[] {
  switch (method) {
    case 'stripe':
      return missingStripeSettings(secrets);
    case 'paypal':
      return missingPaypalSettings(secrets);
    case 'bank_transfer':
      return missingBankSettings(secrets);
  }
}

/** 424 PAYMENT_NOT_CONFIGURED naming the variables to set; checked before anything is written. */
export function assertMethodConfigured(secrets: Services['secrets'], method: PaymentMethod): void {
  const missing = missingSettings(secrets, method);
  if (missing.length > 0) throw notConfigured(METHOD_NAMES[method], missing);
}

interface Buyer {
  id: string;
  email: string;
  locale: 'fr' | 'en';
}

async function loadBuyer(services: Services, userId: string): Promise<Buyer> {
  const [user] = await services.db
    .select({ id: users.id, email: users.email, locale: users.locale })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new ApiError('UNAUTHORIZED', 'This account no longer exists.');
  return { ...user, locale: user.locale === 'en' ? 'en' : 'fr' };
}

async function findByKey(
  services: Services,
  userId: string,
  key: string,
): Promise<OrderRow | null> {
  const [order] = await services.db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.idempotencyKey, key)));
  return order ?? null;
}

function promoRefused(message: string, reason: string): ApiError {
  return new ApiError('PROMO_REJECTED', message, {
    issues: [{ path: 'body.promoCode', message: reason }],
  });
}

/**
 * Writes the order in the caller's transaction from the cart's lines, with prices, stock and
 * the promo code read again from Postgres (product rows locked in id order, so concurrent
 * checkouts queue instead of deadlocking): tracked stock is taken by a conditional UPDATE
 * (stock >= quantity), the promo use is redeemed, the price snapshot is stored per line.
 */
async function placeOrder(
  tx: Transaction,
  input: {
    orderId: string;
    buyer: Buyer;
    entries: PricingEntry[];
    request: CheckoutRequest;
    idempotencyKey: string;
  },
): Promise<void> {
  const { orderId, buyer, entries, request } = input;
  const productRows = await loadProducts(
    tx,
    entries.map((entry) => entry.productId),
    { lock: true },
  );
  const found = request.promoCode ? await findPromoForBuyer(tx, request.promoCode, buyer.id) : null;
  if (request.promoCode && !found) {
    throw promoRefused(refusalMessage('unknown', null), 'unknown');
  }
  const quote = quoteCart(entries, productRows, {
    promo: found?.promo,
    userRedemptions: found?.userRedemptions ?? null,
  });
  if (found && !quote.promo?.ok) {
    const reason = quote.promo?.ok === false ? quote.promo.reason : 'out_of_scope';
    throw promoRefused(
      quote.promo?.ok === false ? quote.promo.message : refusalMessage(reason, found.promo),
      reason,
    );
  }
  const totals = quote.totals;
  const dropped = totals.lines.filter((line) => !line.included);
  if (dropped.length > 0) {
    const names = dropped.map((line) => line.product?.nameEn ?? 'A product').join(', ');
    throw new ApiError(
      'CONFLICT',
      `${names}: no longer for sale in this cart; remove ${dropped.length > 1 ? 'them' : 'it'} and check out again.`,
    );
  }
  const currency = totals.currency;
  if (totals.lines.length === 0 || currency === null) {
    throw new ApiError('CONFLICT', 'Your cart is empty.');
  }
  const method = request.paymentMethod;
  const minutes = method === 'bank_transfer' ? BANK_TRANSFER_DAYS * 24 * 60 : ONLINE_ORDER_MINUTES;
  const base = found ? priceCart(entries, productRows) : totals;
  const billing = Object.fromEntries(
    Object.entries(request.billing).filter(([, value]) => value !== undefined && value !== ''),
  ) as CheckoutRequest['billing'];
  await tx.insert(orders).values({
    id: orderId,
    userId: buyer.id,
    status: 'pending',
    currency,
    subtotalMinor: totals.subtotalMinor,
    discountMinor: totals.discountMinor,
    shippingMinor: totals.shippingMinor,
    taxMinor: totals.taxMinor,
    totalMinor: totals.totalMinor,
    promoCodeId: found?.promo.id ?? null,
    promoCode: found?.promo.code ?? null,
    paymentMethod: method,
    bankReference: method === 'bank_transfer' ? newBankReference() : null,
    billing,
    idempotencyKey: input.idempotencyKey,
    expiresAt: new Date(Date.now() + minutes * 60_000),
  });
  await tx.insert(orderItems).values(
    totals.lines.map((line) => {
      const product = productRows.get(line.productId);
      return {
        orderId,
        productId: line.productId,
        kind: product?.kind ?? 'digital',
        name: product ? (buyer.locale === 'en' ? product.nameEn : product.nameFr) : line.productId,
        unitPriceMinor: line.unitPriceMinor,
        quantity: line.quantity,
        discountMinor: line.discountMinor,
        taxRateBps: line.taxRateBps,
        lineTotalMinor: line.lineTotalMinor,
      };
    }),
  );
  for (const line of totals.lines) {
    const product = productRows.get(line.productId);
    if (!product || product.stock === null) continue;
    const taken = await tx
      .update(products)
      .set({ stock: sql`${products.stock} - ${line.quantity}`, updatedAt: new Date() })
      .where(and(eq(products.id, line.productId), sql`${products.stock} >= ${line.quantity}`))
      .returning({ stock: products.stock });
    if (taken.length === 0) {
      throw new ApiError(
        'OUT_OF_STOCK',
        product.stock <= 0
          ? `${product.nameEn} is out of stock.`
          : `Only ${product.stock} of ${product.nameEn} left; lower the quantity in your cart.`,
      );
    }
  }
  if (found) {
    await redeemPromo(tx, {
      promoId: found.promo.id,
      userId: buyer.id,
      orderId,
      discountMinor: totals.discountMinor + (base.shippingMinor - totals.shippingMinor),
    });
  }
  await tx.insert(orderEvents).values({
    orderId,
    fromStatus: null,
    toStatus: 'pending',
    actor: `user:${buyer.id}`,
    note: `Placed with ${METHOD_NAMES[method]}`,
    createdAt: sql`clock_timestamp()`,
  });
}

/**
 * Starts (or, for a repeated checkout, finds again) the payment of a pending order:
 * a Stripe Checkout Session, a PayPal order, or the bank-transfer instructions. Provider
 * calls carry the order id as idempotency key, so a retry never opens a second payment.
 */
async function startPayment(
  services: Services,
  order: OrderRow,
  buyer: Buyer,
): Promise<CheckoutResult> {
  const result: CheckoutResult = { order: await orderView(services.db, services, order) };
  if (order.status !== 'pending') return result;
  const origin = services.config.appOrigin;
  switch (order.paymentMethod) {
    case 'stripe': {
      const stripe = stripeClient(services.secrets);
      const ref = order.providerRef;
      if (ref) {
        const session = await stripeCall('read the payment session', () =>
          stripe.checkout.sessions.retrieve(ref),
        );
        if (session.url && session.status === 'open') result.redirectUrl = session.url;
        return result;
      }
      const lines = result.order.lines.filter((line) => line.lineTotalMinor > 0);
      const expiresAt = order.expiresAt?.getTime() ?? 0;
      const session = await stripeCall('open the payment page', () =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: order.id,
            customer_email: order.billing.email,
            locale: buyer.locale,
            line_items: [
              ...lines.map((line) => ({
                quantity: 1,
                price_data: {
                  currency: order.currency.toLowerCase(),
                  unit_amount: line.lineTotalMinor,
                  product_data: {
                    name: line.quantity > 1 ? `${line.name} × ${line.quantity}` : line.name,
                  },
                },
              })),
              ...(order.shippingMinor > 0
                ? [
                    {
                      quantity: 1,
                      price_data: {
                        currency: order.currency.toLowerCase(),
                        unit_amount: order.shippingMinor,
                        product_data: { name: buyer.locale === 'en' ? 'Shipping' : 'Livraison' },
                      },
                    },
                  ]
                : []),
            ],
            metadata: { orderId: order.id },
            payment_intent_data: { metadata: { orderId: order.id } },
            success_url: `${origin}/orders/${order.id}?payment=success`,
            cancel_url: `${origin}/orders/${order.id}?payment=cancelled`,
            ...(expiresAt - Date.now() > STRIPE_MIN_EXPIRY_MS
              ? { expires_at: Math.floor(expiresAt / 1000) }
              : {}),
          },
          { idempotencyKey: `checkout-${order.id}` },
        ),
      );
      await services.db
        .update(orders)
        .set({ providerRef: session.id, updatedAt: new Date() })
        .where(and(eq(orders.id, order.id), sql`${orders.providerRef} is null`));
      result.order = await orderView(services.db, services, { ...order, providerRef: session.id });
      if (session.url) result.redirectUrl = session.url;
      return result;
    }
    case 'paypal': {
      const api = paypalApi(services.secrets);
      const ref = order.providerRef;
      if (ref) {
        const { result: existing } = await paypalCall('read the order', () =>
          api.orders.getOrder({ id: ref }),
        );
        const approve = existing.links?.find(
          (link) => link.rel === 'payer-action' || link.rel === 'approve',
        );
        if (approve) result.approveUrl = approve.href;
        return result;
      }
      const created = await createPaypalOrder(api, {
        orderId: order.id,
        amountMinor: order.totalMinor,
        currency: order.currency,
        description: `WeBox ${order.id.slice(0, 8).toUpperCase()}`,
        returnUrl: `${origin}/checkout/paypal/return?order=${order.id}`,
        cancelUrl: `${origin}/orders/${order.id}?payment=cancelled`,
        locale: buyer.locale,
      });
      await services.db
        .update(orders)
        .set({ providerRef: created.id, updatedAt: new Date() })
        .where(and(eq(orders.id, order.id), sql`${orders.providerRef} is null`));
      result.approveUrl = created.approveUrl;
      return result;
    }
    case 'bank_transfer': {
      const payee = payeeFrom(services.secrets);
      const instructions = payee ? instructionsFor(order, payee) : null;
      if (instructions) result.instructions = instructions;
      return result;
    }
  }
}

/**
 * POST /api/checkout: turns the caller's cart into one pending order and starts its payment.
 * The same Idempotency-Key from the same account always gives back the same order (the
 * unique index on (user_id, idempotency_key) settles two racing requests). An unconfigured
 * method is refused before anything is written; the cart is emptied once the order holds
 * its lines. An order with nothing to pay (a 100 % code) is fulfilled at once.
 */
export async function checkout(
  services: Services,
  userId: string,
  request: CheckoutRequest,
  idempotencyKey: string,
): Promise<{ created: boolean; result: CheckoutResult }> {
  const buyer = await loadBuyer(services, userId);
  const existing = await findByKey(services, userId, idempotencyKey);
  if (existing) return { created: false, result: await startPayment(services, existing, buyer) };
  assertMethodConfigured(services.secrets, request.paymentMethod);
  const owner = { kind: 'user', userId } as const;
  const entries = await cartEntries(services, owner);
  if (entries.length === 0) throw new ApiError('CONFLICT', 'Your cart is empty.');

  const orderId = crypto.randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await services.db.transaction((tx) =>
        placeOrder(tx, { orderId, buyer, entries, request, idempotencyKey }),
      );
      break;
    } catch (err) {
      if (isUniqueViolation(err, 'orders_user_idempotency_key')) {
        const winner = await findByKey(services, userId, idempotencyKey);
        if (winner) return { created: false, result: await startPayment(services, winner, buyer) };
      }
      if (isUniqueViolation(err, 'orders_bank_reference_key') && attempt < 3) continue;
      throw err;
    }
  }
  await clearCart(services, owner);

  let order = await requireOwnOrder(services.db, userId, orderId);
  if (order.totalMinor === 0) {
    const outcome = await services.db.transaction((tx) =>
      fulfilOrder(tx, orderId, { actor: 'checkout', note: 'Nothing to pay' }),
    );
    afterFulfilment(services, outcome);
    order = await requireOwnOrder(services.db, userId, orderId);
    return { created: true, result: { order: await orderView(services.db, services, order) } };
  }
  if (order.paymentMethod === 'bank_transfer') {
    const payee = payeeFrom(services.secrets);
    if (payee) {
      services.background(
        sendTransferInstructions(mailContext(services), orderId, payee, BANK_TRANSFER_DAYS),
      );
    }
  }
  return { created: true, result: await startPayment(services, order, buyer) };
}

/**
 * POST /api/checkout/paypal/capture: after the buyer approved on PayPal, captures the money
 * (PayPal-Request-Id keyed by the order, so a retry cannot capture twice) and fulfils the
 * order in the same step as the webhook would. Capturing an order already fulfilled returns
 * it; an expired or cancelled order is never captured.
 */
export async function capturePaypal(
  services: Services,
  userId: string,
  orderId: string,
): Promise<{ order: CheckoutResult['order'] }> {
  const order = await requireOwnOrder(services.db, userId, orderId);
  if (order.paymentMethod !== 'paypal') {
    throw new ApiError('CONFLICT', 'This order is not paid with PayPal.');
  }
  if (order.status !== 'pending') {
    if (order.status === 'cancelled') {
      throw new ApiError('CONFLICT', 'This order was cancelled; place a new one.');
    }
    return { order: await orderView(services.db, services, order) };
  }
  const ref = order.providerRef;
  if (!ref) throw new ApiError('CONFLICT', 'This order has no PayPal payment to capture yet.');
  const api = paypalApi(services.secrets);
  const capture = await capturePaypalOrder(api, ref, `capture-${order.id}`);
  if (!capture) {
    throw new ApiError('CONFLICT', 'The payment has not been approved on PayPal yet.');
  }
  if (capture.status === 'COMPLETED') {
    const outcome = await services.db.transaction((tx) =>
      fulfilOrder(tx, order.id, {
        actor: 'paypal',
        amountMinor: capture.amountMinor,
        currency: capture.currency,
        note: `PayPal capture ${capture.captureId}`,
      }),
    );
    afterFulfilment(services, outcome);
  } else if (capture.status !== 'PENDING') {
    throw new ApiError('CONFLICT', `PayPal did not take the payment (${capture.status}).`);
  }
  const fresh = await requireOwnOrder(services.db, userId, orderId);
  return { order: await orderView(services.db, services, fresh) };
}
