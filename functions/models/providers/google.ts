import {
  ApiError,
  type Content,
  type GenerateContentConfig,
  type GenerateContentResponseUsageMetadata,
  GoogleGenAI,
  type Part,
} from '@google/genai';
import { partsOf, splitSystem, textOf } from './messages';
import {
  apiKeyOf,
  cutOff,
  type FailureFacts,
  guardStream,
  LONGEST_RETRY_WAIT_MS,
  providerFailure,
  SDK_MAX_RETRIES,
} from './stream-guard';
import type { ChatMessage, ChatRequest, StreamChat } from './types';
import { ProviderError } from './types';

/**
 * The Gemini SDK retries only when told to, and ignores `retry-after`. It retries here on
 * 408 and 5xx, with short pauses. Not on 429: Gemini's quotas are per minute and it names
 * the wait (RetryInfo), usually longer than a turn should sit silent, so the caller is told.
 */
const RETRY = {
  attempts: SDK_MAX_RETRIES + 1,
  initialDelay: 0.2,
  maxDelay: LONGEST_RETRY_WAIT_MS / 1000,
  httpStatusCodes: [408, 500, 502, 503, 504],
};

function toGemini(message: ChatMessage & { role: 'user' | 'assistant' }): Content {
  if (message.role === 'assistant') {
    return { role: 'model', parts: [{ text: textOf(message.content) }] };
  }
  const parts: Part[] = [];
  for (const part of partsOf(message.content)) {
    if (part.type === 'image') {
      parts.push({ inlineData: { mimeType: part.mediaType, data: part.data } });
    } else if (part.text) {
      parts.push({ text: part.text });
    }
  }
  return { role: 'user', parts };
}

function params(request: ChatRequest, signal: AbortSignal) {
  const { system, turns } = splitSystem(request.messages);
  const config: GenerateContentConfig = {
    abortSignal: signal,
    // Continuation would send the request again after part of an answer: never retry then.
    automaticContinuation: false,
  };
  if (system) config.systemInstruction = { parts: [{ text: system }] };
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  return { model: request.model, contents: turns.map(toGemini), config };
}

function facts(err: unknown): FailureFacts {
  if (!(err instanceof ApiError)) return {};
  // The SDK keeps only the status and the body as text: the details come from there.
  const delay = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(err.message)?.[1];
  return {
    status: err.status,
    vendorError: true,
    // Gemini refuses an unknown key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
    keyRejected: err.status === 400 && /API_KEY_INVALID/.test(err.message),
    retryAfterSeconds: delay === undefined ? undefined : Math.ceil(Number(delay)),
  };
}

function usageOf(meta: GenerateContentResponseUsageMetadata) {
  return {
    type: 'usage' as const,
    inputTokens: meta.promptTokenCount ?? 0,
    // Thinking tokens are billed as output.
    outputTokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
  };
}

/** Google's Gemini API (generateContent, streamed over SSE). */
export const streamGoogle: StreamChat = async function* (request, config) {
  const client = new GoogleGenAI({
    apiKey: apiKeyOf(config),
    vertexai: false,
    httpOptions: config.baseUrl
      ? { baseUrl: config.baseUrl, retryOptions: RETRY }
      : { retryOptions: RETRY },
  });
  const chunks = guardStream(
    request,
    config,
    (signal) => client.models.generateContentStream(params(request, signal)),
    (err, started) => providerFailure(facts(err), started, err),
  );
  let finished = false;
  let usage: GenerateContentResponseUsageMetadata | undefined;
  for await (const chunk of chunks) {
    if (chunk.promptFeedback?.blockReason) {
      throw new ProviderError('bad_request', 'The provider refused the request.');
    }
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      // Thought summaries are not part of the answer.
      if (part.text && !part.thought) yield { type: 'text', text: part.text };
    }
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    if (candidate?.finishReason) finished = true;
  }
  if (!finished) throw cutOff();
  if (usage) yield usageOf(usage);
};
