import { costMicros } from '../models/pricing';
import {
  type ChatMessage,
  type ChatPart,
  type ProviderConfig,
  ProviderError,
  type StreamChunk,
  streamChat,
} from '../models/providers';
import { type ModelRow, modelSlug, requireModel, resolveProvider } from '../models/service';
import { countTokens, estimatePromptTokens } from '../models/token-count';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { randomToken } from '../platform/tokens';
import { assertWithinQuota, recordUsageOrQueue } from '../usage/service';
import { openAiError } from './openai-errors';
import { type ChatCompletionRequest, parseImageDataUrl } from './schemas';

type RequestMessage = ChatCompletionRequest['messages'][number];

/** Everything a completion needs once the request has been checked. */
export interface PreparedCompletion {
  id: string;
  created: number;
  slug: string;
  model: ModelRow;
  messages: ChatMessage[];
  temperature?: number;
  maxOutputTokens?: number;
  config: ProviderConfig;
}

function toParts(
  content: Exclude<RequestMessage['content'], null | undefined>,
  role: ChatMessage['role'],
  model: ModelRow,
): string | ChatPart[] {
  if (typeof content === 'string') return content;
  return content.map((part): ChatPart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (role !== 'user') {
      throw new ApiError('BAD_REQUEST', 'Images are accepted in user messages only.');
    }
    if (!model.vision) {
      throw new ApiError(
        'BAD_REQUEST',
        `Model "${modelSlug(model)}" does not accept images; pick a model with vision.`,
      );
    }
    const image = parseImageDataUrl(part.image_url.url);
    if (!image) throw new ApiError('BAD_REQUEST', 'Send images as base64 data URLs.');
    return { type: 'image', ...image };
  });
}

/** OpenAI messages in the providers' shape; `developer` is OpenAI's newer name for `system`. */
function toChatMessages(messages: RequestMessage[], model: ModelRow): ChatMessage[] {
  return messages.map((message) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    return { role, content: toParts(message.content ?? '', role, model) };
  });
}

/**
 * Checks a request in the order a caller can fix it: the model exists and is enabled (422),
 * the input fits the model (400), the quota has room (429, paid models only: offline ones are
 * free and unmetered), and a key is there (424: own key first, else the platform's).
 */
export async function prepareCompletion(
  services: Services,
  userId: string,
  body: ChatCompletionRequest,
): Promise<PreparedCompletion> {
  const model = await requireModel(services, body.model);
  const messages = toChatMessages(body.messages, model);
  // The quota counters (Redis) and the key lookup (cached, else Postgres) go out together.
  const [, { config }] = await Promise.all([
    model.provider !== 'offline' ? assertWithinQuota(services, userId) : null,
    resolveProvider(services, userId, model.provider),
  ]);
  return {
    id: `chatcmpl-${randomToken(18)}`,
    created: Math.floor(Date.now() / 1000),
    slug: modelSlug(model),
    model,
    messages,
    temperature: body.temperature ?? undefined,
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    config,
  };
}

/** A provider failure as the API error a client sees (nothing has been sent yet). */
export function providerFailure(error: unknown, provider: string): ApiError {
  if (!(error instanceof ProviderError)) throw error;
  switch (error.kind) {
    case 'rate_limit': {
      const retry = error.options.retryAfterSeconds;
      return new ApiError(
        'PROVIDER_RATE_LIMITED',
        `${provider} is rate-limiting this key; try again ${retry ? `in ${retry} s` : 'shortly'}.`,
        { headers: retry ? { 'Retry-After': String(retry) } : undefined, cause: error },
      );
    }
    case 'timeout':
      return new ApiError('PROVIDER_TIMEOUT', `${provider} did not answer in time.`, {
        cause: error,
      });
    case 'auth':
      return new ApiError(
        'PROVIDER_ERROR',
        `${provider} refused the key; check it under AI keys.`,
        { cause: error },
      );
    default:
      return new ApiError('PROVIDER_ERROR', `${provider} failed: ${error.message}`, {
        cause: error,
      });
  }
}

interface Tally {
  text: string;
  reported?: { inputTokens: number; outputTokens: number };
}

/** Records the call in the usage ledger (once per completion id) and returns its token counts. */
async function account(
  services: Services,
  userId: string,
  prepared: PreparedCompletion,
  tally: Tally,
): Promise<{ inputTokens: number; outputTokens: number }> {
  const estimated = !tally.reported;
  const counts = tally.reported ?? {
    inputTokens: await estimatePromptTokens(prepared.messages),
    outputTokens: await countTokens(tally.text),
  };
  await recordUsageOrQueue(services, {
    userId,
    source: 'api',
    reference: prepared.id,
    provider: prepared.model.provider,
    model: prepared.slug,
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    estimated,
    costMicros: costMicros(prepared.model, counts.inputTokens, counts.outputTokens),
  });
  return counts;
}

function providerStream(prepared: PreparedCompletion, signal: AbortSignal) {
  return streamChat(
    prepared.model.provider,
    {
      model: prepared.model.modelId,
      messages: prepared.messages,
      temperature: prepared.temperature,
      maxOutputTokens: prepared.maxOutputTokens,
      signal,
    },
    prepared.config,
  );
}

function usageBody(counts: { inputTokens: number; outputTokens: number }) {
  return {
    prompt_tokens: counts.inputTokens,
    completion_tokens: counts.outputTokens,
    total_tokens: counts.inputTokens + counts.outputTokens,
  };
}

/** Runs the whole completion, records its usage, and returns OpenAI's chat.completion body. */
export async function completeOnce(
  services: Services,
  userId: string,
  prepared: PreparedCompletion,
  signal: AbortSignal,
) {
  const tally: Tally = { text: '' };
  try {
    for await (const chunk of providerStream(prepared, signal)) {
      if (chunk.type === 'text') tally.text += chunk.text;
      else tally.reported = { inputTokens: chunk.inputTokens, outputTokens: chunk.outputTokens };
    }
  } catch (error) {
    const failure = providerFailure(error, prepared.model.provider);
    // Tokens already produced were billed by the vendor, so they are counted here too.
    if (tally.text) await account(services, userId, prepared, { text: tally.text });
    throw failure;
  }
  const counts = await account(services, userId, prepared, tally);
  return {
    id: prepared.id,
    object: 'chat.completion' as const,
    created: prepared.created,
    model: prepared.slug,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: tally.text, refusal: null },
        finish_reason: 'stop' as const,
        logprobs: null,
      },
    ],
    usage: usageBody(counts),
  };
}

/**
 * Starts a streamed completion. The provider's first chunk is awaited before anything is
 * returned, so a failure up to then is an ordinary error response (429/502/504); after it,
 * a failure is sent as an SSE `error` event and the stream ends. `done` settles once usage
 * is recorded: hand it to services.background so the database outlives the response.
 */
export async function startStream(
  services: Services,
  userId: string,
  prepared: PreparedCompletion,
  options: { includeUsage: boolean },
): Promise<{ body: ReadableStream<Uint8Array>; done: Promise<void> }> {
  const abort = new AbortController();
  const iterator = providerStream(prepared, abort.signal)[Symbol.asyncIterator]();
  let first: IteratorResult<StreamChunk>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw providerFailure(error, prepared.model.provider);
  }

  const encoder = new TextEncoder();
  const base = {
    id: prepared.id,
    object: 'chat.completion.chunk' as const,
    created: prepared.created,
    model: prepared.slug,
    system_fingerprint: null,
  };
  const extra = options.includeUsage ? { usage: null } : {};
  const delta = (content: Record<string, string>, finish: 'stop' | null = null) => ({
    ...base,
    choices: [{ index: 0, delta: content, finish_reason: finish, logprobs: null }],
    ...extra,
  });

  let open = true;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (data: unknown) => {
        if (!open) return;
        const line = typeof data === 'string' ? data : JSON.stringify(data);
        controller.enqueue(encoder.encode(`data: ${line}\n\n`));
      };
      const pump = async () => {
        const tally: Tally = { text: '' };
        const take = (chunk: StreamChunk) => {
          if (chunk.type === 'text') {
            tally.text += chunk.text;
            if (chunk.text) send(delta({ content: chunk.text }));
          } else {
            tally.reported = { inputTokens: chunk.inputTokens, outputTokens: chunk.outputTokens };
          }
        };
        send(delta({ role: 'assistant', content: '' }));
        let failure: ApiError | undefined;
        try {
          if (!first.done) take(first.value);
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            take(next.value);
          }
        } catch (error) {
          if (error instanceof ProviderError) {
            failure = providerFailure(error, prepared.model.provider);
          } else {
            services.logger.error('stream failed', { error });
            failure = new ApiError('PROVIDER_ERROR', 'The reply failed part-way.', {
              cause: error,
            });
          }
        }
        // Recorded before the last events, so a client that saw [DONE] can read its usage.
        // A failure's partial text was billed by the vendor, so it counts (estimated).
        const counts =
          failure && !tally.text
            ? null
            : await account(
                services,
                userId,
                prepared,
                failure ? { text: tally.text } : tally,
              ).catch((error: unknown) => {
                services.logger.error('usage not recorded', { error, reference: prepared.id });
                return null;
              });
        if (failure) {
          send({ error: openAiError(failure.code, failure.message) });
        } else {
          send(delta({}, 'stop'));
          if (options.includeUsage && counts) {
            send({ ...base, choices: [], usage: usageBody(counts) });
          }
          send('[DONE]');
        }
        if (open) {
          open = false;
          controller.close();
        }
      };
      pump()
        .catch((error: unknown) => {
          services.logger.error('stream pump failed', { error });
          if (open) {
            open = false;
            controller.error(error);
          }
        })
        .finally(resolveDone);
    },
    cancel() {
      // The client went away: stop the provider; the pump still records what was produced.
      open = false;
      abort.abort();
    },
  });
  return { body, done };
}
