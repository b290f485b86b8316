import type { Secrets } from '../platform/env';
import type { Provider } from './schemas';

/** Mistral and Groq speak the OpenAI API at these addresses. */
const OPENAI_COMPATIBLE: Partial<Record<Provider, string>> = {
  mistral: 'https://api.mistral.ai/v1',
  groq: 'https://api.groq.com/openai/v1',
};

/** The configured base URL for a provider (a local fake in tests), else its public API. */
export function providerEndpoint(provider: Provider, secrets: Secrets): string | undefined {
  switch (provider) {
    case 'openai':
      return secrets.OPENAI_BASE_URL;
    case 'anthropic':
      return secrets.ANTHROPIC_BASE_URL;
    case 'google':
      return secrets.GOOGLE_AI_BASE_URL;
    case 'mistral':
      return secrets.MISTRAL_BASE_URL ?? OPENAI_COMPATIBLE.mistral;
    case 'groq':
      return secrets.GROQ_BASE_URL ?? OPENAI_COMPATIBLE.groq;
  }
}

export interface ProbeResult {
  ok: boolean;
  /** Short and fixed: never the provider's own message, which may quote part of the key. */
  detail: string;
  models?: number;
}

/** Lists models with the provider's official SDK: one request, no retries; returns the count. */
async function listModels(
  provider: Provider,
  apiKey: string,
  baseUrl: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  // The SDKs' own timeout is only a backstop; the caller's signal fires first.
  const timeout = timeoutMs + 1_000;
  // The SDKs are loaded on first use: evaluating all three at isolate start costs startup
  // CPU on every request path, and only this one needs them.
  switch (provider) {
    case 'anthropic': {
      const { default: Anthropic } = await import('@anthropic-ai/sdk');
      const client = new Anthropic({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout });
      const page = await client.models.list({ limit: 100 }, { signal });
      return page.data.length;
    }
    case 'google': {
      const { GoogleGenAI } = await import('@google/genai');
      const client = new GoogleGenAI({
        apiKey,
        httpOptions: baseUrl ? { baseUrl, timeout } : { timeout },
      });
      const pager = await client.models.list({ config: { pageSize: 100, abortSignal: signal } });
      return pager.page.length;
    }
    default: {
      // organization/project null: never pick up OPENAI_* variables from the environment
      // and send them to another vendor.
      const { default: OpenAI } = await import('openai');
      const client = new OpenAI({
        apiKey,
        baseURL: baseUrl,
        organization: null,
        project: null,
        maxRetries: 0,
        timeout,
      });
      const page = await client.models.list({ signal });
      return page.data.length;
    }
  }
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Google answers an unknown key with 400 INVALID_ARGUMENT and the reason API_KEY_INVALID. */
function isGoogleKeyInvalid(err: unknown): boolean {
  return (
    err instanceof Error &&
    err.name === 'ApiError' &&
    statusOf(err) === 400 &&
    /API_KEY_INVALID/.test(err.message)
  );
}

/**
 * Tests a key with one cheap call. Rejections, rate limits, timeouts and network failures
 * are results, not errors: the caller stores and shows them.
 */
export async function probeProvider(
  provider: Provider,
  apiKey: string,
  options: { baseUrl?: string; timeoutMs: number },
): Promise<ProbeResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const models = await listModels(
      provider,
      apiKey,
      options.baseUrl,
      options.timeoutMs,
      controller.signal,
    );
    return { ok: true, detail: `key accepted by ${provider}`, models };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, detail: 'timed out' };
    const status = statusOf(err);
    if (status === 401 || status === 403 || isGoogleKeyInvalid(err)) {
      return { ok: false, detail: `key rejected by ${provider}` };
    }
    if (status === 429) {
      return { ok: false, detail: `${provider} is rate limiting this key; try again later` };
    }
    if (status !== undefined) return { ok: false, detail: `${provider} answered HTTP ${status}` };
    if (err instanceof Error && /timed? ?out/i.test(err.message)) {
      return { ok: false, detail: 'timed out' };
    }
    return { ok: false, detail: `could not reach ${provider}` };
  } finally {
    clearTimeout(timer);
  }
}
