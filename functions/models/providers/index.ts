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
    case 'mistral':
    case 'groq':
      // Mistral and Groq speak the OpenAI chat-completions protocol at their own base URLs.
      return (await import('./openai')).streamOpenAI;
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
