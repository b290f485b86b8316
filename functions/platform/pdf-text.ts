/**
 * Text made drawable by a PDF font. pdf-lib throws on a character its font cannot encode
 * (the standard fonts only know WinAnsi; an embedded subset only its font's glyphs), so every
 * string drawn into a PDF (eBooks, invoices) goes through `pdfText` first: what the font lacks
 * is replaced here, the same way for every document.
 */
import type { PDFFont } from 'pdf-lib';

/** Replacements tried, in this order, for a character the font lacks. */
const FALLBACK: Readonly<Record<string, string>> = {
  '\u202f': '\u00a0',
  '\u2009': ' ',
  '\u2019': "'",
  '\u2018': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2026': '...',
  '\u2013': '-',
  '\u2014': '-',
  '\u0153': 'oe',
  '\u00a0': ' ',
};

/** What the font can draw; a PDFFont belongs to one document, so the set goes with it. */
const charsets = new WeakMap<PDFFont, Set<number>>();

function charsetOf(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsets.set(font, set);
  }
  return set;
}

/**
 * `text` reduced to what `font` can draw: tabs and line breaks become spaces (a PDF text run
 * is one line) and other control characters are dropped; a character the font lacks becomes its fallback above (typographic spaces,
 * quotes and dashes in plain ASCII) when the font has that, else the letter without its
 * accents when the font has that, else "?". What the font has is kept as it is, so French
 * accents survive with any font that knows them (WinAnsi does).
 */
export function pdfText(text: string, font: PDFFont): string {
  const charset = charsetOf(font);
  const drawable = (value: string) =>
    [...value].every((c) => charset.has(c.codePointAt(0) as number));
  let out = '';
  for (const char of text.replace(/\r\n|[\t\n\r]/g, ' ')) {
    const code = char.codePointAt(0) as number;
    if (code < 32) continue;
    if (charset.has(code)) {
      out += char;
      continue;
    }
    const replacement = FALLBACK[char];
    if (replacement !== undefined && drawable(replacement)) {
      out += replacement;
      continue;
    }
    const stripped = char.normalize('NFD').replace(/\p{M}/gu, '');
    out += stripped && drawable(stripped) ? stripped : '?';
  }
  return out;
}
