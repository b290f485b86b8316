/**
 * eBook files: a typeset PDF (pdf-lib) and an EPUB 3 (fflate). The PDF is a 6 x 9 in book:
 * cover, title page, a table of contents with real page numbers (and links), chapters that
 * each start on a new page, justified paragraphs, running page numbers, bookmarks and
 * document metadata.
 */
import { zipSync } from 'fflate';
import {
  PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  type PDFPage,
  type PDFRef,
  rgb,
  StandardFonts,
} from 'pdf-lib';
import { hashOf, hsl } from '../providers/offline-draw';

export interface EbookChapter {
  title: string;
  /** Paragraphs separated by blank lines; "## " lines are subheadings, "- " lines bullets. */
  text: string;
}

export interface EbookBook {
  title: string;
  subtitle?: string;
  author: string;
  language: 'fr' | 'en';
  chapters: EbookChapter[];
  /** Written by WeBox's offline model: the title page says so. */
  offline: boolean;
}

export interface EbookCover {
  bytes: Uint8Array;
  contentType: 'image/png' | 'image/jpeg';
}

export interface BookFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

const LABELS = {
  fr: {
    contents: 'Table des matières',
    chapter: 'Chapitre',
    offline: 'Rédigé par le modèle hors ligne de WeBox ; aucun fournisseur d’IA n’a été appelé.',
    made: 'Créé avec WeBox',
  },
  en: {
    contents: 'Contents',
    chapter: 'Chapter',
    offline: 'Written by WeBox’s offline model; no AI provider was called.',
    made: 'Made with WeBox',
  },
} as const;

// 6 x 9 in trade paperback, in PDF points.
const PAGE_WIDTH = 432;
const PAGE_HEIGHT = 648;
const MARGIN_X = 54;
const MARGIN_TOP = 62;
const MARGIN_BOTTOM = 66;
const TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const BODY_SIZE = 10.5;
const LEADING = 15;
const PARAGRAPH_GAP = 4;
const INDENT = 14;
const TOC_SIZE = 10.5;
const TOC_LEADING = 16;
const TOC_NUMBER_WIDTH = 36;
const INK = rgb(0.11, 0.11, 0.13);
const MUTED = rgb(0.42, 0.42, 0.46);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

const widths = new WeakMap<PDFFont, Map<string, number>>();

/** Width of `text` at `size`, cached per font: shaping with fontkit is the costly part. */
function measure(font: PDFFont, text: string, size: number): number {
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

/**
 * Text reduced to what `font` can draw: typographic spaces become no-break spaces, missing
 * quotes and dashes fall back to ASCII, accents are stripped only when the glyph is absent.
 * pdf-lib throws on characters a font cannot encode; this keeps any model output printable.
 */
function printable(text: string, font: PDFFont, cache: Map<PDFFont, Set<number>>): string {
  let set = cache.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    cache.set(font, set);
  }
  const charset = set;
  const fallback: Record<string, string> = {
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
  let out = '';
  for (const char of text.replace(/\t/g, ' ')) {
    const code = char.codePointAt(0) as number;
    if (code < 32) continue;
    if (charset.has(code)) {
      out += char;
      continue;
    }
    const replacement = fallback[char];
    if (
      replacement !== undefined &&
      [...replacement].every((c) => charset.has(c.codePointAt(0) as number))
    ) {
      out += replacement;
      continue;
    }
    const stripped = char.normalize('NFD').replace(/\p{M}/gu, '');
    out +=
      stripped && [...stripped].every((c) => charset.has(c.codePointAt(0) as number))
        ? stripped
        : '?';
  }
  return out;
}

interface Line {
  words: string[];
  /** Sum of the words' widths (no spaces). */
  wordsWidth: number;
  indent: number;
  /** The paragraph's last line: never stretched. */
  last: boolean;
}

/** Greedy line breaking of `text` into lines at most `width` wide. */
function wrap(text: string, font: PDFFont, size: number, width: number, indent = 0): Line[] {
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

function drawLine(
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

type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'bullet'; text: string };

/** A chapter's text as blocks, with light Markdown (emphasis marks, fences) removed. */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  const clean = text
    .replace(/\r\n?/g, '\n')
    .replace(/```[a-z]*\n?/gi, '')
    .replace(/\*\*|__|`/g, '');
  for (const chunk of clean.split(/\n\s*\n/)) {
    const lines = chunk
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) continue;
    let paragraph: string[] = [];
    const flush = () => {
      if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
      paragraph = [];
    };
    for (const line of lines) {
      if (/^#{1,6}\s/.test(line)) {
        flush();
        blocks.push({ kind: 'heading', text: line.replace(/^#+\s*/, '') });
      } else if (/^([-*•]|\d+[.)])\s+/.test(line)) {
        flush();
        blocks.push({ kind: 'bullet', text: line.replace(/^([-*•]|\d+[.)])\s+/, '') });
      } else {
        paragraph.push(line.replace(/^\*(.+)\*$/, '$1'));
      }
    }
    flush();
  }
  return blocks;
}

function centred(page: PDFPage, text: string, y: number, font: PDFFont, size: number, color = INK) {
  const width = measure(font, text, size);
  page.drawText(text, { x: (PAGE_WIDTH - width) / 2, y, size, font, color });
}

/** Draws wrapped, centred lines downwards from `y`; returns the y below the last line. */
function centredBlock(
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

function addLink(doc: PDFDocument, page: PDFPage, rect: number[], target: PDFPage): void {
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
function addOutline(doc: PDFDocument, entries: { title: string; page: PDFPage }[]): void {
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

async function embedFonts(doc: PDFDocument, fonts: BookFonts | undefined): Promise<Fonts> {
  if (fonts) {
    // fontkit is large (about 360 KiB gzip); it is loaded only when a book embeds fonts.
    const { default: fontkit } = await import('@pdf-lib/fontkit');
    doc.registerFontkit(fontkit);
    return {
      regular: await doc.embedFont(fonts.regular, { subset: true }),
      bold: await doc.embedFont(fonts.bold, { subset: true }),
    };
  }
  return {
    regular: await doc.embedFont(StandardFonts.TimesRoman),
    bold: await doc.embedFont(StandardFonts.TimesRomanBold),
  };
}

/**
 * Typesets a book as a PDF. Chapters are laid out first, on pages that follow the cover,
 * the title page and as many pages as the table of contents needs; the table is drawn last,
 * with each chapter's real page number (pages are numbered from the cover, as readers show
 * them). Without `fonts`, the standard Times fonts (WinAnsi: French accents included) are used.
 */
export async function typesetEbook(
  book: EbookBook,
  options: { fonts?: BookFonts; cover?: EbookCover } = {},
): Promise<{ pdf: Uint8Array; pages: number }> {
  const labels = LABELS[book.language];
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc, options.fonts);
  const cache = new Map<PDFFont, Set<number>>();
  // French punctuation and quotes stay on the line of the word they belong to.
  const text = (value: string, font: PDFFont) =>
    printable(
      value.replace(/([«“]) +/g, '$1\u00a0').replace(/ +([»”:;?!])/g, '\u00a0$1'),
      font,
      cache,
    );
  const title = text(book.title, fonts.bold);
  const author = text(book.author, fonts.regular);

  doc.setTitle(book.title, { showInWindowTitleBar: true });
  doc.setAuthor(book.author);
  if (book.subtitle) doc.setSubject(book.subtitle);
  doc.setLanguage(book.language === 'fr' ? 'fr-FR' : 'en-GB');
  doc.setCreator('WeBox');
  doc.setProducer('WeBox (pdf-lib)');
  doc.setKeywords(book.chapters.map((c) => c.title).slice(0, 20));

  // Cover.
  const cover = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const hue = hashOf(book.title) % 360;
  const [r, g, b] = hsl(hue, 0.45, 0.22);
  cover.drawRectangle({
    x: 0,
    y: 0,
    width: PAGE_WIDTH,
    height: PAGE_HEIGHT,
    color: rgb(r / 255, g / 255, b / 255),
  });
  if (options.cover) {
    const image =
      options.cover.contentType === 'image/png'
        ? await doc.embedPng(options.cover.bytes)
        : await doc.embedJpg(options.cover.bytes);
    // Full bleed: scale to cover the page; what overflows is cut by the page box.
    const scale = Math.max(PAGE_WIDTH / image.width, PAGE_HEIGHT / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    cover.drawImage(image, {
      x: (PAGE_WIDTH - w) / 2,
      y: (PAGE_HEIGHT - h) / 2,
      width: w,
      height: h,
    });
  } else {
    const [ar, ag, ab] = hsl(hue + 40, 0.6, 0.6);
    cover.drawRectangle({
      x: MARGIN_X,
      y: PAGE_HEIGHT * 0.62,
      width: TEXT_WIDTH,
      height: 3,
      color: rgb(ar / 255, ag / 255, ab / 255),
    });
    cover.drawRectangle({
      x: MARGIN_X,
      y: PAGE_HEIGHT * 0.3,
      width: TEXT_WIDTH,
      height: 1,
      color: rgb(ar / 255, ag / 255, ab / 255),
    });
  }
  cover.drawRectangle({
    x: 0,
    y: PAGE_HEIGHT * 0.1,
    width: PAGE_WIDTH,
    height: PAGE_HEIGHT * 0.38,
    color: rgb(0, 0, 0),
    opacity: 0.55,
  });
  let coverY = centredBlock(cover, title, PAGE_HEIGHT * 0.4, fonts.bold, 24, 30, rgb(1, 1, 1));
  if (book.subtitle) {
    coverY = centredBlock(
      cover,
      text(book.subtitle, fonts.regular),
      coverY - 4,
      fonts.regular,
      13,
      17,
      rgb(0.92, 0.92, 0.92),
    );
  }
  centred(
    cover,
    author,
    Math.min(coverY - 14, PAGE_HEIGHT * 0.15),
    fonts.regular,
    12,
    rgb(0.95, 0.95, 0.95),
  );

  // Title page.
  const titlePage = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  let y = centredBlock(titlePage, title, PAGE_HEIGHT * 0.66, fonts.bold, 22, 28);
  if (book.subtitle)
    y = centredBlock(
      titlePage,
      text(book.subtitle, fonts.regular),
      y - 6,
      fonts.regular,
      13,
      17,
      MUTED,
    );
  centred(titlePage, author, y - 24, fonts.regular, 13);
  if (book.offline) {
    centredBlock(
      titlePage,
      text(labels.offline, fonts.regular),
      MARGIN_BOTTOM + 40,
      fonts.regular,
      9,
      12,
      MUTED,
    );
  }
  centred(titlePage, text(labels.made, fonts.regular), MARGIN_BOTTOM, fonts.regular, 9, MUTED);

  // Reserve the table of contents: its entries' heights do not depend on the page numbers.
  const tocTitles = book.chapters.map((c, i) => text(`${i + 1}. ${c.title}`, fonts.regular));
  const tocLayout: { page: number; y: number; lines: Line[] }[] = [];
  {
    let page = 0;
    let cursor = PAGE_HEIGHT - MARGIN_TOP - 48;
    for (const entry of tocTitles) {
      const lines = wrap(entry, fonts.regular, TOC_SIZE, TEXT_WIDTH - TOC_NUMBER_WIDTH);
      const height = lines.length * TOC_LEADING + 4;
      if (cursor - height < MARGIN_BOTTOM) {
        page++;
        cursor = PAGE_HEIGHT - MARGIN_TOP;
      }
      tocLayout.push({ page, y: cursor, lines });
      cursor -= height;
    }
  }
  const tocPageCount = (tocLayout[tocLayout.length - 1]?.page ?? 0) + 1;
  const tocPages = Array.from({ length: tocPageCount }, () =>
    doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]),
  );

  // Chapters.
  const chapterPages: PDFPage[] = [];
  let page = tocPages[0] as PDFPage;
  const newPage = () => {
    page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    y = PAGE_HEIGHT - MARGIN_TOP;
    return page;
  };
  book.chapters.forEach((chapter, index) => {
    chapterPages.push(newPage());
    y = PAGE_HEIGHT - MARGIN_TOP - 70;
    centred(
      page,
      text(`${labels.chapter} ${index + 1}`, fonts.regular),
      y,
      fonts.regular,
      11,
      MUTED,
    );
    y -= 30;
    y = centredBlock(page, text(chapter.title, fonts.bold), y, fonts.bold, 19, 24);
    page.drawRectangle({ x: PAGE_WIDTH / 2 - 20, y: y + 8, width: 40, height: 0.8, color: MUTED });
    y -= 22;
    let firstParagraph = true;
    for (const block of blocksOf(chapter.text)) {
      if (block.kind === 'heading') {
        const lines = wrap(text(block.text, fonts.bold), fonts.bold, 12, TEXT_WIDTH);
        // Keep a subheading with at least two lines of what follows.
        if (y - (lines.length * 16 + 8 + 2 * LEADING) < MARGIN_BOTTOM) newPage();
        y -= 8;
        for (const line of lines) {
          drawLine(page, line, MARGIN_X, y, TEXT_WIDTH, fonts.bold, 12, false);
          y -= 16;
        }
        y -= 2;
        firstParagraph = true;
        continue;
      }
      const bullet = block.kind === 'bullet';
      const indent = bullet ? 12 : firstParagraph ? 0 : INDENT;
      const lines = wrap(
        text(block.text, fonts.regular),
        fonts.regular,
        BODY_SIZE,
        TEXT_WIDTH - (bullet ? 12 : 0),
        bullet ? 0 : indent,
      );
      // No orphan: a paragraph that cannot put two lines on this page starts on the next.
      if (y - (Math.min(2, lines.length) - 1) * LEADING < MARGIN_BOTTOM) newPage();
      lines.forEach((line, i) => {
        if (y < MARGIN_BOTTOM) newPage();
        if (bullet && i === 0)
          page.drawText(text('•', fonts.regular), {
            x: MARGIN_X + 2,
            y,
            size: BODY_SIZE,
            font: fonts.regular,
            color: INK,
          });
        drawLine(
          page,
          line,
          MARGIN_X + (bullet ? 12 : 0),
          y,
          TEXT_WIDTH - (bullet ? 12 : 0),
          fonts.regular,
          BODY_SIZE,
          true,
        );
        y -= LEADING;
      });
      y -= bullet ? 0 : PARAGRAPH_GAP;
      firstParagraph = bullet;
    }
  });

  // Table of contents, now that every chapter's page is known.
  const pages = doc.getPages();
  const numberOf = (p: PDFPage) => pages.indexOf(p) + 1;
  centred(
    tocPages[0] as PDFPage,
    text(labels.contents, fonts.bold),
    PAGE_HEIGHT - MARGIN_TOP - 10,
    fonts.bold,
    16,
  );
  const dotWidth = measure(fonts.regular, '.', TOC_SIZE);
  tocLayout.forEach((entry, index) => {
    const tocPage = tocPages[entry.page] as PDFPage;
    const target = chapterPages[index] as PDFPage;
    const number = String(numberOf(target));
    let lineY = entry.y;
    entry.lines.forEach((line, i) => {
      drawLine(tocPage, line, MARGIN_X, lineY, TEXT_WIDTH, fonts.regular, TOC_SIZE, false);
      if (i === entry.lines.length - 1) {
        const numberWidth = measure(fonts.regular, number, TOC_SIZE);
        const textEnd = MARGIN_X + measure(fonts.regular, line.words.join(' '), TOC_SIZE);
        const dotsStart = textEnd + 6;
        const dotsEnd = PAGE_WIDTH - MARGIN_X - numberWidth - 6;
        const dots = Math.max(0, Math.floor((dotsEnd - dotsStart) / dotWidth));
        if (dots > 2) {
          tocPage.drawText('.'.repeat(dots), {
            x: dotsEnd - dots * dotWidth,
            y: lineY,
            size: TOC_SIZE,
            font: fonts.regular,
            color: MUTED,
          });
        }
        tocPage.drawText(number, {
          x: PAGE_WIDTH - MARGIN_X - numberWidth,
          y: lineY,
          size: TOC_SIZE,
          font: fonts.regular,
          color: INK,
        });
      }
      lineY -= TOC_LEADING;
    });
    addLink(
      doc,
      tocPage,
      [MARGIN_X, lineY + TOC_LEADING - 4, PAGE_WIDTH - MARGIN_X, entry.y + TOC_SIZE],
      target,
    );
  });

  // Running header and page numbers on every page after the title page.
  const header = text(
    book.title.length > 60 ? `${book.title.slice(0, 59)}…` : book.title,
    fonts.regular,
  );
  pages.forEach((p, i) => {
    if (i < 2) return;
    centred(p, String(i + 1), MARGIN_BOTTOM - 30, fonts.regular, 9, MUTED);
    if (!chapterPages.includes(p) && !tocPages.includes(p)) {
      centred(p, header, PAGE_HEIGHT - MARGIN_TOP + 26, fonts.regular, 8, MUTED);
    }
  });

  addOutline(
    doc,
    book.chapters.map((c, i) => ({ title: c.title, page: chapterPages[i] as PDFPage })),
  );
  const pdf = await doc.save();
  return { pdf, pages: doc.getPageCount() };
}

/**
 * The book fonts (DejaVu Serif, regular and bold) from the site's static assets, or
 * undefined when the ASSETS binding or the files are missing (books then use Times).
 */
export async function loadBookFonts(assets: Fetcher | undefined): Promise<BookFonts | undefined> {
  if (!assets) return undefined;
  try {
    const [regular, bold] = await Promise.all(
      ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf'].map(async (name) => {
        const response = await assets.fetch(`https://assets.local/fonts/${name}`);
        if (!response.ok) return undefined;
        const bytes = new Uint8Array(await response.arrayBuffer());
        // The assets fallback may answer the site's index.html; a TrueType file starts 00 01 00 00.
        return bytes.length > 4 && bytes[0] === 0 && bytes[1] === 1 ? bytes : undefined;
      }),
    );
    return regular && bold ? { regular, bold } : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// EPUB

function xml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    // XML 1.0 forbids most control characters: one would make the whole file unreadable.
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) continue;
    out +=
      char === '&'
        ? '&amp;'
        : char === '<'
          ? '&lt;'
          : char === '>'
            ? '&gt;'
            : char === '"'
              ? '&quot;'
              : char === "'"
                ? '&apos;'
                : char;
  }
  return out;
}

function xhtml(language: string, title: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${language}" lang="${language}">
<head>
<meta charset="UTF-8"/>
<title>${xml(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
${body}
</body>
</html>
`;
}

function chapterBody(chapter: EbookChapter, index: number, label: string): string {
  const parts = [
    `<section epub:type="chapter" id="chapter-${index + 1}">`,
    `<p class="label">${xml(`${label} ${index + 1}`)}</p>`,
    `<h1>${xml(chapter.title)}</h1>`,
  ];
  let list: string[] = [];
  const flushList = () => {
    if (list.length > 0) parts.push(`<ul>\n${list.join('\n')}\n</ul>`);
    list = [];
  };
  for (const block of blocksOf(chapter.text)) {
    if (block.kind === 'bullet') {
      list.push(`<li>${xml(block.text)}</li>`);
      continue;
    }
    flushList();
    parts.push(
      block.kind === 'heading' ? `<h2>${xml(block.text)}</h2>` : `<p>${xml(block.text)}</p>`,
    );
  }
  flushList();
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1 { text-align: center; margin: 1em 0 1.2em; }
h2 { margin-top: 1.4em; }
p { text-indent: 1.2em; margin: 0 0 0.4em; text-align: justify; }
p.label, p.center { text-align: center; text-indent: 0; color: #666; }
.cover { text-align: center; margin: 0; }
.cover img { max-width: 100%; max-height: 100%; }
nav ol { list-style: none; padding: 0; }
`;

/**
 * An EPUB 3 of the book: `mimetype` first and stored uncompressed (as the format requires),
 * the container, the package document, a navigation document (plus an NCX for older
 * readers), one XHTML file per chapter and the cover image when given. All text is escaped.
 */
export function buildEpub(
  book: EbookBook,
  cover?: EbookCover,
  options: { modified?: Date } = {},
): Uint8Array {
  const labels = LABELS[book.language];
  const lang = book.language;
  const seed = hashOf(book.title, hashOf(book.author), book.chapters.length);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const id = `urn:uuid:${hex(seed)}-${hex(hashOf(book.title, 1)).slice(0, 4)}-4${hex(hashOf(book.author, 2)).slice(0, 3)}-a${hex(seed ^ 0x5bd1e995).slice(0, 3)}-${hex(hashOf(book.title, 3))}${hex(hashOf(book.author, 4)).slice(0, 4)}`;
  const modified = (options.modified ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const coverExt = cover?.contentType === 'image/png' ? 'png' : 'jpg';
  const encoder = new TextEncoder();
  const chapterFile = (i: number) => `chapter-${String(i + 1).padStart(2, '0')}.xhtml`;

  const manifest = [
    '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
    '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
    '<item id="style" href="style.css" media-type="text/css"/>',
    '<item id="title-page" href="title.xhtml" media-type="application/xhtml+xml"/>',
    ...(cover
      ? [
          `<item id="cover-image" href="images/cover.${coverExt}" media-type="${cover.contentType}" properties="cover-image"/>`,
          '<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>',
        ]
      : []),
    ...book.chapters.map(
      (_, i) =>
        `<item id="c${i + 1}" href="${chapterFile(i)}" media-type="application/xhtml+xml"/>`,
    ),
  ];
  const spine = [
    ...(cover ? ['<itemref idref="cover" linear="yes"/>'] : []),
    '<itemref idref="title-page"/>',
    '<itemref idref="nav"/>',
    ...book.chapters.map((_, i) => `<itemref idref="c${i + 1}"/>`),
  ];
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${lang}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="book-id">${id}</dc:identifier>
<dc:title>${xml(book.title)}</dc:title>
<dc:creator>${xml(book.author)}</dc:creator>
<dc:language>${lang}</dc:language>
${book.subtitle ? `<dc:description>${xml(book.subtitle)}</dc:description>\n` : ''}<dc:publisher>WeBox</dc:publisher>
<meta property="dcterms:modified">${modified}</meta>
${cover ? '<meta name="cover" content="cover-image"/>\n' : ''}</metadata>
<manifest>
${manifest.join('\n')}
</manifest>
<spine toc="ncx">
${spine.join('\n')}
</spine>
</package>
`;
  const nav = xhtml(
    lang,
    labels.contents,
    `<nav epub:type="toc" id="toc">
<h1>${xml(labels.contents)}</h1>
<ol>
${book.chapters.map((c, i) => `<li><a href="${chapterFile(i)}">${xml(c.title)}</a></li>`).join('\n')}
</ol>
</nav>`,
  );
  const ncx = `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="${lang}">
<head><meta name="dtb:uid" content="${id}"/></head>
<docTitle><text>${xml(book.title)}</text></docTitle>
<navMap>
${book.chapters
  .map(
    (c, i) =>
      `<navPoint id="np${i + 1}" playOrder="${i + 1}"><navLabel><text>${xml(c.title)}</text></navLabel><content src="${chapterFile(i)}"/></navPoint>`,
  )
  .join('\n')}
</navMap>
</ncx>
`;
  const titlePage = xhtml(
    lang,
    book.title,
    [
      `<h1>${xml(book.title)}</h1>`,
      book.subtitle ? `<p class="center">${xml(book.subtitle)}</p>` : '',
      `<p class="center">${xml(book.author)}</p>`,
      book.offline ? `<p class="center">${xml(labels.offline)}</p>` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );

  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {
    mimetype: [encoder.encode('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
`),
    'OEBPS/content.opf': encoder.encode(opf),
    'OEBPS/nav.xhtml': encoder.encode(nav),
    'OEBPS/toc.ncx': encoder.encode(ncx),
    'OEBPS/style.css': encoder.encode(STYLE),
    'OEBPS/title.xhtml': encoder.encode(titlePage),
  };
  if (cover) {
    files[`OEBPS/images/cover.${coverExt}`] = [cover.bytes, { level: 0 }];
    files['OEBPS/cover.xhtml'] = encoder.encode(
      xhtml(
        lang,
        book.title,
        `<div class="cover"><img src="images/cover.${coverExt}" alt="${xml(book.title)}"/></div>`,
      ),
    );
  }
  book.chapters.forEach((chapter, i) => {
    files[`OEBPS/${chapterFile(i)}`] = encoder.encode(
      xhtml(lang, chapter.title, chapterBody(chapter, i, labels.chapter)),
    );
  });
  return zipSync(files, { level: 6 });
}
