import OpenAI from 'openai';
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { partsOf, textOf } from './messages';
import {
  apiKeyOf,
  cutOff,
  type FailureFacts,
  guardStream,
  providerFailure,
  retryAfterSeconds,
  SDK_MAX_RETRIES,
  shortRetryFetch,
} from './stream-guard';
import type { ChatMessage, ChatRequest, StreamChat, StreamChunk } from './types';

/** How a vendor speaking the chat-completions protocol differs from OpenAI's own API. */
interface Dialect {
  /**
   * OpenAI and Groq report usage in a last chunk only when asked (`stream_options`);
   * Mistral always puts it in its last chunk and refuses `stream_options` with a 422.
   */
  askForUsage: boolean;
  /** OpenAI's reasoning models refuse `max_tokens`; Mistral refuses `max_completion_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
}

function toOpenAI(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === 'system') return { role: 'system', content: textOf(message.content) };
  if (message.role === 'assistant') return { role: 'assistant', content: textOf(message.content) };
  if (typeof message.content === 'string') return { role: 'user', content: message.content };
  return {
    role: 'user',
    content: partsOf(message.content).map(
      (part): ChatCompletionContentPart =>
        part.type === 'text'
          ? { type: 'text', text: part.text }
          : { type: 'image_url', image_url: { url: `data:${part.mediaType};base64,${part.data}` } },
    ),
  };
}

function body(request: ChatRequest, dialect: Dialect): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: request.messages.map(toOpenAI),
    stream: true,
  };
  if (dialect.askForUsage) params.stream_options = { include_usage: true };
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.maxOutputTokens !== undefined) {
    params[dialect.maxTokensField] = request.maxOutputTokens;
  }
  return params;
}

function facts(err: unknown): FailureFacts {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { timedOut: true };
  if (err instanceof OpenAI.APIConnectionError) return {};
  if (!(err instanceof OpenAI.APIError)) return {};
  return {
    status: err.status,
    vendorError: true,
    modelNotFound: err.code === 'model_not_found',
    retryAfterSeconds: retryAfterSeconds(err.headers),
  };
}

function chatCompletions(dialect: Dialect): StreamChat {
  return async function* (request, config) {
    // organization/project null: never pick up OPENAI_* variables from the environment and
    // send them to another vendor. The SDK retries only until an answer starts.
    const client = new OpenAI({
      apiKey: apiKeyOf(config),
      baseURL: config.baseUrl,
      organization: null,
      project: null,
      maxRetries: SDK_MAX_RETRIES,
      fetch: shortRetryFetch,
    });
    const chunks = guardStream(
      request,
      config,
      (signal) => client.chat.completions.create(body(request, dialect), { signal }),
      (err, started) => providerFailure(facts(err), started, err),
    );
    let finished = false;
    let usage: StreamChunk | undefined;
    for await (const chunk of chunks) {
      for (const choice of chunk.choices) {
        if (choice.index !== 0) continue;
        const text = choice.delta?.content;
        if (text) yield { type: 'text', text };
        if (choice.finish_reason) finished = true;
      }
      if (chunk.usage) {
        usage = {
          type: 'usage',
          inputTokens: chunk.usage.prompt_tokens,
          outputTokens: chunk.usage.completion_tokens,
        };
      }
    }
    if (!finished) throw cutOff();
    if (usage) yield usage;
  };
}

/** OpenAI and Groq (its API is OpenAI's at another base URL). */
export const streamOpenAI: StreamChat = chatCompletions({
  askForUsage: true,
  maxTokensField: 'max_completion_tokens',
});

/** Mistral: the same protocol, without `stream_options` and with `max_tokens`. */
export const streamMistral: StreamChat = chatCompletions({
  askForUsage: false,
  maxTokensField: 'max_tokens',
});
