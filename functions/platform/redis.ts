import { env } from 'cloudflare:workers';
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

let isolateClient: KeyValue | null = null;

/**
 * This isolate's own client, built from the Worker's bindings, for code that runs without a
 * request's services: a Durable Object writing a usage row from its outbox, or a service
 * called with a bare database. Null when the bindings do not name a Redis.
 */
export function isolateKeyValue(): KeyValue | null {
  if (isolateClient) return isolateClient;
  const bindings = env as Partial<
    Record<'UPSTASH_REDIS_REST_URL' | 'UPSTASH_REDIS_REST_TOKEN', string>
  >;
  const url = bindings.UPSTASH_REDIS_REST_URL;
  const token = bindings.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) return null;
  isolateClient = createKeyValue({ url, token });
  return isolateClient;
}
