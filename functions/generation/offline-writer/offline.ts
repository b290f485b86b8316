/**
 * The deterministic offline writer, used when the chosen chat model is WeBox's offline one.
 * It assembles real sentences of the language's corpus around the user's subject; the first
 * chapter of a book says plainly that it was written offline.
 */
import { prng } from '../encoders/wav';
import { hashOf } from '../providers/offline-draw';
import { EN } from './corpus-en';
import { FR } from './corpus-fr';
import { clip, fill, flat, pick, quote, topicOf, wordCount } from './text';
import type {
  AdCopyInput,
  AdVariant,
  EbookWriterInput,
  Outline,
  ShortScript,
  ShortScriptInput,
  Theme,
  WriterCorpus,
  WriterLanguage,
} from './types';

const CORPUS: Record<WriterLanguage, WriterCorpus> = { fr: FR, en: EN };

/** The note that opens an offline book's first chapter. */
export const OFFLINE_WRITER_NOTE: Readonly<Record<WriterLanguage, string>> = {
  en: EN.note,
  fr: FR.note,
};

const STOP_WORDS = new Set([...EN.stopWords, ...FR.stopWords]);

/** Distinct content words of `text`, most frequent first. */
function keywords(text: string, count: number): string[] {
  const freq = new Map<string, number>();
  for (const word of text.toLowerCase().match(/\p{L}[\p{L}'’-]{4,}/gu) ?? []) {
    if (!STOP_WORDS.has(word)) freq.set(word, (freq.get(word) ?? 0) + 1);
  }
  return [...freq.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([word]) => word);
}

// ---------------------------------------------------------------------------------------
// Offline eBook

function themesFor(language: WriterLanguage, count: number, seed: number): Theme[] {
  const all = CORPUS[language].themes;
  const first = all[0] as Theme;
  const last = all[all.length - 1] as Theme;
  if (count <= 1) return [first];
  const middle = all.slice(1, -1);
  const random = prng(seed);
  const chosen = new Set(
    pick(
      middle.map((_, i) => i),
      Math.min(count - 2, middle.length),
      random,
    ),
  );
  const body = middle.filter((_, i) => chosen.has(i));
  return [first, ...body, last];
}

/**
 * A deterministic outline: the book's title and `chapters` chapter titles with one-sentence
 * summaries built around the subject.
 */
export function offlineOutline(input: EbookWriterInput): Outline {
  const count = Math.max(1, Math.min(20, Math.round(input.chapters)));
  const topic = quote(topicOf(input.subject, input.title), input.language);
  const themes = themesFor(input.language, count, hashOf(input.title, hashOf(input.subject)));
  return {
    title: clip(input.title, 200),
    chapters: themes.map((theme) => ({
      title: theme.title,
      summary: fill(theme.summary, { topic }),
    })),
  };
}

/**
 * One chapter of an offline book: several paragraphs (300–600 words) in the book's language
 * and tone, about the subject, ending on a bridge to the next chapter. The first chapter
 * opens with OFFLINE_WRITER_NOTE on its own line.
 */
export function offlineChapter(input: EbookWriterInput, outline: Outline, index: number): string {
  const language = input.language;
  const corpus = CORPUS[language];
  const chapter = outline.chapters[index];
  if (!chapter) throw new RangeError('No such chapter in the outline');
  const random = prng(hashOf(outline.title, hashOf(chapter.title), index));
  const topic = quote(topicOf(input.subject, input.title), language);
  const theme = corpus.themes.find((t) => t.title === chapter.title);
  const [k1, k2] = keywords(`${input.subject} ${input.title}`, 2);
  const values = {
    topic,
    chapter: quote(chapter.title.toLowerCase(), language),
    k1: k1 ? quote(k1, language) : '',
    k2: k2 ? quote(k2, language) : '',
  };
  const sentences = corpus.sentences.filter((s) => (k1 && k2) || !s.includes('{k1}'));
  const openers = corpus.toneOpeners[input.tone] ?? corpus.toneOpeners.informative;

  const paragraphs: string[] = [];
  if (index === 0) paragraphs.push(corpus.note);
  paragraphs.push(fill(theme?.opening ?? corpus.fallbackOpening, values));
  if (input.audience?.trim()) {
    const audience = quote(clip(input.audience, 80), language);
    paragraphs.push(corpus.audience(audience));
  }
  const order = pick(sentences, sentences.length, random);
  let cursor = 0;
  let words = paragraphs.reduce((sum, p) => sum + wordCount(p), 0);
  // Paragraphs of four or five sentences until the chapter is long enough but never too long.
  while (words < 360 && cursor < order.length) {
    const size = 4 + Math.floor(random() * 2);
    const opener = openers[Math.floor(random() * openers.length)] as string;
    const parts = order.slice(cursor, cursor + size).map((s) => fill(s, values));
    cursor += size;
    if (parts.length === 0) break;
    const head = parts[0] as string;
    parts[0] = `${opener} ${head.charAt(0).toLowerCase()}${head.slice(1)}`;
    const paragraph = parts.join(' ');
    if (words + wordCount(paragraph) > 560) break;
    paragraphs.push(paragraph);
    words += wordCount(paragraph);
  }
  const next = outline.chapters[index + 1];
  paragraphs.push(
    next
      ? corpus.bridge(
          `${chapter.summary.charAt(0).toLowerCase()}${chapter.summary.slice(1)}`,
          quote(next.title, language),
        )
      : corpus.closing(topic),
  );
  return paragraphs.join('\n\n');
}

// ---------------------------------------------------------------------------------------
// Offline short video script

/**
 * A deterministic short-video script: a hook, points, and a closing call, with one
 * voice-over line per scene sized to the duration (about 2.5 spoken words per second).
 */
export function offlineShortScript(input: ShortScriptInput): ShortScript {
  const count = Math.max(1, Math.min(8, Math.round(input.scenes)));
  const language = input.language;
  const topicText = clip(flat(input.topic), 60);
  const topic = quote(topicText, language);
  const lines = CORPUS[language].shortLines;
  const hook = lines[0] as (typeof lines)[number];
  const close = lines[lines.length - 1] as (typeof lines)[number];
  const points = lines.slice(1, -1);
  const random = prng(hashOf(input.topic, count));
  // Points keep their natural order (start simple before measuring progress).
  const picked = new Set(count >= 3 ? pick(points, count - 2, random) : []);
  const middle = points.filter((point) => picked.has(point));
  const chosen = count === 1 ? [hook] : count === 2 ? [hook, close] : [hook, ...middle, close];
  const wordsPerScene = (input.durationSeconds * 2.5) / count;
  return {
    title: clip(
      `${topicText.charAt(0).toUpperCase()}${topicText.slice(1)}${CORPUS[language].shortTitleSuffix}`,
      120,
    ),
    scenes: chosen.map((line) => {
      const short = fill(line.short, { topic });
      const text =
        wordCount(short) + wordCount(line.extra) <= wordsPerScene * 1.2
          ? `${short} ${line.extra}`
          : short;
      return { text, visual: `${fill(line.visual, { topic: topicText })}, about ${topicText}` };
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Offline ad copy

/** Deterministic ad copy: `variants` distinct headline/body/call-to-action sets. */
export function offlineAdCopy(input: AdCopyInput): AdVariant[] {
  const count = Math.max(1, Math.min(4, Math.round(input.variants)));
  const language = input.language;
  const product = clip(input.productName ?? '', 60) || CORPUS[language].defaultProduct;
  const briefSentence = clip(flat(input.brief).split(/(?<=[.!?])\s/u)[0] ?? '', 140);
  const brief = briefSentence ? `${briefSentence.replace(/[.!?…]*$/u, '')}.` : '';
  const templates = pick(
    CORPUS[language].adTemplates[input.adType],
    count,
    prng(hashOf(input.brief, hashOf(product))),
  );
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return templates.map((t) => ({
    headline: capital(fill(t.headline, { product })),
    body: flat(fill(t.body, { product, brief })),
    cta: fill(t.cta, { product }),
  }));
}
