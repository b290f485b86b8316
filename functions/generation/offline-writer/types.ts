/** What the writer takes and gives, and the shape of one language's offline corpus. */

export type WriterLanguage = 'fr' | 'en';
export type WriterTone = 'informative' | 'friendly' | 'professional' | 'inspiring' | 'humorous';

export interface EbookWriterInput {
  title: string;
  subject: string;
  /** Number of chapters, 1–20. */
  chapters: number;
  tone: WriterTone;
  language: WriterLanguage;
  audience?: string;
}

export interface Outline {
  title: string;
  chapters: { title: string; summary: string }[];
}

export interface ShortScriptInput {
  topic: string;
  /** Number of scenes, 3–8. */
  scenes: number;
  durationSeconds: number;
  language: WriterLanguage;
}

export interface ShortScript {
  title: string;
  /** `text` is the voice-over line; `visual` an English image prompt for the scene. */
  scenes: { text: string; visual: string }[];
}

export interface AdCopyInput {
  brief: string;
  productName?: string;
  adType: 'showcase' | 'lifestyle';
  language: WriterLanguage;
  /** Number of variants, 1–4. */
  variants: number;
}

export interface AdVariant {
  headline: string;
  body: string;
  cta: string;
}

export interface Theme {
  title: string;
  summary: string;
  opening: string;
}

export interface ShortLine {
  role: 'hook' | 'point' | 'close';
  short: string;
  extra: string;
  visual: string;
}

export interface AdTemplate {
  headline: string;
  body: string;
  cta: string;
}

/**
 * Everything the offline writer says in one language. Templates take {topic}, {chapter},
 * {k1}, {k2}, {product} and {brief} where noted; the functions receive values already
 * quoted the way the language quotes.
 */
export interface WriterCorpus {
  /** The note that opens an offline book's first chapter. */
  note: string;
  /** Words never taken as a subject's keywords (both languages' lists are used together). */
  stopWords: readonly string[];
  /** Chapter themes in reading order; the first opens the book and the last closes it. */
  themes: Theme[];
  /** A chapter's opening when its title is none of the themes ({chapter}, {topic}). */
  fallbackOpening: string;
  /** The paragraph that names the book's audience. */
  audience: (audience: string) => string;
  /** Body sentences; {topic}, {chapter}, {k1}, {k2} are filled in. */
  sentences: string[];
  /** Words that open a body paragraph, per tone. */
  toneOpeners: Record<WriterTone, string[]>;
  /** The end of a chapter that has a next one: its summary (lower-cased first letter), the next title. */
  bridge: (summary: string, next: string) => string;
  /** The end of the last chapter. */
  closing: (topic: string) => string;
  /** A short's lines: the first is the hook, the last the closing call ({topic}). */
  shortLines: ShortLine[];
  /** Appended to the topic to title a short. */
  shortTitleSuffix: string;
  /** The product's name in ad copy when the brief gives none. */
  defaultProduct: string;
  /** Ad copy per ad type ({product}, {brief}). */
  adTemplates: Record<AdCopyInput['adType'], AdTemplate[]>;
}
