import { eq } from 'drizzle-orm';
import { orders } from '../../db/schema';
import { afterFulfilment, fulfilOrder, recordRefund } from '../commerce/fulfilment';
import { storeInvoicePdf } from '../commerce/invoices';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { decimalToMinor } from './money';
import { type PaypalApi, paypalApi, paypalCall, verifyPaypalWebhook } from './paypal';
import { recordAndApply, type WebhookResult } from './webhook-events';

interface PaypalMoney {
  currency_code: string;
  value: string;
}

/** The parts of a PayPal webhook event read here (v2 payments resources). */
interface PaypalEvent {
  id: string;
  event_type: string;
  resource?: {
    id?: string;
    status?: string;
    amount?: PaypalMoney;
    custom_id?: string;
    supplementary_data?: { related_ids?: { order_id?: string } };
    links?: Array<{ href: string; rel: string }>;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Our order id behind a refund: its custom_id when PayPal repeats it, else the custom_id of
 * the capture it refunds (the `up` link), read from PayPal before the transaction.
 */
async function refundOrderId(api: PaypalApi, event: PaypalEvent): Promise<string | null> {
  const resource = event.resource;
  if (resource?.custom_id) return resource.custom_id;
  const up = resource?.links?.find((link) => link.rel === 'up')?.href;
  const captureId = up?.match(/\/captures\/([^/?]+)/)?.[1];
  if (!captureId) return null;
  const { result } = await paypalCall('read the capture', () =>
    api.payments.getCapturedPayment({ captureId }),
  );
  return result.customId ?? null;
}

/**
 * POST /api/webhooks/paypal: asks PayPal to verify the delivery (verify-webhook-signature)
 * before reading it as trusted, then records the event id and applies it in one
 * transaction, like Stripe's: a replay changes nothing, a failure rolls back and PayPal
 * retries. PAYMENT.CAPTURE.COMPLETED fulfils the order (the capture endpoint may already
 * have), PAYMENT.CAPTURE.REFUNDED records the refund (the admin action may already have).
 */
export async function handlePaypalWebhook(
  services: Services,
  header: (name: string) => string | undefined,
  raw: string,
): Promise<WebhookResult> {
  const api = paypalApi(services.secrets);
  await verifyPaypalWebhook(api, header, raw);
  const event = JSON.parse(raw) as PaypalEvent;
  if (typeof event.id !== 'string' || typeof event.event_type !== 'string') {
    throw new ApiError('WEBHOOK_REJECTED', 'The webhook event has no id or type.');
  }
  const refundedOrder =
    event.event_type === 'PAYMENT.CAPTURE.REFUNDED' ? await refundOrderId(api, event) : null;
  const after: Array<() => void> = [];
  const handled =
    event.event_type === 'PAYMENT.CAPTURE.COMPLETED' ||
    event.event_type === 'PAYMENT.CAPTURE.REFUNDED';
  const id = event.id;
  const result = await recordAndApply(
    services,
    { provider: 'paypal', id, type: event.event_type, handled },
    async (tx) => {
      let outcome = 'ignored: event type not handled';
      const resource = event.resource;
      if (event.event_type === 'PAYMENT.CAPTURE.COMPLETED' && resource?.amount) {
        const orderId = resource.custom_id;
        const [order] =
          orderId && UUID.test(orderId)
            ? await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId))
            : [];
        if (!order) {
          outcome = 'ignored: unknown order';
        } else {
          const done = await fulfilOrder(tx, order.id, {
            actor: 'paypal',
            amountMinor: decimalToMinor(resource.amount.value, resource.amount.currency_code),
            currency: resource.amount.currency_code,
            providerRef: resource.supplementary_data?.related_ids?.order_id,
            note: `PayPal ${event.event_type} ${event.id}`,
          });
          after.push(() => afterFulfilment(services, done));
          outcome = done.kind;
        }
      } else if (
        event.event_type === 'PAYMENT.CAPTURE.REFUNDED' &&
        resource?.id &&
        resource.amount
      ) {
        if (!refundedOrder || !UUID.test(refundedOrder)) {
          outcome = 'ignored: unknown order';
        } else {
          const done = await recordRefund(tx, {
            orderId: refundedOrder,
            provider: 'paypal',
            providerRef: resource.id,
            amountMinor: decimalToMinor(resource.amount.value, resource.amount.currency_code),
            reason: 'Refunded on PayPal',
            actor: 'paypal',
          });
          if (done.kind === 'recorded') {
            const creditNoteId = done.creditNoteId;
            after.push(() => services.background(storeInvoicePdf(services, creditNoteId)));
          }
          outcome = done.kind;
        }
      }
      return outcome;
    },
  );
  for (const run of after) run();
  services.logger.info('paypal webhook', { eventId: event.id, type: event.event_type, ...result });
  return { received: true, ...result };
}
