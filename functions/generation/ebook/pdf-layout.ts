/**
 * The PDF's page geometry and text drawing: a 6 x 9 in page, measured and justified lines,
 * centred lines, and links and bookmarks to pages.
 */
import {
  type PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  type PDFPage,
  type PDFRef,
  rgb,
} from 'pdf-lib';
import { pdfText } from '../../platform/pdf-text';

// 6 x 9 in trade paperback, in PDF points.
export const PAGE_WIDTH = 432;
export const PAGE_HEIGHT = 648;
export const MARGIN_X = 54;
export const MARGIN_TOP = 62;
export const MARGIN_BOTTOM = 66;
export const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
export const BODY_SIZE = 10.5;
export const LEADING = 15;
export const PARAGRAPH_GAP = 4;
export const INDENT = 14;
export const TOC_SIZE = 10.5;
export const TOC_LEADING = 16;
export const TOC_NUMBER_WIDTH = 36;
export const INK = rgb(0.11, 0.11, 0.13);
export const MUTED = rgb(0.42, 0.42, 0.46);

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Book text as drawn: French punctuation and quotes stay on the line of the word they belong to. */
export function bookText(value: string, font: PDFFont): string {
  return pdfText(value.replace(/([«“]) +/g, '$1\u00a0').replace(/ +([»”:;?!])/g, '\u00a0$1'), font);
}

const widths = new WeakMap<PDFFont, Map<string, number>>();

/** Width of `text` at `size`, cached per font: shaping with fontkit is the costly part. */
export function measure(font: PDFFont, text: string, size: number): number {
  let cache = widths.get(font);
  if (!cache) {
    cache = new Map();
    widths.set(font, cache);
  }
  let unit = cache.get(text);
  if (unit === undefined) {
    unit = font.widthOfTextAtSize(text, 1);
    cache.set(text, unit);
  }
  return unit * size;
}

export interface Line {
  words: string[];
  /** Sum of the words' widths (no spaces). */
  wordsWidth: number;
  indent: number;
  /** The paragraph's last line: never stretched. */
  last: boolean;
}

/** Greedy line breaking of `text` into lines at most `width` wide. */
export function wrap(text: string, font: PDFFont, size: number, width: number, indent = 0): Line[] {
  const space = measure(font, ' ', size);
  const words: string[] = [];
  for (const word of text.split(/[ \n]+/).filter(Boolean)) {
    // A word wider than the line (a URL, say) is cut into pieces that fit.
    if (measure(font, word, size) <= width) {
      words.push(word);
      continue;
    }
    let piece = '';
    for (const char of word) {
      if (piece && measure(font, piece + char, size) > width) {
        words.push(piece);
        piece = '';
      }
      piece += char;
    }
    if (piece) words.push(piece);
  }
  const lines: Line[] = [];
  let current: string[] = [];
  let currentWidth = 0;
  let lineIndent = indent;
  for (const word of words) {
    const w = measure(font, word, size);
    const needed = currentWidth + (current.length > 0 ? space * current.length : 0) + w;
    if (current.length > 0 && needed > width - lineIndent) {
      lines.push({ words: current, wordsWidth: currentWidth, indent: lineIndent, last: false });
      current = [];
      currentWidth = 0;
      lineIndent = 0;
    }
    current.push(word);
    currentWidth += w;
  }
  if (current.length > 0) {
    lines.push({ words: current, wordsWidth: currentWidth, indent: lineIndent, last: true });
  }
  return lines;
}

export function drawLine(
  page: PDFPage,
  line: Line,
  x: number,
  y: number,
  width: number,
  font: PDFFont,
  size: number,
  justify: boolean,
): void {
  const space = measure(font, ' ', size);
  const gaps = line.words.length - 1;
  const gap = gaps > 0 ? (width - line.indent - line.wordsWidth) / gaps : space;
  // Stretch only when it stays readable; a line with two long words stays ragged.
  if (!justify || line.last || gaps === 0 || gap > space * 3) {
    page.drawText(line.words.join(' '), { x: x + line.indent, y, size, font, color: INK });
    return;
  }
  let penX = x + line.indent;
  line.words.forEach((word, i) => {
    // The trailing space is invisible but lets text extraction see the word boundary.
    page.drawText(i < gaps ? `${word} ` : word, { x: penX, y, size, font, color: INK });
    penX += measure(font, word, size) + gap;
  });
}

export function centred(
  page: PDFPage,
  text: string,
  y: number,
  font: PDFFont,
  size: number,
  color = INK,
) {
  const width = measure(font, text, size);
  page.drawText(text, { x: (PAGE_WIDTH - width) / 2, y, size, font, color });
}

/** Draws wrapped, centred lines downwards from `y`; returns the y below the last line. */
export function centredBlock(
  page: PDFPage,
  text: string,
  y: number,
  font: PDFFont,
  size: number,
  leading: number,
  color = INK,
  width = TEXT_WIDTH,
): number {
  let cursor = y;
  for (const line of wrap(text, font, size, width)) {
    centred(page, line.words.join(' '), cursor, font, size, color);
    cursor -= leading;
  }
  return cursor;
}

function destination(doc: PDFDocument, page: PDFPage) {
  return doc.context.obj([page.ref, PDFName.of('XYZ'), null, null, null]);
}

export function addLink(doc: PDFDocument, page: PDFPage, rect: number[], target: PDFPage): void {
  const annotation = doc.context.obj({
    Type: 'Annot',
    Subtype: 'Link',
    Rect: rect,
    Border: [0, 0, 0],
    Dest: destination(doc, target),
  });
  page.node.addAnnot(doc.context.register(annotation));
}

/** PDF bookmarks, one per chapter, so readers show the chapters in their side panel. */
export function addOutline(doc: PDFDocument, entries: { title: string; page: PDFPage }[]): void {
  if (entries.length === 0) return;
  const root = doc.context.nextRef();
  const refs: PDFRef[] = entries.map(() => doc.context.nextRef());
  entries.forEach((entry, i) => {
    const item: Record<string, unknown> = {
      Title: PDFHexString.fromText(entry.title),
      Parent: root,
      Dest: destination(doc, entry.page),
    };
    if (i > 0) item.Prev = refs[i - 1];
    if (i < refs.length - 1) item.Next = refs[i + 1];
    // biome-ignore lint/suspicious/noExplicitAny: pdf-lib's literal type is not exported
    doc.context.assign(refs[i] as PDFRef, doc.context.obj(item as any));
  });
  doc.context.assign(
    root,
    doc.context.obj({
      Type: 'Outlines',
      First: refs[0] as PDFRef,
      Last: refs[refs.length - 1] as PDFRef,
      Count: refs.length,
    }),
  );
  doc.catalog.set(PDFName.of('Outlines'), root);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
