/** Text helpers shared by the offline writer, the prompts and the parsers. */
import type { WriterLanguage } from './types';

export function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function clip(text: string, max: number): string {
  const value = flat(text);
  if (value.length <= max) return value;
  const cut = value.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/u, '')}…`;
}

/** The subject reduced to a short phrase that can be quoted inside a sentence. */
export function topicOf(subject: string, fallback: string): string {
  const first = flat(subject).split(/(?<=[.!?])\s/u)[0] ?? '';
  const phrase = clip(first.replace(/[.!?…]+$/u, ''), 90);
  const chosen = phrase.length >= 3 ? phrase : clip(fallback, 90);
  // "Le jardinage urbain" reads better inside a sentence as "le jardinage urbain"; names stay.
  return /^(le|la|les|l[’']|un|une|des|du|the|a|an)(\s|(?<=[’']))/iu.test(chosen)
    ? chosen.charAt(0).toLowerCase() + chosen.slice(1)
    : chosen;
}

/** Quoted the way each language quotes (French guillemets take narrow no-break spaces). */
export function quote(text: string, language: WriterLanguage): string {
  return language === 'fr' ? `«\u202f${text}\u202f»` : `“${text}”`;
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
}

/** Picks `count` distinct items of `items` in a seeded order. */
export function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) {
    out.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  }
  return out;
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
