import type { ChatMessage, ChatPart } from './types';

/** A message's content as parts, whatever form it came in. */
export function partsOf(content: ChatMessage['content']): ChatPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The text of a message, its images left out (assistant turns carry text only). */
export function textOf(content: ChatMessage['content']): string {
  return partsOf(content)
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('');
}

/**
 * Splits a conversation for vendors that take the instructions apart from the turns
 * (Anthropic's `system`, Gemini's `systemInstruction`): every system message, in order,
 * joined into one text, and the user and assistant turns.
 */
export function splitSystem(messages: ChatMessage[]): {
  system: string | undefined;
  turns: Array<ChatMessage & { role: 'user' | 'assistant' }>;
} {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => textOf(message.content))
    .filter((text) => text.length > 0);
  const turns = messages.filter(
    (message): message is ChatMessage & { role: 'user' | 'assistant' } => message.role !== 'system',
  );
  return { system: system.length > 0 ? system.join('\n\n') : undefined, turns };
}
