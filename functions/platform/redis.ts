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

type RedisBindings = Partial<
  Record<'UPSTASH_REDIS_REST_URL' | 'UPSTASH_REDIS_REST_TOKEN', unknown>
>;

let isolateBindings: RedisBindings = {};
let isolateClient: KeyValue | null = null;

/**
 * Tells this isolate where its Redis is: the services middleware calls it on each request and
 * a Durable Object in its constructor (an object may live in an isolate that served no request).
 */
export function rememberRedisBindings(bindings: RedisBindings): void {
  if (bindings.UPSTASH_REDIS_REST_URL === isolateBindings.UPSTASH_REDIS_REST_URL) return;
  isolateBindings = bindings;
  isolateClient = null;
}

/**
 * This isolate's own client, for code that runs without a request's services: a Durable
 * Object writing a usage row from its outbox, or a service called with a bare database. Null
 * until bindings naming a Redis were remembered.
 */
export function isolateKeyValue(): KeyValue | null {
  if (isolateClient) return isolateClient;
  const url = isolateBindings.UPSTASH_REDIS_REST_URL;
  const token = isolateBindings.UPSTASH_REDIS_REST_TOKEN;
  if (typeof url !== 'string' || typeof token !== 'string' || !url || !token) return null;
  isolateClient = createKeyValue({ url, token });
  return isolateClient;
}
