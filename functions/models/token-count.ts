import { env } from 'cloudflare:workers';
import type { ChatMessage } from './providers/types';
import { estimateWith } from './token-estimate';

/**
 * Token counts for the edge Worker (chat turns, /v1), used only when a provider reports no
 * usage. The tokenizer's rank table is about 1 MiB, so it lives in the jobs Worker
 * (models/tokenizer.ts) and is reached through the JOBS binding: one RPC per reply.
 */

const countRemote = (texts: string[]): Promise<number[]> => (env as Env).JOBS.countTokens(texts);

/** Tokens in a text, with a real BPE tokenizer. */
export async function countTokens(text: string): Promise<number> {
  const [tokens] = await countRemote([text]);
  return tokens ?? 0;
}

/** Estimated prompt tokens of a chat request, used only when a provider reports no usage. */
export async function estimatePromptTokens(messages: ChatMessage[]): Promise<number> {
  return estimateWith(messages, countRemote);
}
