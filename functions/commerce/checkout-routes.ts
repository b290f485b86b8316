import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { capturePaypal, checkout } from './checkout';
import { CHECKOUT_RULE, ORDER_WRITE_RULE } from './checkout-limits';
import {
  CheckoutRequestSchema,
  CheckoutResultSchema,
  IdempotencyHeaderSchema,
  PaypalCaptureRequestSchema,
  PaypalCaptureResultSchema,
} from './checkout-schemas';

const checkoutRoute = userRoute({
  method: 'post',
  path: '/checkout',
  tags: ['checkout'],
  summary: 'Turn your cart into an order and start its payment',
  description:
    'Prices, stock and the promo code are read again from the database in one transaction: tracked stock is taken (409 OUT_OF_STOCK when short), the code redeemed (422 PROMO_REJECTED), the order written as pending with a price snapshot, and the cart emptied. Then the payment starts: Stripe answers `redirectUrl` (its Checkout page), PayPal `approveUrl`, bank transfer the `instructions`. The same Idempotency-Key returns the same order (200) instead of a second one. A payment method without its server settings is a 424 PAYMENT_NOT_CONFIGURED, with nothing written.',
  rateLimit: rateLimitByUser(CHECKOUT_RULE),
  request: { headers: IdempotencyHeaderSchema, body: jsonBody(CheckoutRequestSchema) },
  responses: {
    201: jsonResponse(CheckoutResultSchema, 'The order, created'),
    200: jsonResponse(CheckoutResultSchema, 'The order created earlier with this Idempotency-Key'),
    ...problemResponses(409, 422, 424, 502),
  },
});

const captureRoute = userRoute({
  method: 'post',
  path: '/checkout/paypal/capture',
  tags: ['checkout'],
  summary: 'Capture a PayPal payment you approved',
  description:
    'Call when PayPal sends the buyer back. Captures the money once (PayPal-Request-Id keyed by the order) and fulfils the order; calling again returns the order as it is. 409 when PayPal has not been approved yet or the order was cancelled.',
  rateLimit: rateLimitByUser(ORDER_WRITE_RULE),
  request: { body: jsonBody(PaypalCaptureRequestSchema) },
  responses: {
    200: jsonResponse(PaypalCaptureResultSchema, 'The order after the capture'),
    ...problemResponses(404, 409, 424, 502),
  },
});

/** Checkout: cart to order to payment (Stripe, PayPal, bank transfer). */
export const checkoutRoutes = createRouter()
  .openapi(checkoutRoute, async (c) => {
    const { created, result } = await checkout(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('json'),
      c.req.valid('header')['idempotency-key'],
    );
    return created ? c.json(result, 201) : c.json(result, 200);
  })
  .openapi(captureRoute, async (c) => {
    const { orderId } = c.req.valid('json');
    return c.json(await capturePaypal(c.var.services, c.var.auth.userId, orderId), 200);
  });
