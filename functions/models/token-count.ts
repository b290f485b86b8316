import type { ChatMessage } from './providers/types';

type Encoder = { countTokens(text: string): number };
let encoder: Promise<Encoder> | undefined;

/** The cl100k tokenizer, loaded on first use (its rank table is large). */
function loadEncoder(): Promise<Encoder> {
  encoder ??= import('gpt-tokenizer/encoding/cl100k_base').then(
    (module) => module.default ?? module,
  );
  return encoder;
}

/** Per-message framing tokens in chat formats (role markers), as OpenAI documents them. */
const PER_MESSAGE = 4;
/** A flat estimate for an image part; vendors charge by tiles, which we cannot know offline. */
const PER_IMAGE = 765;

/** Tokens in a text, with a real BPE tokenizer. */
export async function countTokens(text: string): Promise<number> {
  return (await loadEncoder()).countTokens(text);
}

/** Estimated prompt tokens of a chat request, used only when a provider reports no usage. */
export async function estimatePromptTokens(messages: ChatMessage[]): Promise<number> {
  const enc = await loadEncoder();
  let total = 3;
  for (const message of messages) {
    total += PER_MESSAGE;
    if (typeof message.content === 'string') {
      total += enc.countTokens(message.content);
      continue;
    }
    for (const part of message.content) {
      total += part.type === 'text' ? enc.countTokens(part.text) : PER_IMAGE;
    }
  }
  return total;
}
