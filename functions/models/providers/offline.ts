import type { ChatMessage, ChatPart, StreamChat, StreamChunk } from './types';
import { ProviderError } from './types';

/**
 * WeBox's built-in offline models: no network, no key. Each reply says plainly that it
 * comes from the offline model and no AI provider was called; it is built from the
 * conversation (its words, the agent's instructions, the attachments) so streaming,
 * stopping, branches, compare and accounting behave exactly as with a real model.
 */
export const OFFLINE_LABEL = {
  en: 'Offline model: WeBox answered locally; no AI provider was called.',
  fr: 'Modèle hors ligne : WeBox a répondu localement ; aucun fournisseur d’IA n’a été appelé.',
} as const;

type Lang = 'en' | 'fr';

const FRENCH_HINTS =
  /\b(le|la|les|des|une|un|est|pour|avec|bonjour|merci|je|vous|nous|quoi|comment|pourquoi|écris|rédige)\b/gi;
const STOP_WORDS = new Set(
  'the a an and or of to in on for with is are was be it this that what how why can you me my i de la le les des du un une et ou en pour avec est sur que qui quoi comment je vous nous il elle'.split(
    ' ',
  ),
);

function textOf(content: string | ChatPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ChatPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

function imagesIn(content: string | ChatPart[]): number {
  return typeof content === 'string' ? 0 : content.filter((part) => part.type === 'image').length;
}

function detectLang(text: string): Lang {
  const words = text.split(/\s+/).filter(Boolean).length || 1;
  const french = text.match(FRENCH_HINTS)?.length ?? 0;
  return french / words > 0.12 || /[éèàçù]/.test(text) ? 'fr' : 'en';
}

function keyTerms(text: string, count: number): string[] {
  const freq = new Map<string, number>();
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? []) {
    if (!STOP_WORDS.has(raw)) freq.set(raw, (freq.get(raw) ?? 0) + 1);
  }
  return [...freq.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([word]) => word);
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The whole reply for a style; exported for tests. */
export function offlineReply(style: string, messages: ChatMessage[]): string {
  const system = messages.find((m) => m.role === 'system');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const prompt = lastUser ? textOf(lastUser.content) : '';
  const lang = detectLang(prompt);
  const fr = lang === 'fr';
  const words = prompt.split(/\s+/).filter(Boolean).length;
  const terms = keyTerms(prompt, 5);
  const turns = messages.filter((m) => m.role === 'user').length;
  const images = lastUser ? imagesIn(lastUser.content) : 0;
  const lines: string[] = [`*${OFFLINE_LABEL[lang]}*`, ''];
  if (system) {
    const instruction = clip(textOf(system.content).split('\n')[0] ?? '', 120);
    lines.push(fr ? `Consigne suivie : « ${instruction} »` : `Following: “${instruction}”`, '');
  }
  const topic = terms.length > 0 ? terms.join(', ') : fr ? '(aucun mot-clé)' : '(no keywords)';
  if (style === 'offline-brief') {
    lines.push(
      fr
        ? `Vous avez écrit ${words} mots (tour ${turns}). Mots-clés : ${topic}.`
        : `You wrote ${words} words (turn ${turns}). Key terms: ${topic}.`,
    );
  } else if (style === 'offline-coder') {
    lines.push(
      fr
        ? 'Voici un extrait qui compte les mots de votre message :'
        : 'Here is a snippet that counts the words of your message:',
      '',
      '```ts',
      `const message = ${JSON.stringify(clip(prompt, 80))};`,
      'const words = message.split(/\\s+/).filter(Boolean);',
      `console.log(words.length); // ${words}`,
      '```',
    );
  } else {
    lines.push(
      fr ? '## Ce que j’ai compris' : '## What I understood',
      '',
      `> ${clip(prompt, 200) || (fr ? '(message vide)' : '(empty message)')}`,
      '',
      fr ? '## Mots-clés' : '## Key terms',
      '',
      ...(terms.length > 0 ? terms.map((term) => `- **${term}**`) : [`- ${topic}`]),
      '',
      fr ? '## Chiffres' : '## Figures',
      '',
      fr ? '| mesure | valeur |' : '| measure | value |',
      '| --- | --- |',
      `| ${fr ? 'mots' : 'words'} | ${words} |`,
      `| ${fr ? 'tours' : 'turns'} | ${turns} |`,
      `| images | ${images} |`,
      '',
      fr
        ? 'Ajoutez une clé OpenAI, Anthropic, Google, Mistral ou Groq pour une vraie réponse.'
        : 'Add an OpenAI, Anthropic, Google, Mistral or Groq key for a real answer.',
    );
  }
  if (images > 0 && style !== 'offline-detailed') {
    lines.push('', fr ? `Images jointes : ${images}.` : `Images attached: ${images}.`);
  }
  return lines.join('\n');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ProviderError('aborted', 'Stopped.'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new ProviderError('aborted', 'Stopped.'));
      },
      { once: true },
    );
  });
}

/** Streams the reply word by word; it reports no usage, so callers estimate it (and say so). */
export const streamOffline: StreamChat = async function* (request, config) {
  const reply = offlineReply(request.model, request.messages);
  const delay = config.tokenDelayMs ?? 25;
  for (const piece of reply.match(/\S+\s*|\s+/g) ?? []) {
    if (delay > 0) await sleep(delay, request.signal);
    else if (request.signal.aborted) throw new ProviderError('aborted', 'Stopped.');
    yield { type: 'text', text: piece } satisfies StreamChunk;
  }
};
