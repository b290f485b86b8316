import { z } from '@hono/zod-openapi';
import { orderStatus, paymentMethod, productKind } from '../../db/schema';

export const ORDER_STATUSES = orderStatus.enumValues;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PAYMENT_METHODS = paymentMethod.enumValues;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const dateTime = z.string().openapi({ format: 'date-time' });
const minor = (description: string) => z.number().int().openapi({ description });

export const OrderIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const BillingSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'Enter the name to invoice').max(200),
    email: z.email('Enter a valid e-mail address').max(254),
    address: z.string().trim().max(500).optional(),
    city: z.string().trim().max(120).optional(),
    postalCode: z.string().trim().max(20).optional(),
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, 'Use a two-letter country code (ISO 3166-1)')
      .transform((code) => code.toUpperCase())
      .optional(),
    vatId: z.string().trim().max(40).optional(),
  })
  .openapi('Billing');

export const OrderLineSchema = z
  .object({
    id: z.uuid(),
    productId: z.uuid().nullable(),
    kind: z.enum(productKind.enumValues),
    name: z.string(),
    unitPriceMinor: minor('Unit price at the time of the order, VAT included'),
    quantity: z.number().int(),
    discountMinor: minor('Promo discount on this line'),
    taxRateBps: z.number().int().openapi({ description: 'VAT rate in basis points' }),
    lineTotalMinor: minor('What the line costs after its discount, VAT included'),
  })
  .openapi('OrderLine');

export const OrderEventSchema = z
  .object({
    fromStatus: z.enum(ORDER_STATUSES).nullable(),
    toStatus: z.enum(ORDER_STATUSES),
    actor: z.string().openapi({ example: 'stripe' }),
    note: z.string().nullable(),
    createdAt: dateTime,
  })
  .openapi('OrderEvent');

export const InvoiceRefSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['invoice', 'credit_note']),
    number: z.string().openapi({ example: '2026-000123' }),
    totalMinor: minor('Amount of the document; negative for a credit note'),
    currency: z.string(),
    createdAt: dateTime,
    pdfUrl: z.string().openapi({ example: '/api/invoices/…/pdf' }),
  })
  .openapi('InvoiceRef');

export const VatLineSchema = z
  .object({
    rateBps: z.number().int(),
    grossMinor: z.number().int(),
    netMinor: z.number().int(),
    vatMinor: z.number().int(),
  })
  .openapi('OrderVatLine');

export const BankInstructionsSchema = z
  .object({
    holder: z.string(),
    iban: z.string(),
    bic: z.string().nullable(),
    reference: z.string().openapi({ example: 'WBX-7KQ2-M9PD' }),
    amountMinor: z.number().int(),
    currency: z.string(),
    expiresAt: dateTime.nullable(),
  })
  .openapi('BankTransferInstructions');

export const RefundSchema = z
  .object({
    id: z.uuid(),
    provider: z.enum(PAYMENT_METHODS),
    amountMinor: z.number().int(),
    reason: z.string().nullable(),
    createdAt: dateTime,
  })
  .openapi('OrderRefund');

const summaryFields = {
  id: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string().openapi({ example: 'EUR' }),
  subtotalMinor: minor('Lines before discounts, VAT included'),
  discountMinor: minor('Promo discount'),
  shippingMinor: minor('Shipping, VAT included'),
  taxMinor: minor('VAT included in the total'),
  totalMinor: minor('What the buyer pays'),
  refundedMinor: minor('Refunded so far'),
  promoCode: z.string().nullable(),
  paymentMethod: z.enum(PAYMENT_METHODS),
  itemCount: z.number().int(),
  createdAt: dateTime,
  expiresAt: dateTime.nullable(),
  paidAt: dateTime.nullable(),
  fulfilledAt: dateTime.nullable(),
  cancelledAt: dateTime.nullable(),
};

export const OrderSummarySchema = z.object(summaryFields).openapi('OrderSummary');

export const OrderSchema = z
  .object({
    ...summaryFields,
    billing: BillingSchema,
    bankReference: z.string().nullable(),
    lines: z.array(OrderLineSchema),
    vat: z.array(VatLineSchema),
    history: z.array(OrderEventSchema),
    invoices: z.array(InvoiceRefSchema),
    refunds: z.array(RefundSchema),
    instructions: BankInstructionsSchema.nullable().openapi({
      description: 'How to pay a pending bank-transfer order; null otherwise',
    }),
  })
  .openapi('Order');

export const OrderPageSchema = z
  .object({
    items: z.array(OrderSummarySchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('OrderPage');

const pageFields = {
  page: z.coerce.number().int().min(1).max(10_000).default(1).openapi({ example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
};

export const OrderPageQuerySchema = z.object(pageFields);

const dateBound = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'Use an ISO 8601 date or date-time')
  .openapi({ example: '2026-01-31' });

const adminFilterFields = {
  status: z.enum(ORDER_STATUSES).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Buyer e-mail or name, bank reference, provider id, order id prefix' }),
  from: dateBound.optional().openapi({ description: 'Created at or after (inclusive)' }),
  to: dateBound.optional().openapi({
    description: 'Created before; a bare date includes the whole day',
  }),
};

export const AdminOrderQuerySchema = z.object({ ...adminFilterFields, ...pageFields });
export type AdminOrderQuery = z.infer<typeof AdminOrderQuerySchema>;
export const AdminOrderCsvQuerySchema = z.object(adminFilterFields);
export type AdminOrderFilter = z.infer<typeof AdminOrderCsvQuerySchema>;

export const AdminOrderSummarySchema = z
  .object({
    ...summaryFields,
    userId: z.uuid(),
    userEmail: z.string(),
    billingName: z.string(),
    billingEmail: z.string(),
    bankReference: z.string().nullable(),
    providerRef: z.string().nullable(),
  })
  .openapi('AdminOrderSummary');

export const AdminOrderPageSchema = z
  .object({
    items: z.array(AdminOrderSummarySchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('AdminOrderPage');

export const OptionalIdempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .min(8, 'Use at least 8 characters')
    .max(128, 'Use at most 128 characters')
    .regex(/^[A-Za-z0-9._:-]+$/, 'Use letters, digits and . _ : - only')
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'The same value sent again does the action once (a double click).',
    }),
});

export const RefundRequestSchema = z
  .strictObject({
    amountMinor: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'Amount to refund; the whole remaining amount when left out' }),
    reason: z.string().trim().min(1, 'Say why the order is refunded').max(500),
  })
  .openapi('RefundRequest');
export type RefundRequest = z.infer<typeof RefundRequestSchema>;
