import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { userPlan, users } from './auth';

export const productKind = pgEnum('product_kind', ['digital', 'credit_pack', 'plan', 'physical']);

export const productCategories = pgTable(
  'product_categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    nameFr: text('name_fr').notNull(),
    nameEn: text('name_en').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => productCategories.id, {
      onDelete: 'set null',
    }),
    sortOrder: integer('sort_order').notNull().default(100),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('product_categories_slug_key').on(t.slug)],
);

/**
 * What WeBox sells. Prices are integer minor units (cents) with an ISO currency; names and
 * descriptions in French and English, searched with each language's text configuration.
 */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    kind: productKind('kind').notNull(),
    categoryId: uuid('category_id').references(() => productCategories.id, {
      onDelete: 'set null',
    }),
    nameFr: text('name_fr').notNull(),
    nameEn: text('name_en').notNull(),
    descriptionFr: text('description_fr').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull().default('EUR'),
    /** VAT rate in basis points (2000 = 20 %). */
    taxRateBps: integer('tax_rate_bps').notNull().default(2000),
    /** Units left, for physical items; null means not tracked. */
    stock: integer('stock'),
    /** Credit packs: the credits granted. */
    credits: integer('credits'),
    /** Plans: the plan granted and its billing interval. */
    plan: userPlan('plan'),
    billingInterval: text('billing_interval').$type<'month' | 'year'>(),
    /** Digital products: the R2 key of the file unlocked by a paid order. */
    downloadKey: text('download_key'),
    imageKeys: text('image_keys').array().notNull().default(sql`'{}'::text[]`),
    stripePriceId: text('stripe_price_id'),
    active: boolean('active').notNull().default(true),
    /** Units sold by fulfilled orders: the "popularity" sort. */
    salesCount: integer('sales_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_slug_key').on(t.slug),
    index('products_category_idx').on(t.categoryId),
    index('products_search_idx').using(
      'gin',
      sql`(to_tsvector('french', ${t.nameFr} || ' ' || ${t.descriptionFr}) || to_tsvector('english', ${t.nameEn} || ' ' || ${t.descriptionEn}))`,
    ),
    check('products_price_check', sql`${t.priceMinor} >= 0`),
    check('products_stock_check', sql`${t.stock} IS NULL OR ${t.stock} >= 0`),
  ],
);

export const reviewStatus = pgEnum('review_status', ['pending', 'approved', 'rejected']);

/** One review per buyer and product, shown once a moderator approves it. */
export const productReviews = pgTable(
  'product_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rating: integer('rating').notNull(),
    text: text('text').notNull().default(''),
    status: reviewStatus('status').notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('product_reviews_product_user_key').on(t.productId, t.userId),
    check('product_reviews_rating_check', sql`${t.rating} BETWEEN 1 AND 5`),
  ],
);

export const wishlistItems = pgTable(
  'wishlist_items',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productId] })],
);

export const promoKind = pgEnum('promo_kind', ['percent', 'fixed', 'free_shipping', 'bogo']);

/**
 * Promo codes. `usesCount` only grows through one conditional UPDATE (`uses_count <
 * max_uses`), so racing buyers cannot redeem the last use twice.
 */
export const promoCodes = pgTable(
  'promo_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Upper-cased; the unique index is the source of truth. */
    code: text('code').notNull(),
    kind: promoKind('kind').notNull(),
    /** Percent (1–100) for `percent`, minor units for `fixed`; unused otherwise. */
    value: integer('value').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
    minSubtotalMinor: integer('min_subtotal_minor').notNull().default(0),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    maxUses: integer('max_uses'),
    usesCount: integer('uses_count').notNull().default(0),
    perUserLimit: integer('per_user_limit'),
    /** Scope: empty arrays mean every product. */
    productIds: uuid('product_ids').array().notNull().default(sql`'{}'::uuid[]`),
    categoryIds: uuid('category_ids').array().notNull().default(sql`'{}'::uuid[]`),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('promo_codes_code_key').on(t.code),
    check('promo_codes_uses_check', sql`${t.maxUses} IS NULL OR ${t.usesCount} <= ${t.maxUses}`),
  ],
);

export const orderStatus = pgEnum('order_status', [
  'pending',
  'paid',
  'fulfilled',
  'cancelled',
  'refunded',
  'partially_refunded',
]);
export const paymentMethod = pgEnum('payment_method', ['stripe', 'paypal', 'bank_transfer']);

export interface BillingDetails {
  name: string;
  email: string;
  address?: string;
  city?: string;
  postalCode?: string;
  country?: string;
  vatId?: string;
}

/** An order with its price snapshot: what the buyer agreed to pay, whatever prices do later. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    status: orderStatus('status').notNull().default('pending'),
    currency: text('currency').notNull(),
    subtotalMinor: integer('subtotal_minor').notNull(),
    discountMinor: integer('discount_minor').notNull().default(0),
    shippingMinor: integer('shipping_minor').notNull().default(0),
    taxMinor: integer('tax_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    promoCodeId: uuid('promo_code_id').references(() => promoCodes.id, { onDelete: 'set null' }),
    promoCode: text('promo_code'),
    paymentMethod: paymentMethod('payment_method').notNull(),
    /** Stripe Checkout Session id, PayPal order id: set when the payment is created. */
    providerRef: text('provider_ref'),
    /** Bank transfers: the reference the buyer writes on the transfer. */
    bankReference: text('bank_reference'),
    billing: jsonb('billing').$type<BillingDetails>().notNull(),
    /** The client's Idempotency-Key: retrying a checkout returns the same order. */
    idempotencyKey: text('idempotency_key'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    fulfilledAt: timestamp('fulfilled_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('orders_user_idx').on(t.userId, t.createdAt),
    index('orders_status_idx').on(t.status, t.createdAt),
    uniqueIndex('orders_provider_ref_key').on(t.paymentMethod, t.providerRef),
    uniqueIndex('orders_bank_reference_key').on(t.bankReference),
    uniqueIndex('orders_user_idempotency_key').on(t.userId, t.idempotencyKey),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id').references(() => products.id, { onDelete: 'set null' }),
    kind: productKind('kind').notNull(),
    name: text('name').notNull(),
    unitPriceMinor: integer('unit_price_minor').notNull(),
    quantity: integer('quantity').notNull(),
    discountMinor: integer('discount_minor').notNull().default(0),
    taxRateBps: integer('tax_rate_bps').notNull(),
    lineTotalMinor: integer('line_total_minor').notNull(),
  },
  (t) => [index('order_items_order_idx').on(t.orderId)],
);

/** Every status change of an order, with who or what made it. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    fromStatus: orderStatus('from_status'),
    toStatus: orderStatus('to_status').notNull(),
    actor: text('actor').notNull(),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.createdAt)],
);

/** One row per code used on an order; the per-user limit counts these. */
export const promoRedemptions = pgTable(
  'promo_redemptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    promoCodeId: uuid('promo_code_id')
      .notNull()
      .references(() => promoCodes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    discountMinor: integer('discount_minor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('promo_redemptions_order_key').on(t.orderId),
    index('promo_redemptions_user_idx').on(t.promoCodeId, t.userId),
  ],
);

/** Payment-provider webhooks seen, by the provider's event id: a replay changes nothing. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    provider: paymentMethod('provider').notNull(),
    providerRef: text('provider_ref'),
    amountMinor: integer('amount_minor').notNull(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('refunds_provider_ref_key').on(t.provider, t.providerRef)],
);

export const invoiceKind = pgEnum('invoice_kind', ['invoice', 'credit_note']);

/** Invoices and credit notes, numbered in one gapless sequence per year. */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'restrict' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    kind: invoiceKind('kind').notNull(),
    year: integer('year').notNull(),
    sequence: integer('sequence').notNull(),
    number: text('number').notNull(),
    totalMinor: integer('total_minor').notNull(),
    currency: text('currency').notNull(),
    r2Key: text('r2_key').notNull(),
    refundId: uuid('refund_id').references(() => refunds.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoices_year_sequence_key').on(t.year, t.sequence),
    uniqueIndex('invoices_number_key').on(t.number),
    index('invoices_order_idx').on(t.orderId),
  ],
);

/** The last number used per year; taken with a row lock inside the invoice's transaction. */
export const invoiceCounters = pgTable('invoice_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull().default(0),
});

/** Credits granted by a fulfilled order: unique per order line, so fulfilment runs once. */
export const creditGrants = pgTable(
  'credit_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orderItemId: uuid('order_item_id')
      .notNull()
      .references(() => orderItems.id, { onDelete: 'cascade' }),
    credits: integer('credits').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('credit_grants_item_key').on(t.orderItemId)],
);

/** Digital products a paid order unlocked. */
export const downloads = pgTable(
  'downloads',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.productId] })],
);

export const subscriptionStatus = pgEnum('subscription_status', [
  'incomplete',
  'active',
  'past_due',
  'canceled',
]);

/** Stripe subscriptions that set a user's plan. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    plan: userPlan('plan').notNull(),
    stripeSubscriptionId: text('stripe_subscription_id').notNull(),
    stripeCustomerId: text('stripe_customer_id'),
    status: subscriptionStatus('status').notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** The Stripe event time last applied: older events arriving late are ignored. */
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subscriptions_stripe_key').on(t.stripeSubscriptionId),
    index('subscriptions_user_idx').on(t.userId),
  ],
);
