import { z } from '@hono/zod-openapi';
import {
  BankInstructionsSchema,
  BillingSchema,
  OrderSchema,
  PAYMENT_METHODS,
} from './orders-schemas';

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string({ error: 'Send an Idempotency-Key header (a fresh random value per checkout)' })
    .min(8, 'Use at least 8 characters')
    .max(128, 'Use at most 128 characters')
    .regex(/^[A-Za-z0-9._:-]+$/, 'Use letters, digits and . _ : - only')
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description:
        'A value unique to this checkout attempt (a UUID). Sending it again returns the same order instead of a second one.',
      example: '3f1c0b7e-8a4d-4c52-9a57-0c2f1c4b9e10',
    }),
});

export const CheckoutRequestSchema = z
  .strictObject({
    paymentMethod: z.enum(PAYMENT_METHODS).openapi({ example: 'stripe' }),
    promoCode: z.string().trim().min(1).max(64).optional().openapi({ example: 'BIENVENUE10' }),
    billing: BillingSchema,
  })
  .openapi('CheckoutRequest');
export type CheckoutRequest = z.infer<typeof CheckoutRequestSchema>;

export const CheckoutResultSchema = z
  .object({
    order: OrderSchema,
    redirectUrl: z
      .string()
      .optional()
      .openapi({ description: 'Stripe: the Checkout page to send the buyer to' }),
    approveUrl: z
      .string()
      .optional()
      .openapi({ description: 'PayPal: the page where the buyer approves the payment' }),
    instructions: BankInstructionsSchema.optional().openapi({
      description: 'Bank transfer: the account and reference to pay with',
    }),
  })
  .openapi('CheckoutResult');
export type CheckoutResult = z.infer<typeof CheckoutResultSchema>;

export const PaypalCaptureRequestSchema = z
  .strictObject({ orderId: z.uuid().openapi({ description: 'Your WeBox order id' }) })
  .openapi('PaypalCaptureRequest');

export const PaypalCaptureResultSchema = z
  .object({ order: OrderSchema })
  .openapi('PaypalCaptureResult');
