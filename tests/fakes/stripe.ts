import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Stripe from 'stripe';
import {
  bearerToken,
  type Listening,
  readBody,
  sendJson,
  serveJson,
} from '../../tools/dev-services/http';

/**
 * A local stand-in for the Stripe API, speaking its wire format so the official SDK runs
 * unmodified against it: form-encoded bodies with bracketed keys, `Authorization: Bearer
 * sk_...`, Stripe-Version, Idempotency-Key (a repeated key returns the first response; the
 * same key with other parameters is Stripe's 400 idempotency_error), its error envelope and
 * its object shapes (checkout.session, payment_intent, charge, refund, subscription).
 *
 * API paths: POST/GET /v1/checkout/sessions[/:id], POST /v1/checkout/sessions/:id/expire,
 * GET /v1/payment_intents/:id, POST/GET /v1/refunds, GET/POST /v1/subscriptions/:id.
 *
 * Test controls (not Stripe's): POST /__sessions/:id/pay settles a session the way a buyer
 * paying would (payment mode: a succeeded PaymentIntent and its Charge; subscription mode: a
 * customer and an active subscription); POST /__sessions/:id/fail records a declined
 * attempt; POST /__subscriptions/:id/cancel ends a subscription; GET /__requests lists
 * the calls (method, path, Idempotency-Key, parameters). Webhook events are built and
 * signed in the test process with `stripeEvent` and `signStripePayload` below.
 */

export const FAKE_STRIPE_KEY = 'sk_test_webox_fake_key';

type Json = Record<string, unknown>;

export interface SeenStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  params: Json;
}

export interface StripeFake extends Listening {
  /** Worker variables pointing the Stripe SDK here. */
  vars: Record<string, string>;
  webhookSecret: string;
}

const now = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/**
 * Decodes Stripe's form encoding (`a[b][0][c]=v`, as the SDK's qs writes it) into nested
 * objects and arrays.
 */
export function parseStripeForm(body: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.replace(/\]/g, '').split('[');
    let node: Json | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
      const container = node as Record<string, unknown>;
      if (last) {
        container[part] = value;
        return;
      }
      container[part] ??= nextIsIndex ? [] : {};
      node = container[part] as Json | unknown[];
    });
  }
  return root;
}

function stripeError(
  status: number,
  type: string,
  message: string,
  extra: Json = {},
): [number, Json] {
  return [status, { error: { type, message, ...extra } }];
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'string' && /^-?\d+$/.test(value)
    ? Number(value)
    : typeof value === 'number'
      ? value
      : null;
const obj = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj) : []);

/** The first capture group of `pattern` in `path`, or null when it does not match. */
export function idIn(pattern: RegExp, path: string): string | null {
  return pattern.exec(path)?.[1] ?? null;
}

function listOf(data: Json[], url: string): Json {
  return { object: 'list', data, has_more: false, url };
}

/** Starts the Stripe fake on a free port of 127.0.0.1. */
export async function startStripeFake(): Promise<StripeFake> {
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
  const seen: SeenStripeRequest[] = [];
  const sessions = new Map<string, Json>();
  const intents = new Map<string, Json>();
  const charges = new Map<string, Json>();
  const refunds = new Map<string, Json>();
  const subscriptions = new Map<string, Json>();
  const idempotent = new Map<string, { fingerprint: string; reply: [number, Json] }>();
  let baseUrl = '';

  function createSession(params: Json): [number, Json] {
    const mode = str(params.mode);
    if (mode !== 'payment' && mode !== 'subscription') {
      return stripeError(400, 'invalid_request_error', 'Missing required param: mode.', {
        param: 'mode',
      });
    }
    const items = list(params.line_items);
    if (items.length === 0) {
      return stripeError(400, 'invalid_request_error', 'Missing required param: line_items.', {
        param: 'line_items',
      });
    }
    let amount = 0;
    let currency: string | null = null;
    for (const item of items) {
      const quantity = num(item.quantity) ?? 1;
      const priceData = obj(item.price_data);
      if (str(item.price)) {
        amount += 1900 * quantity;
        currency ??= 'eur';
        continue;
      }
      const unit = num(priceData.unit_amount);
      if (unit === null || unit < 0) {
        return stripeError(400, 'invalid_request_error', 'Invalid integer: unit_amount.', {
          param: 'line_items[0][price_data][unit_amount]',
        });
      }
      currency ??= str(priceData.currency);
      amount += unit * quantity;
    }
    const expiresAt = num(params.expires_at) ?? now() + 24 * 3600;
    if (expiresAt < now() + 30 * 60 - 5) {
      return stripeError(
        400,
        'invalid_request_error',
        'The `expires_at` timestamp must be at least 30 minutes from now.',
        {
          param: 'expires_at',
        },
      );
    }
    const id = newId('cs');
    const session: Json = {
      id,
      object: 'checkout.session',
      mode,
      status: 'open',
      payment_status: 'unpaid',
      url: `${baseUrl}/pay/${id}`,
      amount_subtotal: amount,
      amount_total: amount,
      currency,
      client_reference_id: str(params.client_reference_id),
      customer: null,
      customer_email: str(params.customer_email),
      locale: str(params.locale),
      metadata: obj(params.metadata),
      payment_intent: null,
      subscription: null,
      success_url: str(params.success_url),
      cancel_url: str(params.cancel_url),
      expires_at: expiresAt,
      created: now(),
      livemode: false,
      // Kept for the test controls: what Stripe copies onto the objects it creates later.
      _payment_intent_data: obj(params.payment_intent_data),
      _subscription_data: obj(params.subscription_data),
      _prices: items.map((item) => str(item.price)).filter(Boolean),
    };
    sessions.set(id, session);
    return [200, visible(session)];
  }

  function visible(object: Json): Json {
    return Object.fromEntries(Object.entries(object).filter(([key]) => !key.startsWith('_')));
  }

  function missing(kind: string, id: string): [number, Json] {
    return stripeError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, {
      code: 'resource_missing',
      param: 'id',
    });
  }

  function paySession(id: string): [number, Json] {
    const session = sessions.get(id);
    if (!session) return missing('checkout.session', id);
    if (session.status !== 'open') {
      return stripeError(
        400,
        'invalid_request_error',
        `This Checkout Session is ${String(session.status)}.`,
      );
    }
    session.status = 'complete';
    session.payment_status = 'paid';
    if (session.mode === 'payment') {
      const intentId = newId('pi');
      const chargeId = newId('ch');
      const metadata = obj(obj(session._payment_intent_data).metadata);
      const amount = Number(session.amount_total);
      const charge: Json = {
        id: chargeId,
        object: 'charge',
        amount,
        amount_captured: amount,
        amount_refunded: 0,
        currency: session.currency,
        paid: true,
        captured: true,
        refunded: false,
        status: 'succeeded',
        payment_intent: intentId,
        metadata,
        refunds: listOf([], `/v1/charges/${chargeId}/refunds`),
        created: now(),
        livemode: false,
      };
      const intent: Json = {
        id: intentId,
        object: 'payment_intent',
        amount,
        amount_received: amount,
        currency: session.currency,
        status: 'succeeded',
        latest_charge: chargeId,
        metadata,
        last_payment_error: null,
        created: now(),
        livemode: false,
      };
      charges.set(chargeId, charge);
      intents.set(intentId, intent);
      session.payment_intent = intentId;
      return [200, { session: visible(session), paymentIntent: intent, charge }];
    }
    const subscriptionId = newId('sub');
    const customer = newId('cus');
    const periodStart = now();
    const subscription: Json = {
      id: subscriptionId,
      object: 'subscription',
      customer,
      status: 'active',
      cancel_at_period_end: false,
      canceled_at: null,
      metadata: obj(obj(session._subscription_data).metadata),
      items: listOf(
        (session._prices as string[]).map((price) => ({
          id: newId('si'),
          object: 'subscription_item',
          price: { id: price, object: 'price' },
          quantity: 1,
          current_period_start: periodStart,
          current_period_end: periodStart + 30 * 24 * 3600,
        })),
        `/v1/subscription_items?subscription=${subscriptionId}`,
      ),
      created: periodStart,
      livemode: false,
    };
    subscriptions.set(subscriptionId, subscription);
    session.subscription = subscriptionId;
    session.customer = customer;
    return [200, { session: visible(session), subscription }];
  }

  function failSession(id: string): [number, Json] {
    const session = sessions.get(id);
    if (!session) return missing('checkout.session', id);
    const intentId = newId('pi');
    const intent: Json = {
      id: intentId,
      object: 'payment_intent',
      amount: session.amount_total,
      amount_received: 0,
      currency: session.currency,
      status: 'requires_payment_method',
      latest_charge: null,
      metadata: obj(obj(session._payment_intent_data).metadata),
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      },
      created: now(),
      livemode: false,
    };
    intents.set(intentId, intent);
    return [200, { paymentIntent: intent }];
  }

  function createRefund(params: Json): [number, Json] {
    const intentId = str(params.payment_intent);
    const chargeId =
      str(params.charge) ?? (intentId ? str(intents.get(intentId)?.latest_charge) : null);
    const charge = chargeId ? charges.get(chargeId) : undefined;
    if (!charge) {
      return stripeError(
        400,
        'invalid_request_error',
        'This PaymentIntent has no successful charge to refund.',
        {
          code: 'charge_not_refundable',
        },
      );
    }
    const left = Number(charge.amount) - Number(charge.amount_refunded);
    if (left <= 0) {
      return stripeError(
        400,
        'invalid_request_error',
        `Charge ${String(charge.id)} has already been refunded.`,
        {
          code: 'charge_already_refunded',
        },
      );
    }
    const amount = num(params.amount) ?? left;
    if (amount <= 0 || amount > left) {
      return stripeError(
        400,
        'invalid_request_error',
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        { code: 'amount_too_large', param: 'amount' },
      );
    }
    const refund: Json = {
      id: newId('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      currency: charge.currency,
      status: 'succeeded',
      reason: str(params.reason),
      metadata: obj(params.metadata),
      created: now(),
    };
    refunds.set(String(refund.id), refund);
    charge.amount_refunded = Number(charge.amount_refunded) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const chargeRefunds = obj(charge.refunds);
    chargeRefunds.data = [refund, ...list(chargeRefunds.data)];
    return [200, refund];
  }

  function route(
    method: string,
    path: string,
    params: Json,
    query: URLSearchParams,
  ): [number, Json] {
    if (method === 'POST' && path === '/v1/checkout/sessions') return createSession(params);
    const sessionId = idIn(/^\/v1\/checkout\/sessions\/([^/]+)$/, path);
    if (sessionId !== null && method === 'GET') {
      const session = sessions.get(sessionId);
      return session ? [200, visible(session)] : missing('checkout.session', sessionId);
    }
    const expiring = idIn(/^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, path);
    if (expiring !== null && method === 'POST') {
      const session = sessions.get(expiring);
      if (!session) return missing('checkout.session', expiring);
      if (session.status !== 'open') {
        return stripeError(
          400,
          'invalid_request_error',
          'Only Checkout Sessions with a status in ["open"] can be expired.',
        );
      }
      session.status = 'expired';
      return [200, visible(session)];
    }
    const intentId = idIn(/^\/v1\/payment_intents\/([^/]+)$/, path);
    if (intentId !== null && method === 'GET') {
      const intent = intents.get(intentId);
      return intent ? [200, intent] : missing('payment_intent', intentId);
    }
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params);
    if (method === 'GET' && path === '/v1/refunds') {
      const charge = query.get('charge');
      // Stripe lists newest first.
      const data = [...refunds.values()]
        .filter((refund) => !charge || refund.charge === charge)
        .reverse();
      return [200, listOf(data, '/v1/refunds')];
    }
    const subscriptionId = idIn(/^\/v1\/subscriptions\/([^/]+)$/, path);
    if (subscriptionId !== null) {
      const subscription = subscriptions.get(subscriptionId);
      if (!subscription) return missing('subscription', subscriptionId);
      if (method === 'POST') {
        if (params.cancel_at_period_end !== undefined) {
          subscription.cancel_at_period_end = params.cancel_at_period_end === 'true';
        }
        if (params.metadata) {
          subscription.metadata = { ...obj(subscription.metadata), ...obj(params.metadata) };
        }
      }
      return [200, subscription];
    }
    return stripeError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${method}: ${path}).`,
    );
  }

  function control(method: string, path: string): [number, Json] | null {
    if (method === 'GET' && path === '/__requests') return [200, { requests: seen }];
    if (method !== 'POST') return null;
    const paying = idIn(/^\/__sessions\/([^/]+)\/pay$/, path);
    if (paying !== null) return paySession(paying);
    const failing = idIn(/^\/__sessions\/([^/]+)\/fail$/, path);
    if (failing !== null) return failSession(failing);
    const ending = idIn(/^\/__subscriptions\/([^/]+)\/cancel$/, path);
    if (ending !== null) {
      const subscription = subscriptions.get(ending);
      if (!subscription) return missing('subscription', ending);
      subscription.status = 'canceled';
      subscription.canceled_at = now();
      return [200, subscription];
    }
    return null;
  }

  const listening = await serveJson({
    port: 0,
    host: '127.0.0.1',
    errorReply: (error) => [500, { error: { type: 'api_error', message: String(error) } }],
    async handle(req: IncomingMessage, res) {
      const url = new URL(req.url ?? '/', 'http://stripe.local');
      const method = req.method ?? 'GET';
      const raw = (await readBody(req, 1024 * 1024, () => new Error('too large'))).toString('utf8');
      const controlReply = control(method, url.pathname);
      if (controlReply) {
        sendJson(res, ...controlReply);
        return;
      }
      const params = parseStripeForm(raw);
      const idempotencyKey =
        typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const stripeVersion =
        typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : null;
      seen.push({ method, path: url.pathname, idempotencyKey, stripeVersion, params });
      if (bearerToken(req) !== FAKE_STRIPE_KEY) {
        sendJson(
          res,
          ...stripeError(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****'),
        );
        return;
      }
      if (idempotencyKey && method === 'POST') {
        const fingerprint = createHash('sha256')
          .update(`${method} ${url.pathname} ${raw}`)
          .digest('hex');
        const earlier = idempotent.get(idempotencyKey);
        if (earlier) {
          if (earlier.fingerprint !== fingerprint) {
            sendJson(
              res,
              ...stripeError(
                400,
                'idempotency_error',
                `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
              ),
            );
            return;
          }
          res.setHeader('Idempotent-Replayed', 'true');
          sendJson(res, ...earlier.reply);
          return;
        }
        const reply = route(method, url.pathname, params, url.searchParams);
        if (reply[0] < 500) idempotent.set(idempotencyKey, { fingerprint, reply });
        sendJson(res, ...reply);
        return;
      }
      sendJson(res, ...route(method, url.pathname, params, url.searchParams));
    },
  });
  baseUrl = listening.url;
  return {
    ...listening,
    webhookSecret,
    vars: {
      STRIPE_SECRET_KEY: FAKE_STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: listening.url,
    },
  };
}

/** A Stripe event envelope around an object, as Stripe delivers it (API version of the SDK). */
export function stripeEvent(
  type: string,
  object: unknown,
  options: { id?: string; created?: number } = {},
): Json {
  return {
    id: options.id ?? newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: options.created ?? now(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/**
 * The Stripe-Signature header for a payload, made by the SDK's own test helper
 * (`t=<timestamp>,v1=<HMAC-SHA256>`); pass an old timestamp for a stale signature.
 */
export function signStripePayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
