import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
} from '@anthropic-ai/sdk/resources/messages';
import { partsOf, splitSystem, textOf } from './messages';
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
import type { ChatMessage, ChatRequest, StreamChat } from './types';
import { ProviderError } from './types';

/** Anthropic needs a ceiling on every call; this one is used when the caller sets none. */
const DEFAULT_MAX_TOKENS = 4096;

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type ImageType = (typeof IMAGE_TYPES)[number];

function isImageType(type: string): type is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(type);
}

function toAnthropic(message: ChatMessage & { role: 'user' | 'assistant' }): MessageParam {
  if (message.role === 'assistant') return { role: 'assistant', content: textOf(message.content) };
  if (typeof message.content === 'string') return { role: 'user', content: message.content };
  const content: ContentBlockParam[] = [];
  for (const part of partsOf(message.content)) {
    if (part.type === 'text') {
      // The API refuses empty text blocks.
      if (part.text) content.push({ type: 'text', text: part.text });
      continue;
    }
    if (!isImageType(part.mediaType)) {
      throw new ProviderError('bad_request', 'This image type is not supported.');
    }
    content.push({
      type: 'image',
      source: { type: 'base64', media_type: part.mediaType, data: part.data },
    });
  }
  return { role: 'user', content };
}

function body(request: ChatRequest): MessageCreateParamsStreaming {
  const { system, turns } = splitSystem(request.messages);
  const params: MessageCreateParamsStreaming = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
    messages: turns.map(toAnthropic),
    stream: true,
  };
  if (system) params.system = system;
  // No temperature: API version 2026-10-21, the one this SDK sends, refuses every sampling
  // parameter (temperature, top_p, top_k) with a 400 on all models.
  return params;
}

function facts(err: unknown): FailureFacts {
  if (err instanceof Anthropic.APIConnectionTimeoutError) return { timedOut: true };
  if (err instanceof Anthropic.APIConnectionError) return {};
  if (!(err instanceof Anthropic.APIError)) return {};
  // An `event: error` in the stream (overloaded_error, api_error) has no status.
  return {
    status: err.status,
    vendorError: true,
    retryAfterSeconds: retryAfterSeconds(err.headers),
  };
}

/** Anthropic's Messages API, streamed. */
export const streamAnthropic: StreamChat = async function* (request, config) {
  const client = new Anthropic({
    apiKey: apiKeyOf(config),
    baseURL: config.baseUrl,
    maxRetries: SDK_MAX_RETRIES,
    fetch: shortRetryFetch,
  });
  const params = body(request);
  const events = guardStream(
    request,
    config,
    (signal) => client.messages.create(params, { signal }),
    (err, started) => providerFailure(facts(err), started, err),
  );
  let inputTokens = 0;
  let outputTokens = 0;
  let stopped = false;
  for await (const event of events) {
    switch (event.type) {
      case 'message_start': {
        // Tokens read from or written to the prompt cache are input too.
        const usage = event.message.usage;
        inputTokens =
          usage.input_tokens +
          (usage.cache_creation_input_tokens ?? 0) +
          (usage.cache_read_input_tokens ?? 0);
        outputTokens = usage.output_tokens;
        break;
      }
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && event.delta.text) {
          yield { type: 'text', text: event.delta.text };
        }
        break;
      case 'message_delta':
        // Cumulative counts; input ones appear here only in newer API versions.
        if (event.usage.input_tokens !== null && event.usage.input_tokens !== undefined) {
          inputTokens =
            event.usage.input_tokens +
            (event.usage.cache_creation_input_tokens ?? 0) +
            (event.usage.cache_read_input_tokens ?? 0);
        }
        outputTokens = event.usage.output_tokens;
        break;
      case 'message_stop':
        stopped = true;
        break;
    }
  }
  if (!stopped) throw cutOff();
  yield { type: 'usage', inputTokens, outputTokens };
};
