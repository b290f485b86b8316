/** Every provider a registry model can come from. */
export const PROVIDERS = ['openai', 'anthropic', 'google', 'mistral', 'groq', 'offline'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The providers reached over the network with a key (all but offline). */
export type RemoteProvider = Exclude<ProviderName, 'offline'>;

export type ChatPart =
  | { type: 'text'; text: string }
  /** An image for vision models: raw base64 (no data: prefix) and its media type. */
  | { type: 'image'; mediaType: string; data: string };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatPart[];
}

export interface ChatRequest {
  /** The vendor's own model id, e.g. "gpt-4o-mini". */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxOutputTokens?: number;
  /** Aborts the call (stop button, deadline); the stream then ends with a `stopped` error. */
  signal: AbortSignal;
}

export interface ProviderConfig {
  /** Null only for the offline provider. */
  apiKey: string | null;
  /** A local fake in tests; undefined means the vendor's public API. */
  baseUrl?: string;
  /** Longest wait for the first or the next chunk. */
  idleTimeoutMs: number;
  /** Offline provider only: pause between tokens. */
  tokenDelayMs?: number;
}

export type StreamChunk =
  | { type: 'text'; text: string }
  /** Sent once, when the vendor reports usage (usually at the end). */
  | { type: 'usage'; inputTokens: number; outputTokens: number };

export type ProviderErrorKind =
  /** The key was refused (401/403). */
  | 'auth'
  /** The vendor said 429. */
  | 'rate_limit'
  /** No first or next chunk within the idle timeout. */
  | 'timeout'
  /** 5xx or a connection that could not be made. */
  | 'unavailable'
  /** The vendor refused the request itself (400, 404 unknown model, content filter). */
  | 'bad_request'
  /** The stream ended without the vendor's end marker. */
  | 'cut'
  /** Our signal aborted the call (stop, deadline). */
  | 'aborted';

/**
 * A provider failure in one shape for every vendor. `message` is ours and short: never the
 * vendor's raw text, which can quote part of a key.
 */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
  }
}

/**
 * One streaming chat call. Implementations use the vendor's official SDK, let the SDK retry
 * only before the first byte (safe: nothing was produced yet), never after, and turn every
 * failure into a ProviderError.
 */
export type StreamChat = (
  request: ChatRequest,
  config: ProviderConfig,
) => AsyncIterable<StreamChunk>;
