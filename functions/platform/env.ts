import { z } from 'zod';
import type { Database } from '../../db/client';
import type { Carts } from './carts';
import type { ChatSessions } from './chat-sessions';
import type { Logger } from './logging';
import type { Mailer } from './mailer';
import type { Notifier } from './notifier';
import type { Queue } from './queue';
import type { RateLimitResult } from './rate-limit';
import type { KeyValue } from './redis';

/**
 * Secrets and per-deployment settings that do not live in wrangler.toml. They come from
 * `.dev.vars` locally and `wrangler secret put` in production, and are checked once per
 * request by the services middleware: a missing or malformed one is a logged 500
 * BAD_ENVIRONMENT, never a crash deep inside a handler.
 */
export const secretsSchema = z.object({
  DATABASE_URL: z.string().url(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  UPSTASH_REDIS_REST_URL: z.string().url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  QSTASH_URL: z.string().url().optional(),
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  /** Versioned AES-256 master keys, "1:<base64>,2:<base64>"; the highest version encrypts. */
  ENCRYPTION_KEYS: z.string().min(10).optional(),
  MAIL_API_URL: z.string().url().optional(),
  MAIL_API_KEY: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  /** Multiplies every rate-limit allowance; tests raise it, production leaves it at 1. */
  RATE_LIMIT_MULTIPLIER: z.coerce.number().positive().optional(),
  /** Users' own AI keys are tested against these; unset means each vendor's public API. */
  OPENAI_BASE_URL: z.string().url().optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  GOOGLE_AI_BASE_URL: z.string().url().optional(),
  MISTRAL_BASE_URL: z.string().url().optional(),
  GROQ_BASE_URL: z.string().url().optional(),
  /** Platform keys, used when a user has not added their own for that provider. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  GOOGLE_AI_API_KEY: z.string().min(1).optional(),
  MISTRAL_API_KEY: z.string().min(1).optional(),
  GROQ_API_KEY: z.string().min(1).optional(),
  /** Longest wait for a provider's first or next chunk before a reply fails (default 60 000 ms). */
  AI_STREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).optional(),
  /** Pause between the offline provider's tokens (default 25 ms), so streaming is visible. */
  OFFLINE_TOKEN_DELAY_MS: z.coerce.number().int().min(0).max(5_000).optional(),
  /** How long a key test waits for the provider (default 10 000 ms); tests lower it. */
  AI_TEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).optional(),
  /** Media providers reached over REST (platform keys only) and where their calls go. */
  STABILITY_API_KEY: z.string().min(1).optional(),
  STABILITY_BASE_URL: z.string().url().optional(),
  ELEVENLABS_API_KEY: z.string().min(1).optional(),
  ELEVENLABS_BASE_URL: z.string().url().optional(),
  RUNWAY_API_KEY: z.string().min(1).optional(),
  RUNWAY_BASE_URL: z.string().url().optional(),
  LUMA_API_KEY: z.string().min(1).optional(),
  LUMA_BASE_URL: z.string().url().optional(),
  /** Longest wait for one media provider call (default 120 000 ms); tests lower it. */
  MEDIA_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).optional(),
  /** First delay before a generation step that failed transiently runs again (default 5 s; doubles). */
  JOB_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(300).optional(),
  /** Pause between two polls of an asynchronous video render (default 5 s). */
  JOB_POLL_SECONDS: z.coerce.number().int().min(1).max(300).optional(),
  /** Stripe: the secret API key and the signing secret of the webhook endpoint. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Where the Stripe SDK sends its calls; unset means api.stripe.com (tests: the local fake). */
  STRIPE_API_BASE: z.string().url().optional(),
  /** PayPal REST app credentials and the id of its webhook (needed to verify deliveries). */
  PAYPAL_CLIENT_ID: z.string().min(1).optional(),
  PAYPAL_CLIENT_SECRET: z.string().min(1).optional(),
  PAYPAL_WEBHOOK_ID: z.string().min(1).optional(),
  /** PayPal API origin: https://api-m.paypal.com (default) or the sandbox; tests: the fake. */
  PAYPAL_API_BASE: z.string().url().optional(),
  /** The account bank transfers are paid to, shown with each order's reference. */
  BANK_IBAN: z.string().min(1).optional(),
  BANK_BIC: z.string().min(1).optional(),
  BANK_HOLDER: z.string().min(1).optional(),
  /** The seller printed on invoices (defaults to WeBox's own details). */
  SELLER_NAME: z.string().min(1).optional(),
  SELLER_ADDRESS: z.string().min(1).optional(),
  SELLER_VAT_ID: z.string().min(1).optional(),
});

export type Secrets = z.infer<typeof secretsSchema>;

/** Everything the Worker receives: wrangler.toml bindings and vars plus the secrets. */
export type Bindings = Env & Partial<Record<keyof Secrets, string>>;

/** The per-request bundle built once by the services middleware. */
export interface Services {
  db: Database;
  /**
   * Runs work after the response without holding it up; the request's database
   * connection closes only once every such task has settled.
   */
  background(task: Promise<unknown>): void;
  kv: KeyValue;
  queue: Queue;
  mailer: Mailer;
  notifier: Notifier;
  chatSessions: ChatSessions;
  /** The per-user and per-visitor Cart objects. */
  carts: Carts;
  /** The R2 bucket for media, attachments and avatars; keys start with the owner's prefix. */
  media: R2Bucket;
  logger: Logger;
  secrets: Secrets;
  config: AppConfig;
}

export interface AppConfig {
  environment: string;
  appOrigin: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** REQUIRE_VERIFIED_EMAIL: sign-in refused until the address is confirmed. */
  requireVerifiedEmail: boolean;
}

/** The caller, once the auth middleware has verified the access token. */
export interface AuthContext {
  userId: string;
  role: 'user' | 'admin';
  sessionId: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    services: Services;
    auth: AuthContext;
    /** A per-account rate limit the auth step already counted, in the same Redis round trip. */
    rateLimited?: { rule: string; result: RateLimitResult };
  };
}
