import { eq } from 'drizzle-orm';
import type { Transaction } from '../../db/client';
import { orders } from '../../db/schema';
import {
  addOrderEvent,
  afterFulfilment,
  cancelPendingOrder,
  type FulfilOutcome,
  fulfilOrder,
  recordRefund,
} from '../commerce/fulfilment';
import { storeInvoicePdf } from '../commerce/invoices';
import { applySubscriptionEvent } from '../commerce/plans';
import type { Services } from '../platform/env';
import { planChanged } from '../usage/plan-record';
import { notConfigured, type Stripe, stripeCall, stripeClient, verifyStripeEvent } from './stripe';
import { recordAndApply, type WebhookResult } from './webhook-events';

export type { WebhookResult };

/** The event types `apply` acts on; any other is recorded and acknowledged. */
const HANDLED = new Set<string>([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
]);

/** Work to run once the transaction committed (PDFs, e-mails). */
type AfterCommit = Array<(services: Services) => void>;

const orderIdOf = (metadata: Stripe.Metadata | null | undefined, fallback?: string | null) =>
  metadata?.orderId ?? fallback ?? null;

async function orderExists(tx: Transaction, orderId: string | null): Promise<boolean> {
  if (!orderId || !/^[0-9a-f-]{36}$/i.test(orderId)) return false;
  const [row] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId));
  return Boolean(row);
}

function fulfilled(outcome: FulfilOutcome, after: AfterCommit): string {
  after.push((services) => afterFulfilment(services, outcome));
  return outcome.kind;
}

interface ChargeFacts {
  orderId: string | null;
  refunds: Stripe.Refund[];
}

/**
 * What a charge.refunded event needs from Stripe: our order id (the charge's metadata, else
 * its PaymentIntent's, where checkout put it) and the charge's refunds (listed on the event
 * when Stripe includes them, else fetched).
 */
async function chargeFacts(services: Services, charge: Stripe.Charge): Promise<ChargeFacts> {
  const stripe = stripeClient(services.secrets);
  let orderId = orderIdOf(charge.metadata);
  const intentId =
    typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  if (!orderId && intentId) {
    const intent = await stripeCall('read the payment', () =>
      stripe.paymentIntents.retrieve(intentId),
    );
    orderId = orderIdOf(intent.metadata);
  }
  const listed = (charge as Stripe.Charge & { refunds?: { data?: Stripe.Refund[] } }).refunds?.data;
  if (listed) return { orderId, refunds: listed };
  const page = await stripeCall('list the refunds', () =>
    stripe.refunds.list({ charge: charge.id, limit: 100 }),
  );
  return { orderId, refunds: page.data };
}

/**
 * What one event does, inside the transaction that also records it. Each handler moves the
 * order or subscription toward the state the event implies, only if it is not there yet, so
 * events may come in any order and any number of times: a payment_intent.succeeded before
 * its checkout.session.completed fulfils the order, and the session event then finds it done.
 */
async function apply(
  tx: Transaction,
  event: Stripe.Event,
  charged: ChargeFacts,
  after: AfterCommit,
): Promise<string> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      if (session.mode !== 'payment') return 'ignored: not a one-time payment';
      if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') {
        return `waiting: payment ${session.payment_status}`;
      }
      const orderId = orderIdOf(session.metadata, session.client_reference_id);
      if (!(await orderExists(tx, orderId)) || !orderId) return 'ignored: unknown order';
      const outcome = await fulfilOrder(tx, orderId, {
        actor: 'stripe',
        amountMinor: session.amount_total ?? undefined,
        currency: session.currency ?? undefined,
        providerRef: session.id,
        note: `Stripe ${event.type} ${event.id}`,
      });
      return fulfilled(outcome, after);
    }
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      const orderId = orderIdOf(intent.metadata);
      if (!(await orderExists(tx, orderId)) || !orderId) return 'ignored: unknown order';
      const outcome = await fulfilOrder(tx, orderId, {
        actor: 'stripe',
        amountMinor: intent.amount_received,
        currency: intent.currency,
        note: `Stripe ${event.type} ${event.id}`,
      });
      return fulfilled(outcome, after);
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const orderId = orderIdOf(intent.metadata);
      if (!(await orderExists(tx, orderId)) || !orderId) return 'ignored: unknown order';
      const [order] = await tx
        .select({ status: orders.status })
        .from(orders)
        .where(eq(orders.id, orderId));
      if (order?.status !== 'pending') return `ignored: order ${order?.status}`;
      await addOrderEvent(
        tx,
        orderId,
        'pending',
        'pending',
        'stripe',
        `Payment attempt failed: ${intent.last_payment_error?.message ?? 'declined'}`,
      );
      return 'noted';
    }
    case 'checkout.session.expired': {
      const session = event.data.object;
      if (session.mode !== 'payment') return 'ignored: not a one-time payment';
      const orderId = orderIdOf(session.metadata, session.client_reference_id);
      if (!(await orderExists(tx, orderId)) || !orderId) return 'ignored: unknown order';
      const cancelled = await cancelPendingOrder(tx, orderId, 'stripe', 'The payment page expired');
      return cancelled ? 'cancelled' : 'ignored: not pending';
    }
    case 'charge.refunded': {
      const orderId = charged.orderId;
      if (!(await orderExists(tx, orderId)) || !orderId) return 'ignored: unknown order';
      const outcomes: string[] = [];
      for (const refund of charged.refunds) {
        if (refund.status === 'failed' || refund.status === 'canceled') continue;
        const outcome = await recordRefund(tx, {
          orderId,
          provider: 'stripe',
          providerRef: refund.id,
          amountMinor: refund.amount,
          reason: refund.metadata?.reason ?? refund.reason ?? null,
          actor: 'stripe',
        });
        if (outcome.kind === 'recorded') {
          const creditNoteId = outcome.creditNoteId;
          after.push((s) => s.background(storeInvoicePdf(s, creditNoteId)));
        }
        outcomes.push(outcome.kind);
      }
      return `refunds: ${outcomes.join(', ') || 'none'}`;
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const { outcome, userId } = await applySubscriptionEvent(
        tx,
        event.data.object,
        new Date(event.created * 1000),
        event.type === 'customer.subscription.deleted',
      );
      if (outcome === 'applied' && userId) {
        after.push((services) => services.background(planChanged(services, userId)));
      }
      return `subscription ${outcome}`;
    }
    default:
      return 'ignored: event type not handled';
  }
}

/**
 * POST /api/webhooks/stripe: verifies the signature on the raw body (nothing is read as
 * trusted before that), then records the event id and applies it in ONE transaction. A
 * replay finds the id already recorded and changes nothing; a failure rolls back both the
 * record and the effect, and the 500 makes Stripe retry later.
 */
export async function handleStripeWebhook(
  services: Services,
  raw: string,
  signature: string | undefined,
): Promise<WebhookResult> {
  const secret = services.secrets.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw notConfigured('Stripe webhooks', ['STRIPE_WEBHOOK_SECRET']);
  const event = await verifyStripeEvent(raw, signature, secret);
  // Read from Stripe before the transaction, so no row lock waits on the network.
  const charged: ChargeFacts =
    event.type === 'charge.refunded'
      ? await chargeFacts(services, event.data.object)
      : { orderId: null, refunds: [] };
  const after: AfterCommit = [];
  const result = await recordAndApply(
    services,
    { provider: 'stripe', id: event.id, type: event.type, handled: HANDLED.has(event.type) },
    (tx) => apply(tx, event, charged, after),
  );
  for (const run of after) run(services);
  services.logger.info('stripe webhook', { eventId: event.id, type: event.type, ...result });
  return { received: true, ...result };
}
