import type { ChatRequest, ProviderConfig } from './types';
import { ProviderError } from './types';

/**
 * What every vendor adapter shares: the idle timeout and stop handling around a vendor
 * stream, one mapping from a vendor failure to a ProviderError, and the retry policy.
 */

/** Retries the SDKs may make, always before the first byte of an answer (never mid-stream). */
export const SDK_MAX_RETRIES = 2;

/**
 * Longest wait before a retry. A vendor asking for more (a 429 with `retry-after: 30`) is
 * reported at once as rate_limit with that delay, instead of the turn sitting silent until
 * the idle timeout.
 */
export const LONGEST_RETRY_WAIT_MS = 2_000;

/** What an adapter found out about a failure from its SDK's error. */
export interface FailureFacts {
  /** The HTTP status of the vendor's answer, when the vendor answered. */
  status?: number;
  /** The vendor sent an error body or an error event (as opposed to a network failure). */
  vendorError?: boolean;
  /** The vendor said the key is wrong in a way other than 401/403 (Gemini's 400). */
  keyRejected?: boolean;
  /** The vendor said the model does not exist. */
  modelNotFound?: boolean;
  retryAfterSeconds?: number;
  /** The SDK's own timeout fired (a backstop; the idle timer normally fires first). */
  timedOut?: boolean;
}

/** The failure as a ProviderError with a short message of ours, never the vendor's text. */
export function providerFailure(
  facts: FailureFacts,
  started: boolean,
  cause: unknown,
): ProviderError {
  const { status } = facts;
  // The vendor's error text can quote part of the key: keep it out of `cause` too. A
  // network error carries no vendor text and is worth keeping for the logs.
  const networkCause = facts.vendorError || status !== undefined ? undefined : cause;
  if (facts.keyRejected || status === 401 || status === 403) {
    return new ProviderError('auth', 'The provider refused the API key.', { status });
  }
  if (status === 429) {
    return new ProviderError('rate_limit', 'The provider is rate limiting this key.', {
      status,
      retryAfterSeconds: facts.retryAfterSeconds,
    });
  }
  if (status === 408) {
    return new ProviderError('timeout', 'The provider did not answer in time.', { status });
  }
  if (facts.modelNotFound || status === 404) {
    return new ProviderError('bad_request', 'model not found', { status });
  }
  if (status !== undefined && status >= 500) {
    return new ProviderError('unavailable', 'The provider is unavailable.', { status });
  }
  if (status !== undefined && status >= 400) {
    return new ProviderError('bad_request', 'The provider refused the request.', { status });
  }
  if (facts.vendorError) {
    // An error event in the middle of a stream (Anthropic's overloaded_error and the like).
    return new ProviderError('unavailable', 'The provider is unavailable.', { status });
  }
  if (facts.timedOut) {
    return new ProviderError('timeout', 'The provider did not answer in time.', {
      cause: networkCause,
    });
  }
  return started
    ? new ProviderError('cut', 'The provider’s answer was cut off.', { cause: networkCause })
    : new ProviderError('unavailable', 'Could not reach the provider.', { cause: networkCause });
}

/** The key to call a vendor with; a remote provider without one is a configuration slip. */
export function apiKeyOf(config: Pick<ProviderConfig, 'apiKey'>): string {
  if (!config.apiKey) throw new ProviderError('auth', 'No API key for this provider.');
  return config.apiKey;
}

/** The stream ended without the vendor's end marker. */
export function cutOff(): ProviderError {
  return new ProviderError('cut', 'The provider’s answer was cut off.');
}

/** The delay a vendor asked for, from `retry-after-ms` or `retry-after` (seconds or a date). */
export function retryAfterMs(headers: Headers | undefined | null): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The delay to show a rate-limited caller, in whole seconds (`retry-after` first). */
export function retryAfterSeconds(headers: Headers | undefined | null): number | undefined {
  const seconds = Number.parseFloat(headers?.get('retry-after') ?? '');
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const millis = retryAfterMs(headers);
  return millis === undefined ? undefined : Math.ceil(millis / 1000);
}

/**
 * A fetch for the OpenAI and Anthropic SDKs: when the vendor asks to wait longer than
 * LONGEST_RETRY_WAIT_MS before a retry, it marks the answer `x-should-retry: false` (which
 * both SDKs obey), so the failure surfaces at once instead of after a long silent sleep.
 */
export const shortRetryFetch = async (
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> => {
  const response = await fetch(input, init);
  if (response.ok || response.headers.has('x-should-retry')) return response;
  const wait = retryAfterMs(response.headers);
  if (wait === undefined || wait <= LONGEST_RETRY_WAIT_MS) return response;
  const headers = new Headers(response.headers);
  headers.set('x-should-retry', 'false');
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};

type StopReason = 'timeout' | 'aborted';

function stopError(reason: StopReason): ProviderError {
  return reason === 'timeout'
    ? new ProviderError('timeout', 'The provider did not answer in time.')
    : new ProviderError('aborted', 'Stopped.');
}

/**
 * Runs one vendor stream under WeBox's rules and yields its raw events.
 *
 * - `open` starts the call with a signal of ours, linked to `request.signal`; the SDK may
 *   retry inside it (nothing was produced yet), never once events flow.
 * - If no first event or next event arrives within `config.idleTimeoutMs`, the call is
 *   aborted and ProviderError('timeout') thrown; a stop through `request.signal` throws
 *   ProviderError('aborted'). Both happen even if the SDK never settles, so nothing hangs.
 * - Any other failure goes through `classify`, told whether the answer had started.
 * - A consumer that stops iterating early aborts the call.
 */
export async function* guardStream<T>(
  request: Pick<ChatRequest, 'signal'>,
  config: Pick<ProviderConfig, 'idleTimeoutMs'>,
  open: (signal: AbortSignal) => PromiseLike<AsyncIterable<T>>,
  classify: (err: unknown, started: boolean) => ProviderError,
): AsyncGenerator<T, void, undefined> {
  if (request.signal.aborted) throw stopError('aborted');
  const controller = new AbortController();
  let reason: StopReason | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let rejectStopped: (err: ProviderError) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    rejectStopped = reject;
  });
  // Raced against every step; nobody else awaits it.
  stopped.catch(() => {});
  const stop = (why: StopReason) => {
    if (reason) return;
    reason = why;
    clearTimeout(timer);
    controller.abort();
    rejectStopped(stopError(why));
  };
  const onAbort = () => stop('aborted');
  request.signal.addEventListener('abort', onAbort, { once: true });
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stop('timeout'), config.idleTimeoutMs);
  };
  // Settles `step` or fails with the stop reason, whichever comes first. A step left behind
  // settles later once the abort reaches the SDK; its outcome is dropped.
  const race = <V>(step: PromiseLike<V>): Promise<V> => {
    const pending = Promise.resolve(step);
    pending.catch(() => {});
    return Promise.race([pending, stopped]);
  };

  let iterator: AsyncIterator<T> | undefined;
  let finished = false;
  try {
    arm();
    try {
      const stream = await race(Promise.resolve().then(() => open(controller.signal)));
      iterator = stream[Symbol.asyncIterator]();
    } catch (err) {
      throw reason ? stopError(reason) : asProviderError(err, false, classify);
    }
    while (true) {
      arm();
      let step: IteratorResult<T>;
      try {
        step = await race(iterator.next());
      } catch (err) {
        throw reason ? stopError(reason) : asProviderError(err, true, classify);
      }
      // The consumer's own pace is not the vendor's silence.
      clearTimeout(timer);
      if (step.done) break;
      yield step.value;
    }
    // The SDKs end a stream quietly when its request is aborted.
    if (reason) throw stopError(reason);
    finished = true;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
    if (!finished) {
      controller.abort();
      iterator?.return?.().then(
        () => {},
        () => {},
      );
    }
  }
}

function asProviderError(
  err: unknown,
  started: boolean,
  classify: (err: unknown, started: boolean) => ProviderError,
): ProviderError {
  return err instanceof ProviderError ? err : classify(err, started);
}
