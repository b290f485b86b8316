import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  bearerToken,
  type Listening,
  parseJsonBody,
  readBody,
  sendJson,
  serveJson,
} from '../../tools/dev-services/http';
import { idIn } from './stripe';

/**
 * A local stand-in for the PayPal REST API, in its wire format so the official server SDK
 * runs against it unmodified: OAuth client credentials (POST /v1/oauth2/token, Basic auth),
 * Orders v2 (create, get, capture), Payments v2 (get capture, refund capture), each write
 * idempotent on PayPal-Request-Id, PayPal's error bodies (name, message, debug_id, details
 * with an `issue`), and POST /v1/notifications/verify-webhook-signature.
 *
 * Webhooks: POST /__webhooks {event_type, resource} builds an event and the transmission
 * headers PayPal would send with it; verify-webhook-signature answers SUCCESS only for those
 * headers, unchanged, with the same event and the configured webhook id, FAILURE otherwise.
 * Other test controls: POST /__orders/:id/approve (the buyer approves), GET /__orders/:id
 * (an order without a token), GET /__requests.
 */

export const FAKE_PAYPAL_CLIENT_ID = 'webox-fake-paypal-client';
export const FAKE_PAYPAL_WEBHOOK_ID = 'WH-FAKE-WEBOX-0001';

type Json = Record<string, unknown>;

export interface SeenPaypalRequest {
  method: string;
  path: string;
  requestId: string | null;
  body: unknown;
}

export interface PaypalFake extends Listening {
  vars: Record<string, string>;
}

export interface PaypalDelivery {
  body: string;
  headers: Record<string, string>;
}

const debugId = () => randomBytes(6).toString('hex');
const paypalId = (length = 17) =>
  Array.from(randomBytes(length), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'[b % 34]).join('');
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function paypalError(
  status: number,
  name: string,
  issue: string,
  description: string,
): [number, Json] {
  return [
    status,
    {
      name,
      message:
        'The requested action could not be performed, semantically incorrect, or failed business validation.',
      debug_id: debugId(),
      details: [{ issue, description }],
      links: [
        {
          href: `https://developer.paypal.com/api/rest/reference/orders/v2/errors/#${issue}`,
          rel: 'information_link',
          method: 'GET',
        },
      ],
    },
  ];
}

const obj = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};

/** CRC32 of a string's UTF-8 bytes, as PayPal puts in the signed transmission string. */
function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const toCents = (value: string) => Math.round(Number(value) * 100);
const fromCents = (cents: number) => (cents / 100).toFixed(2);

/** Starts the PayPal fake on a free port of 127.0.0.1. */
export async function startPaypalFake(): Promise<PaypalFake> {
  const clientSecret = randomBytes(18).toString('base64url');
  const signingKey = randomBytes(32);
  const seen: SeenPaypalRequest[] = [];
  const tokens = new Set<string>();
  const orders = new Map<string, Json>();
  const captures = new Map<string, Json>();
  const replies = new Map<string, [number, Json]>();
  const deliveries = new Map<string, { time: string; event: Json }>();
  let baseUrl = '';

  const certUrl = () => `${baseUrl}/v1/notifications/certs/CERT-fake`;
  const sign = (transmissionId: string, time: string, webhookId: string, body: string) =>
    createHmac('sha256', signingKey)
      .update(`${transmissionId}|${time}|${webhookId}|${crc32(body)}`)
      .digest('base64');

  function orderView(order: Json): Json {
    return order;
  }

  function createOrder(body: Json): [number, Json] {
    const units = Array.isArray(body.purchase_units) ? body.purchase_units.map(obj) : [];
    const amount = obj(units[0]?.amount);
    if (body.intent !== 'CAPTURE' || units.length === 0 || typeof amount.value !== 'string') {
      return [
        400,
        {
          name: 'INVALID_REQUEST',
          message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
          debug_id: debugId(),
          details: [
            {
              field: '/purchase_units',
              issue: 'MISSING_REQUIRED_PARAMETER',
              description: 'A required field / parameter is missing.',
            },
          ],
        },
      ];
    }
    const id = paypalId();
    const order: Json = {
      id,
      intent: 'CAPTURE',
      status: 'PAYER_ACTION_REQUIRED',
      payment_source: { paypal: {} },
      purchase_units: units.map((unit) => ({
        reference_id: unit.reference_id ?? 'default',
        amount: unit.amount,
        custom_id: unit.custom_id,
        description: unit.description,
        payee: { email_address: 'merchant@webox.example', merchant_id: 'FAKEMERCHANT' },
      })),
      create_time: isoNow(),
      links: [
        { href: `${baseUrl}/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' },
        { href: `${baseUrl}/checkoutnow?token=${id}`, rel: 'payer-action', method: 'GET' },
      ],
    };
    orders.set(id, order);
    return [200, orderView(order)];
  }

  function captureOrder(id: string): [number, Json] {
    const order = orders.get(id);
    if (!order)
      return paypalError(
        404,
        'RESOURCE_NOT_FOUND',
        'INVALID_RESOURCE_ID',
        'Specified resource ID does not exist.',
      );
    if (order.status === 'COMPLETED') {
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'ORDER_ALREADY_CAPTURED',
        'Order already captured.',
      );
    }
    if (order.status !== 'APPROVED') {
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'ORDER_NOT_APPROVED',
        'Payer has not yet approved the Order for payment.',
      );
    }
    const unit = obj((order.purchase_units as Json[])[0]);
    const captureId = paypalId();
    const capture: Json = {
      id: captureId,
      status: 'COMPLETED',
      amount: unit.amount,
      custom_id: unit.custom_id,
      final_capture: true,
      seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED'] },
      links: [
        { href: `${baseUrl}/v2/payments/captures/${captureId}`, rel: 'self', method: 'GET' },
        {
          href: `${baseUrl}/v2/payments/captures/${captureId}/refund`,
          rel: 'refund',
          method: 'POST',
        },
        { href: `${baseUrl}/v2/checkout/orders/${id}`, rel: 'up', method: 'GET' },
      ],
      create_time: isoNow(),
      update_time: isoNow(),
      _order: id,
      _refunded: 0,
    };
    captures.set(captureId, capture);
    order.status = 'COMPLETED';
    unit.payments = { captures: [publicCapture(capture)] };
    order.payer = { email_address: 'buyer@example.com', payer_id: 'FAKEPAYER' };
    return [201, orderView(order)];
  }

  function publicCapture(capture: Json): Json {
    return Object.fromEntries(Object.entries(capture).filter(([key]) => !key.startsWith('_')));
  }

  function refundCapture(captureId: string, body: Json): [number, Json] {
    const capture = captures.get(captureId);
    if (!capture)
      return paypalError(
        404,
        'RESOURCE_NOT_FOUND',
        'INVALID_RESOURCE_ID',
        'Specified resource ID does not exist.',
      );
    const total = toCents(String(obj(capture.amount).value));
    const left = total - Number(capture._refunded);
    const asked =
      typeof obj(body.amount).value === 'string' ? toCents(String(obj(body.amount).value)) : left;
    if (asked <= 0 || asked > left) {
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'REFUND_AMOUNT_EXCEEDED',
        'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
      );
    }
    capture._refunded = Number(capture._refunded) + asked;
    capture.status = capture._refunded === total ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const id = paypalId();
    return [
      201,
      {
        id,
        status: 'COMPLETED',
        amount: { currency_code: obj(capture.amount).currency_code, value: fromCents(asked) },
        custom_id: body.custom_id ?? capture.custom_id,
        note_to_payer: body.note_to_payer,
        create_time: isoNow(),
        update_time: isoNow(),
        links: [
          { href: `${baseUrl}/v2/payments/refunds/${id}`, rel: 'self', method: 'GET' },
          { href: `${baseUrl}/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
        ],
      },
    ];
  }

  function buildDelivery(body: Json): [number, Json] {
    const eventType = String(body.event_type ?? 'PAYMENT.CAPTURE.COMPLETED');
    const event: Json = {
      id: `WH-${paypalId(8)}-${paypalId(17)}`,
      event_version: '1.0',
      create_time: isoNow(),
      resource_type: eventType.includes('REFUND') ? 'refund' : 'capture',
      resource_version: '2.0',
      event_type: eventType,
      summary: `Payment ${eventType.toLowerCase()}`,
      resource: body.resource ?? {},
      links: [],
      ...(typeof body.id === 'string' ? { id: body.id } : {}),
    };
    const text = JSON.stringify(event);
    const transmissionId = randomBytes(16)
      .toString('hex')
      .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
    const time = new Date().toISOString();
    deliveries.set(transmissionId, { time, event });
    return [
      200,
      {
        body: text,
        headers: {
          'paypal-auth-algo': 'SHA256withRSA',
          'paypal-cert-url': certUrl(),
          'paypal-transmission-id': transmissionId,
          'paypal-transmission-sig': sign(transmissionId, time, FAKE_PAYPAL_WEBHOOK_ID, text),
          'paypal-transmission-time': time,
        },
      },
    ];
  }

  function verify(body: Json): [number, Json] {
    const transmissionId = String(body.transmission_id ?? '');
    const delivery = deliveries.get(transmissionId);
    const event = obj(body.webhook_event);
    let ok = Boolean(delivery) && body.auth_algo === 'SHA256withRSA' && body.cert_url === certUrl();
    if (ok && delivery) {
      // PayPal signs the event as it sent it; any change to it or the headers fails.
      const expected = Buffer.from(
        sign(
          transmissionId,
          String(body.transmission_time),
          String(body.webhook_id),
          JSON.stringify(delivery.event),
        ),
      );
      const given = Buffer.from(String(body.transmission_sig ?? ''));
      ok =
        body.webhook_id === FAKE_PAYPAL_WEBHOOK_ID &&
        body.transmission_time === delivery.time &&
        JSON.stringify(event) === JSON.stringify(delivery.event) &&
        expected.length === given.length &&
        timingSafeEqual(expected, given);
    }
    return [200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' }];
  }

  function route(method: string, path: string, body: Json): [number, Json] {
    const notFound = () =>
      paypalError(
        404,
        'RESOURCE_NOT_FOUND',
        'INVALID_RESOURCE_ID',
        'Specified resource ID does not exist.',
      );
    if (method === 'POST' && path === '/v2/checkout/orders') return createOrder(body);
    const orderId = idIn(/^\/v2\/checkout\/orders\/([^/]+)$/, path);
    if (orderId !== null && method === 'GET') {
      const order = orders.get(orderId);
      return order ? [200, orderView(order)] : notFound();
    }
    const capturing = idIn(/^\/v2\/checkout\/orders\/([^/]+)\/capture$/, path);
    if (capturing !== null && method === 'POST') return captureOrder(capturing);
    const captureId = idIn(/^\/v2\/payments\/captures\/([^/]+)$/, path);
    if (captureId !== null && method === 'GET') {
      const capture = captures.get(captureId);
      return capture ? [200, publicCapture(capture)] : notFound();
    }
    const refunding = idIn(/^\/v2\/payments\/captures\/([^/]+)\/refund$/, path);
    if (refunding !== null && method === 'POST') return refundCapture(refunding, body);
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      return verify(body);
    }
    return [
      404,
      { name: 'RESOURCE_NOT_FOUND', message: `No fake for ${method} ${path}`, debug_id: debugId() },
    ];
  }

  const listening = await serveJson({
    port: 0,
    host: '127.0.0.1',
    errorReply: (error) => [
      500,
      { name: 'INTERNAL_SERVER_ERROR', message: String(error), debug_id: debugId() },
    ],
    async handle(req: IncomingMessage, res) {
      const url = new URL(req.url ?? '/', 'http://paypal.local');
      const method = req.method ?? 'GET';
      const raw = (await readBody(req, 1024 * 1024, () => new Error('too large'))).toString('utf8');
      if (method === 'GET' && url.pathname === '/__requests') {
        sendJson(res, 200, { requests: seen });
        return;
      }
      if (method === 'POST' && url.pathname === '/__webhooks') {
        sendJson(
          res,
          ...buildDelivery(
            obj(parseJsonBody(Buffer.from(raw || '{}'), () => new Error('bad json'))),
          ),
        );
        return;
      }
      const shown = idIn(/^\/__orders\/([^/]+)$/, url.pathname);
      if (method === 'GET' && shown !== null) {
        const order = orders.get(shown);
        sendJson(res, order ? 200 : 404, order ?? { name: 'RESOURCE_NOT_FOUND' });
        return;
      }
      const approving = idIn(/^\/__orders\/([^/]+)\/approve$/, url.pathname);
      if (method === 'POST' && approving !== null) {
        const order = orders.get(approving);
        if (!order) {
          sendJson(res, 404, { name: 'RESOURCE_NOT_FOUND' });
          return;
        }
        if (order.status === 'PAYER_ACTION_REQUIRED' || order.status === 'CREATED')
          order.status = 'APPROVED';
        sendJson(res, 200, order);
        return;
      }
      const requestId =
        typeof req.headers['paypal-request-id'] === 'string'
          ? req.headers['paypal-request-id']
          : null;
      if (method === 'POST' && url.pathname === '/v1/oauth2/token') {
        seen.push({ method, path: url.pathname, requestId, body: raw });
        const basic = (req.headers.authorization ?? '').replace(/^Basic /, '');
        const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
        if (
          id !== FAKE_PAYPAL_CLIENT_ID ||
          secret !== clientSecret ||
          !/grant_type=client_credentials/.test(raw)
        ) {
          sendJson(res, 401, {
            error: 'invalid_client',
            error_description: 'Client Authentication failed',
          });
          return;
        }
        const token = `A21AA${randomBytes(24).toString('base64url')}`;
        tokens.add(token);
        sendJson(res, 200, {
          scope: 'https://uri.paypal.com/services/payments/payment',
          access_token: token,
          token_type: 'Bearer',
          app_id: 'APP-FAKE',
          expires_in: 32400,
          nonce: `${isoNow()}${debugId()}`,
        });
        return;
      }
      let body: Json = {};
      if (raw) {
        try {
          body = obj(JSON.parse(raw));
        } catch {
          sendJson(res, 400, {
            name: 'INVALID_REQUEST',
            message: 'Request is not well-formed.',
            debug_id: debugId(),
          });
          return;
        }
      }
      seen.push({ method, path: url.pathname, requestId, body });
      const token = bearerToken(req);
      if (!token || !tokens.has(token)) {
        sendJson(res, 401, {
          name: 'AUTHENTICATION_FAILURE',
          message:
            'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
          debug_id: debugId(),
        });
        return;
      }
      if (requestId && method === 'POST') {
        const key = `${url.pathname} ${requestId}`;
        const earlier = replies.get(key);
        if (earlier) {
          sendJson(res, ...earlier);
          return;
        }
        const reply = route(method, url.pathname, body);
        if (reply[0] < 300) replies.set(key, reply);
        sendJson(res, ...reply);
        return;
      }
      sendJson(res, ...route(method, url.pathname, body));
    },
  });
  baseUrl = listening.url;
  return {
    ...listening,
    vars: {
      PAYPAL_CLIENT_ID: FAKE_PAYPAL_CLIENT_ID,
      PAYPAL_CLIENT_SECRET: clientSecret,
      PAYPAL_WEBHOOK_ID: FAKE_PAYPAL_WEBHOOK_ID,
      PAYPAL_API_BASE: listening.url,
    },
  };
}
