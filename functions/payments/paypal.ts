import {
  CheckoutPaymentIntent,
  Client,
  Environment,
  type OAuthToken,
  type Order,
  OrdersController,
  PaymentsController,
  ApiError as PayPalApiError,
  PaypalExperienceUserAction,
} from '@paypal/paypal-server-sdk';
import type { Secrets } from '../platform/env';
import { ApiError } from '../platform/errors';
import { decimalToMinor, minorToDecimal } from './money';
import { notConfigured } from './stripe';

export type PaypalSecrets = Pick<
  Secrets,
  'PAYPAL_CLIENT_ID' | 'PAYPAL_CLIENT_SECRET' | 'PAYPAL_WEBHOOK_ID' | 'PAYPAL_API_BASE'
>;

const LIVE_ORIGIN = 'https://api-m.paypal.com';
const SANDBOX_ORIGIN = 'https://api-m.sandbox.paypal.com';
const PAYPAL_TIMEOUT_MS = 15_000;

/** The variables PayPal needs that are not set, by name (empty when configured). */
export function missingPaypalSettings(secrets: PaypalSecrets): string[] {
  const missing: string[] = [];
  if (!secrets.PAYPAL_CLIENT_ID) missing.push('PAYPAL_CLIENT_ID');
  if (!secrets.PAYPAL_CLIENT_SECRET) missing.push('PAYPAL_CLIENT_SECRET');
  if (!secrets.PAYPAL_WEBHOOK_ID) missing.push('PAYPAL_WEBHOOK_ID');
  return missing;
}

export interface PaypalApi {
  orders: OrdersController;
  payments: PaymentsController;
  /** The API origin every call goes to (live, sandbox, or a local stand-in). */
  origin: string;
  webhookId: string;
  /** A bearer token for the REST calls the SDK does not cover (webhook verification). */
  accessToken(): Promise<string>;
  fetch: typeof fetch;
}

/**
 * Tokens per client id and origin, kept for the life of the isolate: a token lives about nine
 * hours, and fetching one per request would double every PayPal call.
 */
const tokenCache = new Map<string, OAuthToken>();

function tokenUsable(token: OAuthToken | undefined): token is OAuthToken {
  return token?.expiry !== undefined && Number(token.expiry) - 60 > Date.now() / 1000;
}

/**
 * The official PayPal server SDK (Orders v2, Payments v2). Under workerd its axios client
 * runs on axios' fetch adapter, checked under `wrangler dev`. The SDK only knows PayPal's two
 * origins, so when PAYPAL_API_BASE names another one (the test fake) its fetch is given a
 * function that sends the same request there: the SDK code path is the production one.
 */
export function paypalApi(secrets: PaypalSecrets): PaypalApi {
  const missing = missingPaypalSettings(secrets);
  const clientId = secrets.PAYPAL_CLIENT_ID;
  const clientSecret = secrets.PAYPAL_CLIENT_SECRET;
  const webhookId = secrets.PAYPAL_WEBHOOK_ID;
  if (missing.length > 0 || !clientId || !clientSecret || !webhookId) {
    throw notConfigured('PayPal', missing);
  }
  const origin = new URL(secrets.PAYPAL_API_BASE ?? LIVE_ORIGIN).origin;
  const environment = origin === SANDBOX_ORIGIN ? Environment.Sandbox : Environment.Production;
  const sdkOrigin = environment === Environment.Sandbox ? SANDBOX_ORIGIN : LIVE_ORIGIN;
  const send: typeof fetch =
    origin === sdkOrigin
      ? (input, init) => fetch(input, init)
      : (input, init) => {
          const request = new Request(input, init);
          const url = new URL(request.url);
          const target = new URL(origin);
          url.protocol = target.protocol;
          url.host = target.host;
          return fetch(new Request(url, request));
        };
  const cacheKey = `${clientId}@${origin}`;
  const client = new Client({
    environment,
    timeout: PAYPAL_TIMEOUT_MS,
    clientCredentialsAuthCredentials: {
      oAuthClientId: clientId,
      oAuthClientSecret: clientSecret,
      oAuthToken: tokenCache.get(cacheKey),
      oAuthOnTokenUpdate: (token) => {
        tokenCache.set(cacheKey, token);
      },
    },
    unstable_httpClientOptions: { adapter: 'fetch', env: { fetch: send } },
  });
  return {
    orders: new OrdersController(client),
    payments: new PaymentsController(client),
    origin,
    webhookId,
    fetch: send,
    async accessToken() {
      const cached = tokenCache.get(cacheKey);
      if (tokenUsable(cached)) return cached.accessToken;
      const token = await paypalCall('sign in', () =>
        client.clientCredentialsAuthManager.fetchToken(),
      );
      tokenCache.set(cacheKey, token);
      return token.accessToken;
    },
  };
}

/** The PayPal error name in an SDK error body, e.g. ORDER_ALREADY_CAPTURED. */
export function paypalIssue(err: unknown): string | null {
  if (!(err instanceof PayPalApiError)) return null;
  const result = err.result as { name?: string; details?: Array<{ issue?: string }> } | undefined;
  return result?.details?.[0]?.issue ?? result?.name ?? null;
}

/** Turns SDK failures into a 502 PAYMENT_PROVIDER_ERROR naming what failed. */
export async function paypalCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const issue = paypalIssue(err);
    const status = err instanceof PayPalApiError ? ` (HTTP ${err.statusCode})` : '';
    throw new ApiError(
      'PAYMENT_PROVIDER_ERROR',
      `PayPal could not ${what}${status}${issue ? `: ${issue}` : ''}.`,
      { cause: err },
    );
  }
}

export interface PaypalOrderInput {
  orderId: string;
  amountMinor: number;
  currency: string;
  description: string;
  returnUrl: string;
  cancelUrl: string;
  locale: 'fr' | 'en';
}

/**
 * Creates a PayPal order for one of ours. PayPal-Request-Id is our order id: a retry
 * returns the same PayPal order instead of a second one.
 */
export async function createPaypalOrder(
  api: PaypalApi,
  input: PaypalOrderInput,
): Promise<{ id: string; approveUrl: string }> {
  const { result } = await paypalCall('create the order', () =>
    api.orders.createOrder({
      paypalRequestId: `order-${input.orderId}`,
      body: {
        intent: CheckoutPaymentIntent.Capture,
        purchaseUnits: [
          {
            referenceId: input.orderId,
            customId: input.orderId,
            description: input.description.slice(0, 127),
            amount: {
              currencyCode: input.currency,
              value: minorToDecimal(input.amountMinor, input.currency),
            },
          },
        ],
        paymentSource: {
          paypal: {
            experienceContext: {
              brandName: 'WeBox',
              locale: input.locale === 'en' ? 'en-GB' : 'fr-FR',
              userAction: PaypalExperienceUserAction.PayNow,
              returnUrl: input.returnUrl,
              cancelUrl: input.cancelUrl,
            },
          },
        },
      },
    }),
  );
  const approve = result.links?.find(
    (link) => link.rel === 'payer-action' || link.rel === 'approve',
  );
  if (!result.id || !approve) {
    throw new ApiError(
      'PAYMENT_PROVIDER_ERROR',
      'PayPal created an order without an approval link.',
    );
  }
  return { id: result.id, approveUrl: approve.href };
}

export interface PaypalCapture {
  captureId: string;
  status: string;
  amountMinor: number;
  currency: string;
  /** Our order id, as sent in custom_id. */
  orderId: string | null;
}

function captureOf(order: Order): PaypalCapture | null {
  const unit = order.purchaseUnits?.[0];
  const capture = unit?.payments?.captures?.[0];
  if (!capture?.id || !capture.amount) return null;
  return {
    captureId: capture.id,
    status: capture.status ?? 'PENDING',
    amountMinor: decimalToMinor(capture.amount.value, capture.amount.currencyCode),
    currency: capture.amount.currencyCode,
    orderId: capture.customId ?? unit?.customId ?? unit?.referenceId ?? null,
  };
}

/**
 * Captures an approved PayPal order (PayPal-Request-Id makes a retry return the first
 * capture). Already captured: the existing capture. Not approved yet: null, without a
 * capture call, so PayPal never stores a refusal under the request id a later capture
 * will use.
 */
export async function capturePaypalOrder(
  api: PaypalApi,
  paypalOrderId: string,
  requestId: string,
): Promise<PaypalCapture | null> {
  const { result: current } = await paypalCall('read the order', () =>
    api.orders.getOrder({ id: paypalOrderId }),
  );
  if (current.status === 'COMPLETED') return captureOf(current);
  if (current.status !== 'APPROVED') return null;
  try {
    const { result } = await api.orders.captureOrder({
      id: paypalOrderId,
      paypalRequestId: requestId,
      prefer: 'return=representation',
    });
    return captureOf(result);
  } catch (err) {
    const issue = paypalIssue(err);
    if (issue === 'ORDER_ALREADY_CAPTURED') return getPaypalCapture(api, paypalOrderId);
    if (issue === 'ORDER_NOT_APPROVED' || issue === 'PAYER_ACTION_REQUIRED') return null;
    return paypalCall('capture the payment', () => Promise.reject(err));
  }
}

/** The capture of a PayPal order, or null when it has none. */
export async function getPaypalCapture(
  api: PaypalApi,
  paypalOrderId: string,
): Promise<PaypalCapture | null> {
  const { result } = await paypalCall('read the order', () =>
    api.orders.getOrder({ id: paypalOrderId }),
  );
  return captureOf(result);
}

/** Refunds part or all of a capture; the request id makes a retry return the same refund. */
export async function refundPaypalCapture(
  api: PaypalApi,
  input: {
    captureId: string;
    amountMinor: number;
    currency: string;
    requestId: string;
    orderId: string;
    note: string;
  },
): Promise<{ id: string; status: string }> {
  const { result } = await paypalCall('refund the payment', () =>
    api.payments.refundCapturedPayment({
      captureId: input.captureId,
      paypalRequestId: input.requestId,
      prefer: 'return=representation',
      body: {
        amount: {
          currencyCode: input.currency,
          value: minorToDecimal(input.amountMinor, input.currency),
        },
        customId: input.orderId,
        noteToPayer: input.note.slice(0, 255),
      },
    }),
  );
  if (!result.id)
    throw new ApiError('PAYMENT_PROVIDER_ERROR', 'PayPal returned a refund without an id.');
  return { id: result.id, status: result.status ?? 'PENDING' };
}

/** The transmission headers PayPal signs a webhook delivery with. */
export const PAYPAL_SIGNATURE_HEADERS = [
  'paypal-auth-algo',
  'paypal-cert-url',
  'paypal-transmission-id',
  'paypal-transmission-sig',
  'paypal-transmission-time',
] as const;

/**
 * Asks PayPal whether a delivery is genuine (POST /v1/notifications/verify-webhook-signature,
 * not covered by the SDK). The event is spliced in as received, byte for byte, so nothing is
 * lost re-serialising it. Missing headers, a FAILURE answer or a body that is not JSON are a
 * 400 WEBHOOK_REJECTED; PayPal being unreachable is a 502, so PayPal retries.
 */
export async function verifyPaypalWebhook(
  api: PaypalApi,
  headers: (name: string) => string | undefined,
  raw: string,
): Promise<void> {
  const values = PAYPAL_SIGNATURE_HEADERS.map((name) => headers(name));
  if (values.some((value) => !value)) {
    throw new ApiError('WEBHOOK_REJECTED', 'The PayPal transmission headers are missing.');
  }
  try {
    JSON.parse(raw);
  } catch {
    throw new ApiError('WEBHOOK_REJECTED', 'The webhook body is not JSON.');
  }
  const [authAlgo, certUrl, transmissionId, transmissionSig, transmissionTime] = values;
  const head = JSON.stringify({
    auth_algo: authAlgo,
    cert_url: certUrl,
    transmission_id: transmissionId,
    transmission_sig: transmissionSig,
    transmission_time: transmissionTime,
    webhook_id: api.webhookId,
  });
  const body = `${head.slice(0, -1)},"webhook_event":${raw}}`;
  const token = await api.accessToken();
  let status: string | undefined;
  try {
    const res = await api.fetch(`${api.origin}/v1/notifications/verify-webhook-signature`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(PAYPAL_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`PayPal answered ${res.status}`);
    status = ((await res.json()) as { verification_status?: string }).verification_status;
  } catch (err) {
    throw new ApiError('PAYMENT_PROVIDER_ERROR', 'PayPal could not verify the webhook.', {
      cause: err,
    });
  }
  if (status !== 'SUCCESS') {
    throw new ApiError('WEBHOOK_REJECTED', 'PayPal did not confirm this webhook’s signature.');
  }
}
