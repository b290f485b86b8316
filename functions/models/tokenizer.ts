import type { ChatMessage } from './providers/types';
import { estimateWith } from './token-estimate';

/**
 * Token counts with a real BPE tokenizer (cl100k). Its rank table is about 1 MiB, so only the
 * jobs Worker bundles it: generation counts here directly, and the edge Worker asks the jobs
 * Worker through its JOBS binding (token-count.ts).
 */

type Encoder = { countTokens(text: string): number };
let encoder: Promise<Encoder> | undefined;

/** The cl100k tokenizer, loaded on first use. */
function loadEncoder(): Promise<Encoder> {
  encoder ??= import('gpt-tokenizer/encoding/cl100k_base').then(
    (module) => module.default ?? module,
  );
  return encoder;
}

/** Tokens in each of `texts`, in order. */
export async function countEach(texts: string[]): Promise<number[]> {
  const enc = await loadEncoder();
  return texts.map((text) => enc.countTokens(text));
}

/** Tokens in a text. */
export async function countTokens(text: string): Promise<number> {
  const [tokens] = await countEach([text]);
  return tokens ?? 0;
}

/** Estimated prompt tokens of a chat request, used only when a provider reports no usage. */
export const estimatePromptTokens = (messages: ChatMessage[]): Promise<number> =>
  estimateWith(messages, countEach);
