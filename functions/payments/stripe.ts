import Stripe from 'stripe';
import type { Secrets } from '../platform/env';
import { ApiError } from '../platform/errors';

/** Stripe rejects webhook signatures older than this many seconds (its own default too). */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

/** Calls to Stripe give up after this long; the SDK retries network failures twice. */
const STRIPE_TIMEOUT_MS = 15_000;

export type StripeSecrets = Pick<
  Secrets,
  'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'STRIPE_API_BASE'
>;

/** The variables Stripe needs that are not set, by name (empty when configured). */
export function missingStripeSettings(secrets: StripeSecrets): string[] {
  const missing: string[] = [];
  if (!secrets.STRIPE_SECRET_KEY) missing.push('STRIPE_SECRET_KEY');
  if (!secrets.STRIPE_WEBHOOK_SECRET) missing.push('STRIPE_WEBHOOK_SECRET');
  return missing;
}

/** The 424 problem for a payment method whose settings are missing, naming them. */
export function notConfigured(method: string, missing: readonly string[]): ApiError {
  return new ApiError(
    'PAYMENT_NOT_CONFIGURED',
    `${method} is not configured on this server: set ${missing.join(', ')}.`,
  );
}

/**
 * The official Stripe SDK on the Workers fetch client. STRIPE_API_BASE (tests, local
 * development) points it at another origin; unset, it calls api.stripe.com.
 */
export function stripeClient(secrets: StripeSecrets): Stripe {
  const missing = missingStripeSettings(secrets);
  const key = secrets.STRIPE_SECRET_KEY;
  if (missing.length > 0 || !key) throw notConfigured('Stripe', missing);
  const config: ConstructorParameters<typeof Stripe>[1] = {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: STRIPE_TIMEOUT_MS,
  };
  if (secrets.STRIPE_API_BASE) {
    const base = new URL(secrets.STRIPE_API_BASE);
    config.host = base.hostname;
    config.protocol = base.protocol === 'http:' ? 'http' : 'https';
    if (base.port) config.port = base.port;
  }
  return new Stripe(key, config);
}

/**
 * Runs a Stripe call, turning its errors into a 502 PAYMENT_PROVIDER_ERROR with Stripe's
 * message (never the key); anything else is rethrown as is.
 */
export async function stripeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) {
      throw new ApiError('PAYMENT_PROVIDER_ERROR', `Stripe could not ${what}: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * Verifies a webhook delivery with the official helper (HMAC-SHA256 over the raw body,
 * timestamp within 5 minutes, Web Crypto) and returns the event. A missing, forged or
 * stale signature is a 400 WEBHOOK_REJECTED.
 */
export async function verifyStripeEvent(
  raw: string,
  signature: string | undefined,
  secret: string,
): Promise<Stripe.Event> {
  if (!signature) {
    throw new ApiError('WEBHOOK_REJECTED', 'The Stripe-Signature header is missing.');
  }
  try {
    return await Stripe.webhooks.constructEventAsync(
      raw,
      signature,
      secret,
      STRIPE_SIGNATURE_TOLERANCE_S,
      Stripe.createSubtleCryptoProvider(),
    );
  } catch (err) {
    const detail =
      err instanceof Stripe.errors.StripeSignatureVerificationError
        ? err.message
        : 'The webhook payload could not be read.';
    throw new ApiError('WEBHOOK_REJECTED', detail, { cause: err });
  }
}

export type { Stripe };
