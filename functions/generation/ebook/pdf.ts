/**
 * The eBook as a typeset PDF (pdf-lib), a 6 x 9 in book: cover, title page, a table of
 * contents with real page numbers (and links), chapters that each start on a new page,
 * justified paragraphs, running page numbers, bookmarks and document metadata. One function
 * per section; `typesetEbook` calls them in page order and draws the table of contents last.
 */
import { PDFDocument, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import { hashOf, hsl } from '../providers/offline-draw';
import { type BookFonts, blocksOf, type EbookBook, type EbookCover, LABELS } from './book';
import {
  addLink,
  addOutline,
  BODY_SIZE,
  bookText,
  centred,
  centredBlock,
  drawLine,
  type Fonts,
  INDENT,
  INK,
  LEADING,
  type Line,
  MARGIN_BOTTOM,
  MARGIN_TOP,
  MARGIN_X,
  MUTED,
  measure,
  PAGE_HEIGHT,
  PAGE_WIDTH,
  PARAGRAPH_GAP,
  TEXT_WIDTH,
  TOC_LEADING,
  TOC_NUMBER_WIDTH,
  TOC_SIZE,
  wrap,
} from './pdf-layout';

type Labels = (typeof LABELS)[EbookBook['language']];

/** The table of contents' pages, and where each entry goes (page index, top line, lines). */
interface Contents {
  pages: PDFPage[];
  entries: { page: number; y: number; lines: Line[] }[];
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

/** Document metadata: title, author, subject, language, creator, keywords. */
function setMetadata(doc: PDFDocument, book: EbookBook): void {
  doc.setTitle(book.title, { showInWindowTitleBar: true });
  doc.setAuthor(book.author);
  if (book.subtitle) doc.setSubject(book.subtitle);
  doc.setLanguage(book.language === 'fr' ? 'fr-FR' : 'en-GB');
  doc.setCreator('WeBox');
  doc.setProducer('WeBox (pdf-lib)');
  doc.setKeywords(book.chapters.map((c) => c.title).slice(0, 20));
}

/**
 * The cover: a background coloured from the title, the cover image full bleed (or two
 * rules without one), then the title, subtitle and author on a dark band.
 */
async function drawCover(
  doc: PDFDocument,
  book: EbookBook,
  fonts: Fonts,
  image?: EbookCover,
): Promise<void> {
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
  if (image) {
    const embedded =
      image.contentType === 'image/png'
        ? await doc.embedPng(image.bytes)
        : await doc.embedJpg(image.bytes);
    // Full bleed: scale to cover the page; what overflows is cut by the page box.
    const scale = Math.max(PAGE_WIDTH / embedded.width, PAGE_HEIGHT / embedded.height);
    const w = embedded.width * scale;
    const h = embedded.height * scale;
    cover.drawImage(embedded, {
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
  const title = bookText(book.title, fonts.bold);
  let coverY = centredBlock(cover, title, PAGE_HEIGHT * 0.4, fonts.bold, 24, 30, rgb(1, 1, 1));
  if (book.subtitle) {
    coverY = centredBlock(
      cover,
      bookText(book.subtitle, fonts.regular),
      coverY - 4,
      fonts.regular,
      13,
      17,
      rgb(0.92, 0.92, 0.92),
    );
  }
  centred(
    cover,
    bookText(book.author, fonts.regular),
    Math.min(coverY - 14, PAGE_HEIGHT * 0.15),
    fonts.regular,
    12,
    rgb(0.95, 0.95, 0.95),
  );
}

/** The title page: title, subtitle, author, the offline note when it applies, and the colophon line. */
function drawTitlePage(doc: PDFDocument, book: EbookBook, fonts: Fonts, labels: Labels): void {
  const titlePage = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  let y = centredBlock(
    titlePage,
    bookText(book.title, fonts.bold),
    PAGE_HEIGHT * 0.66,
    fonts.bold,
    22,
    28,
  );
  if (book.subtitle)
    y = centredBlock(
      titlePage,
      bookText(book.subtitle, fonts.regular),
      y - 6,
      fonts.regular,
      13,
      17,
      MUTED,
    );
  centred(titlePage, bookText(book.author, fonts.regular), y - 24, fonts.regular, 13);
  if (book.offline) {
    centredBlock(
      titlePage,
      bookText(labels.offline, fonts.regular),
      MARGIN_BOTTOM + 40,
      fonts.regular,
      9,
      12,
      MUTED,
    );
  }
  centred(titlePage, bookText(labels.made, fonts.regular), MARGIN_BOTTOM, fonts.regular, 9, MUTED);
}

/**
 * Reserves the table of contents' pages and lays its entries out: their heights do not
 * depend on the page numbers, which are drawn once the chapters are placed.
 */
function reserveContents(doc: PDFDocument, book: EbookBook, fonts: Fonts): Contents {
  const tocTitles = book.chapters.map((c, i) => bookText(`${i + 1}. ${c.title}`, fonts.regular));
  const entries: Contents['entries'] = [];
  let page = 0;
  let cursor = PAGE_HEIGHT - MARGIN_TOP - 48;
  for (const entry of tocTitles) {
    const lines = wrap(entry, fonts.regular, TOC_SIZE, TEXT_WIDTH - TOC_NUMBER_WIDTH);
    const height = lines.length * TOC_LEADING + 4;
    if (cursor - height < MARGIN_BOTTOM) {
      page++;
      cursor = PAGE_HEIGHT - MARGIN_TOP;
    }
    entries.push({ page, y: cursor, lines });
    cursor -= height;
  }
  const pageCount = (entries[entries.length - 1]?.page ?? 0) + 1;
  const pages = Array.from({ length: pageCount }, () => doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]));
  return { pages, entries };
}

/**
 * The chapters, each from a new page: its number, title and a short rule, then subheadings
 * (kept with what follows), justified paragraphs without orphans, and bullets. Returns each
 * chapter's first page.
 */
function drawChapters(doc: PDFDocument, book: EbookBook, fonts: Fonts, labels: Labels): PDFPage[] {
  const chapterPages: PDFPage[] = [];
  let page: PDFPage;
  let y = 0;
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
      bookText(`${labels.chapter} ${index + 1}`, fonts.regular),
      y,
      fonts.regular,
      11,
      MUTED,
    );
    y -= 30;
    y = centredBlock(page, bookText(chapter.title, fonts.bold), y, fonts.bold, 19, 24);
    page.drawRectangle({ x: PAGE_WIDTH / 2 - 20, y: y + 8, width: 40, height: 0.8, color: MUTED });
    y -= 22;
    let firstParagraph = true;
    for (const block of blocksOf(chapter.text)) {
      if (block.kind === 'heading') {
        const lines = wrap(bookText(block.text, fonts.bold), fonts.bold, 12, TEXT_WIDTH);
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
        bookText(block.text, fonts.regular),
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
          page.drawText(bookText('•', fonts.regular), {
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
  return chapterPages;
}

/**
 * The table of contents on its reserved pages, now that every chapter's page is known:
 * entries with dotted leaders to their page numbers (pages are numbered from the cover, as
 * readers show them), each a link to its chapter.
 */
function drawContents(
  doc: PDFDocument,
  contents: Contents,
  chapterPages: PDFPage[],
  fonts: Fonts,
  labels: Labels,
): void {
  const pages = doc.getPages();
  const numberOf = (p: PDFPage) => pages.indexOf(p) + 1;
  centred(
    contents.pages[0] as PDFPage,
    bookText(labels.contents, fonts.bold),
    PAGE_HEIGHT - MARGIN_TOP - 10,
    fonts.bold,
    16,
  );
  const dotWidth = measure(fonts.regular, '.', TOC_SIZE);
  contents.entries.forEach((entry, index) => {
    const tocPage = contents.pages[entry.page] as PDFPage;
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
}

/**
 * Page numbers on every page after the title page, and the book's title as a running
 * header on those that open neither a chapter nor the table of contents.
 */
function drawRunningHeads(
  doc: PDFDocument,
  book: EbookBook,
  fonts: Fonts,
  contents: Contents,
  chapterPages: PDFPage[],
): void {
  const header = bookText(
    book.title.length > 60 ? `${book.title.slice(0, 59)}…` : book.title,
    fonts.regular,
  );
  doc.getPages().forEach((p, i) => {
    if (i < 2) return;
    centred(p, String(i + 1), MARGIN_BOTTOM - 30, fonts.regular, 9, MUTED);
    if (!chapterPages.includes(p) && !contents.pages.includes(p)) {
      centred(p, header, PAGE_HEIGHT - MARGIN_TOP + 26, fonts.regular, 8, MUTED);
    }
  });
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
  setMetadata(doc, book);
  await drawCover(doc, book, fonts, options.cover);
  drawTitlePage(doc, book, fonts, labels);
  const contents = reserveContents(doc, book, fonts);
  const chapterPages = drawChapters(doc, book, fonts, labels);
  drawContents(doc, contents, chapterPages, fonts, labels);
  drawRunningHeads(doc, book, fonts, contents, chapterPages);
  // PDF bookmarks, one per chapter, so readers show the chapters in their side panel.
  addOutline(
    doc,
    book.chapters.map((c, i) => ({ title: c.title, page: chapterPages[i] as PDFPage })),
  );
  const pdf = await doc.save();
  return { pdf, pages: doc.getPageCount() };
}
