/** Strict parsers for real chat models' answers: JSON found in prose or fences, checked. */
import { ProviderError } from '../../models/providers/types';
import { clip } from './text';
import type { AdVariant, Outline, ShortScript } from './types';

/** The parsed value of the first JSON object or array found in `text` (fenced or inline). */
export function extractJson(text: string): unknown {
  const candidates: string[] = [];
  for (const match of text.matchAll(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/g)) {
    if (match[1]) candidates.push(match[1]);
  }
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate.trim());
    } catch {
      // fall through to the scan below
    }
  }
  // Scan for balanced {...} or [...] blocks, honouring strings, and try each in turn.
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // keep scanning
    }
  }
  return undefined;
}

function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown, max: number): string {
  return typeof value === 'string' ? clip(value, max) : '';
}

/** The array under the first of `keys` that holds one, or the value itself when it is one. */
function listOf(value: unknown, keys: string[]): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  const object = record(value);
  if (!object) return undefined;
  for (const key of keys) {
    const inner = object[key];
    if (Array.isArray(inner)) return inner;
    const nested = listOf(inner, keys);
    if (nested) return nested;
  }
  return undefined;
}

function unusable(what: string): ProviderError {
  return new ProviderError(
    'bad_request',
    `The model did not return a usable ${what}; try again or pick another model.`,
  );
}

/**
 * The outline in a model's answer. Accepts JSON inside prose or code fences, an outer
 * wrapper object, or a bare array of chapters (objects or strings); keeps the first
 * `chapters` chapters. Throws a ProviderError('bad_request') when fewer are usable.
 */
export function parseOutline(text: string, chapters: number): Outline {
  const value = extractJson(text);
  const items = listOf(value, ['chapters', 'outline', 'book', 'chapitres']);
  if (!items) throw unusable('outline');
  const parsed = items
    .map((item) => {
      if (typeof item === 'string') return { title: clip(item, 200), summary: '' };
      const object = record(item);
      return {
        title: str(object?.title ?? object?.titre ?? object?.name, 200),
        summary: str(
          object?.summary ?? object?.résumé ?? object?.resume ?? object?.description,
          1000,
        ),
      };
    })
    .filter((chapter) => chapter.title.length > 0);
  if (parsed.length < chapters) throw unusable('outline');
  const object = record(value);
  const title = str(object?.title ?? record(object?.book)?.title, 200);
  return { title, chapters: parsed.slice(0, chapters) };
}

/**
 * The script in a model's answer: at least `scenes` scenes with a voice-over line (the
 * visual falls back to the line); keeps the first `scenes`. Throws when fewer are usable.
 */
export function parseShortScript(text: string, scenes: number): ShortScript {
  const value = extractJson(text);
  const items = listOf(value, ['scenes', 'script', 'shots']);
  if (!items) throw unusable('script');
  const parsed = items
    .map((item) => {
      const object = record(item);
      const line =
        typeof item === 'string'
          ? item
          : (object?.text ?? object?.voiceover ?? object?.narration ?? object?.line);
      const spoken = str(line, 600);
      return {
        text: spoken,
        visual: str(object?.visual ?? object?.image ?? object?.prompt, 600) || spoken,
      };
    })
    .filter((scene) => scene.text.length > 0);
  if (parsed.length < scenes) throw unusable('script');
  return { title: str(record(value)?.title, 120), scenes: parsed.slice(0, scenes) };
}

/**
 * The ad variants in a model's answer (each needs a headline and a body; a missing call to
 * action is left empty); keeps at most `variants`. Throws when none is usable.
 */
export function parseAdCopy(text: string, variants: number): AdVariant[] {
  const value = extractJson(text);
  const items =
    listOf(value, ['variants', 'ads', 'variations']) ?? (record(value) ? [value] : undefined);
  if (!items) throw unusable('ad copy');
  const parsed = items
    .map((item) => {
      const object = record(item);
      return {
        headline: str(object?.headline ?? object?.title, 200),
        body: str(object?.body ?? object?.text ?? object?.description, 1000),
        cta: str(object?.cta ?? object?.callToAction ?? object?.call_to_action, 80),
      };
    })
    .filter((variant) => variant.headline && variant.body);
  if (parsed.length === 0) throw unusable('ad copy');
  return parsed.slice(0, variants);
}

/**
 * A model's chapter made ready for typesetting: code fences removed, a leading line that
 * repeats the chapter title (or "Chapter 3") dropped, blank-line paragraphs kept.
 */
export function cleanChapter(text: string, title: string): string {
  let body = text
    .replace(/```[a-z]*\n?/gi, '')
    .replace(/\r\n?/g, '\n')
    .trim();
  const lines = body.split('\n');
  const first = (lines[0] ?? '').replace(/^[#*\s]+|[#*\s]+$/g, '').toLowerCase();
  const plainTitle = title.toLowerCase().trim();
  if (first && (first.includes(plainTitle) || /^(chapter|chapitre)\s+\d+/.test(first))) {
    body = lines.slice(1).join('\n').trim();
  }
  return body.replace(/\n{3,}/g, '\n\n');
}
