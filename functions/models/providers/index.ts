import { streamOffline } from './offline';
import type { ChatRequest, ProviderConfig, ProviderName, StreamChat, StreamChunk } from './types';

export * from './types';

/** Loads a vendor adapter on first use: the SDKs cost startup CPU that most requests never need. */
async function adapter(provider: ProviderName): Promise<StreamChat> {
  switch (provider) {
    case 'offline':
      return streamOffline;
    case 'anthropic':
      return (await import('./anthropic')).streamAnthropic;
    case 'google':
      return (await import('./google')).streamGoogle;
    case 'openai':
    case 'groq':
      // Groq speaks the OpenAI chat-completions protocol at its own base URL.
      return (await import('./openai')).streamOpenAI;
    case 'mistral':
      // The same protocol, but Mistral refuses `stream_options` and `max_completion_tokens`.
      return (await import('./openai')).streamMistral;
  }
}

/** One streaming chat call to any provider, through its official SDK. */
export async function* streamChat(
  provider: ProviderName,
  request: ChatRequest,
  config: ProviderConfig,
): AsyncIterable<StreamChunk> {
  const run = await adapter(provider);
  yield* run(request, config);
}
