/** Prompts asking real chat models for outlines, chapters, short scripts and ad copy. */
import type { ChatMessage } from '../../models/providers/types';
import { flat } from './text';
import type { AdCopyInput, EbookWriterInput, Outline, ShortScriptInput, WriterTone } from './types';

const LANGUAGE_NAME = { en: 'English', fr: 'French' } as const;

const TONE_WORDS: Record<WriterTone, string> = {
  informative: 'clear and informative',
  friendly: 'warm and friendly',
  professional: 'professional and precise',
  inspiring: 'inspiring and encouraging',
  humorous: 'light and humorous, without mocking the reader',
};

function bookContext(input: EbookWriterInput): string {
  return [
    `Book title: ${flat(input.title)}`,
    `Subject: ${input.subject.trim()}`,
    `Tone: ${TONE_WORDS[input.tone] ?? input.tone}`,
    `Language: ${LANGUAGE_NAME[input.language]}`,
    input.audience?.trim() ? `Audience: ${flat(input.audience)}` : null,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Messages asking a chat model for a book outline as strict JSON. */
export function outlinePrompt(input: EbookWriterInput): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are an experienced non-fiction book editor. You answer with one JSON object and nothing else: no prose, no Markdown.',
    },
    {
      role: 'user',
      content: `${bookContext(input)}

Plan this book in exactly ${input.chapters} chapters, in ${LANGUAGE_NAME[input.language]}.
Answer with this JSON shape only:
{"title": "<the book title, improved if useful>", "chapters": [{"title": "<short chapter title, no number>", "summary": "<one or two sentences: what the chapter covers>"}]}
The "chapters" array must have exactly ${input.chapters} items, in reading order, without repeating ideas.`,
    },
  ];
}

/**
 * Messages asking a chat model for one chapter as plain text. `previousSummary` (what the
 * previous chapter said) keeps chapters from repeating each other.
 */
export function chapterPrompt(
  input: EbookWriterInput,
  outline: Outline,
  index: number,
  previousSummary?: string,
): ChatMessage[] {
  const chapter = outline.chapters[index];
  if (!chapter) throw new RangeError('No such chapter in the outline');
  const plan = outline.chapters
    .map((c, i) => `${i + 1}. ${c.title}: ${c.summary}${i === index ? '  <- this chapter' : ''}`)
    .join('\n');
  return [
    {
      role: 'system',
      content: `You are the author of a non-fiction book written in ${LANGUAGE_NAME[input.language]}. You write engaging, accurate, well-structured prose.`,
    },
    {
      role: 'user',
      content: `${bookContext({ ...input, title: outline.title })}

Outline:
${plan}
${previousSummary?.trim() ? `\nThe previous chapter covered: ${flat(previousSummary)}\n` : ''}
Write chapter ${index + 1}, "${chapter.title}", in ${LANGUAGE_NAME[input.language]}: 700 to 1000 words.
Plain paragraphs separated by a blank line; you may use a few "## " subheadings. Do not repeat the chapter title at the top, do not number the chapter, no other Markdown, no lists of more than five items, no closing remarks addressed to me.`,
    },
  ];
}

/** Messages asking a chat model for a short-video script as strict JSON. */
export function shortScriptPrompt(input: ShortScriptInput): ChatMessage[] {
  const words = Math.round(input.durationSeconds * 2.5);
  return [
    {
      role: 'system',
      content:
        'You write scripts for short vertical videos (Reels, Shorts, TikTok). You answer with one JSON object and nothing else.',
    },
    {
      role: 'user',
      content: `Topic: ${input.topic.trim()}
Language of the voice-over: ${LANGUAGE_NAME[input.language]}
Length: ${input.durationSeconds} seconds, about ${words} spoken words in total.

Write exactly ${input.scenes} scenes: a hook first, a call to action last.
Answer with this JSON shape only:
{"title": "<short title>", "scenes": [{"text": "<voice-over line in ${LANGUAGE_NAME[input.language]}>", "visual": "<an English image-generation prompt describing the scene's picture, no text in the image>"}]}
The "scenes" array must have exactly ${input.scenes} items.`,
    },
  ];
}

/** Messages asking a chat model for ad copy variants as strict JSON. */
export function adCopyPrompt(input: AdCopyInput): ChatMessage[] {
  const style =
    input.adType === 'showcase'
      ? 'a product showcase: features, quality, what makes it stand out'
      : 'a lifestyle ad: the moments and feelings the product brings to everyday life';
  return [
    {
      role: 'system',
      content:
        'You are a senior advertising copywriter. You write honest copy (no invented claims, prices or awards). You answer with one JSON object and nothing else.',
    },
    {
      role: 'user',
      content: `${input.productName?.trim() ? `Product: ${flat(input.productName)}\n` : ''}Brief: ${input.brief.trim()}
Ad type: ${style}
Language: ${LANGUAGE_NAME[input.language]}

Write exactly ${input.variants} distinct variants in ${LANGUAGE_NAME[input.language]}.
Answer with this JSON shape only:
{"variants": [{"headline": "<at most 8 words>", "body": "<one or two sentences>", "cta": "<call to action, at most 4 words>"}]}`,
    },
  ];
}
