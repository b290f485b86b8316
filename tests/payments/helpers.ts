import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import { addItemOk, createProduct, type ProductBody } from '../commerce/helpers';
import { signStripePayload, stripeEvent } from '../fakes/stripe';
import { call, json, registerUser, sql, type TestUser } from '../helpers/api';

export interface OrderLineBody {
  id: string;
  productId: string | null;
  kind: string;
  name: string;
  unitPriceMinor: number;
  quantity: number;
  discountMinor: number;
  taxRateBps: number;
  lineTotalMinor: number;
}

export interface OrderBody {
  id: string;
  status: string;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  refundedMinor: number;
  promoCode: string | null;
  paymentMethod: string;
  itemCount: number;
  bankReference: string | null;
  billing: Record<string, string>;
  lines: OrderLineBody[];
  vat: Array<{ rateBps: number; grossMinor: number; netMinor: number; vatMinor: number }>;
  history: Array<{
    fromStatus: string | null;
    toStatus: string;
    actor: string;
    note: string | null;
  }>;
  invoices: Array<{ id: string; kind: string; number: string; totalMinor: number; pdfUrl: string }>;
  refunds: Array<{ id: string; provider: string; amountMinor: number; reason: string | null }>;
  instructions: {
    holder: string;
    iban: string;
    bic: string | null;
    reference: string;
    amountMinor: number;
    currency: string;
  } | null;
}

export interface CheckoutBody {
  order: OrderBody;
  redirectUrl?: string;
  approveUrl?: string;
  instructions?: OrderBody['instructions'];
}

export const BILLING = {
  name: 'Éloïse Dupré',
  email: 'eloise@example.com',
  address: '12 rue de la Paix',
  city: 'Paris',
  postalCode: '75002',
  country: 'fr',
};

/** A new buyer with the given products (id → quantity) in their cart. */
export async function buyerWith(items: Array<[ProductBody, number]>): Promise<TestUser> {
  const user = await registerUser({ name: 'Acheteuse Test' });
  for (const [product, quantity] of items) {
    await addItemOk({ token: user.accessToken, ip: user.ip }, product.id, quantity);
  }
  return user;
}

/** POST /api/checkout with a key (a fresh one unless given). */
export function checkoutCall(
  user: TestUser,
  body: Record<string, unknown>,
  key: string | null = randomUUID(),
): Promise<Response> {
  return call('/api/checkout', {
    token: user.accessToken,
    ip: user.ip,
    json: body,
    headers: key === null ? {} : { 'Idempotency-Key': key },
  });
}

/** Checks out and expects a new order. */
export async function checkoutOk(
  user: TestUser,
  paymentMethod: 'stripe' | 'paypal' | 'bank_transfer',
  extra: Record<string, unknown> = {},
): Promise<CheckoutBody> {
  const res = await checkoutCall(user, { paymentMethod, billing: BILLING, ...extra });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<CheckoutBody>(res);
}

/** GET /api/orders/{id} as the owner. */
export async function readOrder(user: TestUser, orderId: string): Promise<OrderBody> {
  const res = await call(`/api/orders/${orderId}`, { token: user.accessToken, ip: user.ip });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<OrderBody>(res);
}

/** A digital product, a credit pack and a physical product with stock, created by `admin`. */
export async function catalog(admin: TestUser) {
  return {
    ebook: await createProduct(admin, { kind: 'digital', priceMinor: 1200, taxRateBps: 550 }),
    credits: await createProduct(admin, { kind: 'credit_pack', priceMinor: 2000, credits: 500 }),
    mug: await createProduct(admin, { kind: 'physical', priceMinor: 1500, stock: 10 }),
  };
}

// ---- Stripe ----

export const stripeFakeUrl = (): string => inject('stripeFakeUrl');
export const stripeSecret = (): string => inject('stripeWebhookSecret');

/** Calls a test control of the Stripe fake. */
export async function stripeControl<T>(path: string): Promise<T> {
  const res = await fetch(`${stripeFakeUrl()}${path}`, { method: 'POST' });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

export interface FakeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, unknown>;
}

/** The calls the Stripe fake received. */
export async function stripeRequests(): Promise<FakeRequest[]> {
  const res = await fetch(`${stripeFakeUrl()}/__requests`);
  return ((await res.json()) as { requests: FakeRequest[] }).requests;
}

export type StripeObject = Record<string, unknown> & { id: string };

/** Pays a Checkout Session at the fake: the session, its PaymentIntent and Charge. */
export function payStripeSession(sessionId: string) {
  return stripeControl<{
    session: StripeObject;
    paymentIntent?: StripeObject;
    charge?: StripeObject;
    subscription?: StripeObject;
  }>(`/__sessions/${sessionId}/pay`);
}

/** POSTs a Stripe event to the webhook, signed unless told otherwise. */
export function deliverStripe(
  event: Record<string, unknown>,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<Response> {
  const payload = JSON.stringify(event);
  const signature =
    options.signature === undefined
      ? signStripePayload(payload, options.secret ?? stripeSecret(), options.timestamp)
      : options.signature;
  return call('/api/webhooks/stripe', {
    body: payload,
    headers: {
      'Content-Type': 'application/json',
      ...(signature === null ? {} : { 'Stripe-Signature': signature }),
    },
  });
}

/** Builds and delivers an event, expecting 200. */
export async function deliverStripeOk(
  type: string,
  object: unknown,
  options: { id?: string; created?: number } = {},
): Promise<{ duplicate: boolean; outcome: string }> {
  const res = await deliverStripe(stripeEvent(type, object, options));
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
}

/** The Checkout Session id of a Stripe order (the order's provider reference). */
export async function sessionIdOf(orderId: string): Promise<string> {
  const [row] = await query<{ provider_ref: string | null }>(
    (db) => db`select provider_ref from orders where id = ${orderId}`,
  );
  expect(row?.provider_ref).toMatch(/^cs_test_/);
  return row?.provider_ref ?? '';
}

// ---- PayPal ----

export const paypalFakeUrl = (): string => inject('paypalFakeUrl');

export async function paypalControl<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${paypalFakeUrl()}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

/** A webhook delivery as PayPal would send it: the event text and its transmission headers. */
export function paypalDelivery(eventType: string, resource: unknown, id?: string) {
  return paypalControl<{ body: string; headers: Record<string, string> }>('/__webhooks', {
    event_type: eventType,
    resource,
    id,
  });
}

export function deliverPaypal(delivery: {
  body: string;
  headers: Record<string, string>;
}): Promise<Response> {
  return call('/api/webhooks/paypal', {
    body: delivery.body,
    headers: { 'Content-Type': 'application/json', ...delivery.headers },
  });
}

// ---- database ----

/** Runs one query on the test database and closes the connection. */
export async function query<T extends object>(
  run: (db: ReturnType<typeof sql>) => Promise<T[]>,
): Promise<T[]> {
  const db = sql();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

/** Counts of what fulfilling an order writes, to compare before and after. */
export async function orderFootprint(orderId: string) {
  const [row] = await query<{
    status: string;
    paid_events: number;
    fulfilled_events: number;
    invoices: number;
    grants: number;
    credits: number;
    downloads: number;
  }>(
    (db) => db`
      select o.status,
        (select count(*)::int from order_events e where e.order_id = o.id and e.to_status = 'paid') as paid_events,
        (select count(*)::int from order_events e where e.order_id = o.id and e.to_status = 'fulfilled') as fulfilled_events,
        (select count(*)::int from invoices i where i.order_id = o.id and i.kind = 'invoice') as invoices,
        (select count(*)::int from credit_grants g join order_items oi on oi.id = g.order_item_id where oi.order_id = o.id) as grants,
        (select coalesce(sum(g.credits), 0)::int from credit_grants g join order_items oi on oi.id = g.order_item_id where oi.order_id = o.id) as credits,
        (select count(*)::int from downloads d where d.order_id = o.id) as downloads
      from orders o where o.id = ${orderId}`,
  );
  if (!row) throw new Error(`no order ${orderId}`);
  return row;
}

/** Everything a webhook could have written, summed over the whole database. */
export async function paymentTables() {
  const [row] = await query<Record<string, number>>(
    (db) => db`
      select
        (select count(*)::int from webhook_events) as webhook_events,
        (select count(*)::int from order_events) as order_events,
        (select count(*)::int from invoices) as invoices,
        (select count(*)::int from credit_grants) as credit_grants,
        (select count(*)::int from downloads) as downloads,
        (select count(*)::int from refunds) as refunds,
        (select count(*)::int from subscriptions) as subscriptions,
        (select count(*)::int from orders where status <> 'pending') as settled_orders`,
  );
  return row;
}

// ---- PDF ----

/** WinAnsi's printable characters in 0x80–0x9F, where it differs from Latin-1. */
const WIN_ANSI_EXTRA: Record<string, string> = {
  '\x80': '€',
  '\x85': '…',
  '\x8c': 'Œ',
  '\x91': '‘',
  '\x92': '’',
  '\x93': '“',
  '\x94': '”',
  '\x95': '•',
  '\x96': '–',
  '\x97': '—',
  '\x9c': 'œ',
};

/**
 * The text drawn on a PDF's pages: pdf-lib writes standard-font text as hex strings of
 * WinAnsi bytes (`<48656C6C6F> Tj`) in (possibly compressed) content streams.
 */
export async function pdfText(
  bytes: Uint8Array,
): Promise<{ pages: number; title: string | undefined; text: string }> {
  const { PDFDocument, PDFArray, PDFRawStream, decodePDFRawStream } = await import('pdf-lib');
  const pdf = await PDFDocument.load(bytes);
  let text = '';
  for (const page of pdf.getPages()) {
    const contents = page.node.Contents();
    const streams =
      contents instanceof PDFArray
        ? contents.asArray().map((ref) => pdf.context.lookup(ref))
        : [contents];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const ops = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const match of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
        const latin1 = Buffer.from(match[1] ?? '', 'hex').toString('latin1');
        text += `${latin1.replace(/[\x80-\x9f]/g, (ch) => WIN_ANSI_EXTRA[ch] ?? ch)}\n`;
      }
    }
  }
  return { pages: pdf.getPageCount(), title: pdf.getTitle(), text };
}
