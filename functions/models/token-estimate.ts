import type { ChatMessage } from './providers/types';

/** Per-message framing tokens in chat formats (role markers), as OpenAI documents them. */
const PER_MESSAGE = 4;
/** A flat estimate for an image part; vendors charge by tiles, which we cannot know offline. */
const PER_IMAGE = 765;

/**
 * Estimated prompt tokens of a chat request, counting its texts with `count` (one call for
 * the whole request, so a remote tokenizer costs one round trip).
 */
export async function estimateWith(
  messages: ChatMessage[],
  count: (texts: string[]) => Promise<number[]>,
): Promise<number> {
  const texts: string[] = [];
  let total = 3;
  for (const message of messages) {
    total += PER_MESSAGE;
    if (typeof message.content === 'string') {
      texts.push(message.content);
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
      else total += PER_IMAGE;
    }
  }
  for (const tokens of texts.length > 0 ? await count(texts) : []) total += tokens;
  return total;
}
