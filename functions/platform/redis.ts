import { Redis } from '@upstash/redis/cloudflare';

/** The shared key-value store (Upstash Redis over REST; the local stand-in in dev and tests). */
export type KeyValue = Redis;

/** Builds the Upstash client for one request. */
export function createKeyValue(settings: { url: string; token: string }): KeyValue {
  return new Redis({
    url: settings.url,
    token: settings.token,
    // Never retry for minutes inside a request: fail fast and let the caller decide.
    retry: { retries: 1, backoff: () => 50 },
    enableTelemetry: false,
  });
}
