import { z } from '@hono/zod-openapi';
import { createRouter, jsonResponse, problemResponses, webhookRoute } from '../platform/openapi';
import { handlePaypalWebhook } from './paypal-webhooks';
import { handleStripeWebhook } from './stripe-webhooks';

const ReceivedSchema = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().openapi({ description: 'This event id was processed before' }),
    outcome: z.string(),
  })
  .openapi('WebhookReceived');

const stripeRoute = webhookRoute({
  method: 'post',
  path: '/webhooks/stripe',
  tags: ['webhooks'],
  summary: 'Stripe events',
  description:
    'Signed by Stripe (Stripe-Signature, HMAC-SHA256 of the raw body, at most 5 minutes old); anything else is a 400 with nothing written. Each event id is applied once.',
  request: {
    headers: z.object({ 'stripe-signature': z.string().optional() }),
  },
  responses: {
    200: jsonResponse(ReceivedSchema, 'Accepted'),
    ...problemResponses(400, 413, 424),
  },
});

const paypalRoute = webhookRoute({
  method: 'post',
  path: '/webhooks/paypal',
  tags: ['webhooks'],
  summary: 'PayPal events',
  description:
    'Verified with PayPal (verify-webhook-signature) before being read; a FAILURE answer is a 400 with nothing written. Each event id is applied once.',
  responses: {
    200: jsonResponse(ReceivedSchema, 'Accepted'),
    ...problemResponses(400, 413, 424, 502),
  },
});

/**
 * Payment-provider webhooks. No session or CSRF check: the signature is the credential.
 * The body is read raw (not through a validator) because signatures cover the exact bytes.
 */
export const webhookRoutes = createRouter()
  .openapi(stripeRoute, async (c) => {
    const raw = await c.req.text();
    const signature = c.req.valid('header')['stripe-signature'];
    return c.json(await handleStripeWebhook(c.var.services, raw, signature), 200);
  })
  .openapi(paypalRoute, async (c) => {
    const raw = await c.req.text();
    return c.json(
      await handlePaypalWebhook(c.var.services, (name) => c.req.header(name), raw),
      200,
    );
  });
