import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildEpub,
  type EbookBook,
  loadBookFonts,
  typesetEbook,
} from '../../functions/generation/ebook';
import { encodePng } from '../../functions/generation/encoders/png';
import {
  type EbookWriterInput,
  offlineChapter,
  offlineOutline,
} from '../../functions/generation/offline-writer';

const FONT_DIR = new URL('../../site/public/fonts/', import.meta.url);
const fonts = {
  regular: new Uint8Array(readFileSync(new URL('DejaVuSerif.ttf', FONT_DIR))),
  bold: new Uint8Array(readFileSync(new URL('DejaVuSerif-Bold.ttf', FONT_DIR))),
};

function frenchBook(): EbookBook {
  const input: EbookWriterInput = {
    title: 'Le jardin sur mon balcon',
    subject: 'Le jardinage urbain sur un petit balcon : plantes aromatiques, arrosage, lumière.',
    chapters: 10,
    tone: 'friendly',
    language: 'fr',
  };
  const outline = offlineOutline(input);
  return {
    title: outline.title,
    subtitle: 'Cultiver en ville, même sans jardin',
    author: 'Élodie Ménard',
    language: 'fr',
    offline: true,
    chapters: outline.chapters.map((chapter, i) => ({
      title: chapter.title,
      text:
        offlineChapter(input, outline, i) +
        (i === 2
          ? '\n\n## Une étape clé\n\n- arroser le soir\n- tailler au printemps\n\nÀ suivre.'
          : ''),
    })),
  };
}

/** The text of each page, through PDF.js (unpdf's serverless build). */
async function pageTexts(pdf: Uint8Array): Promise<{ pages: number; texts: string[] }> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const { totalPages, text } = await extractText(document, { mergePages: false });
  return { pages: totalPages, texts: text.map((t) => t.replace(/\s+/g, ' ')) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function checkBook(book: EbookBook, pdf: Uint8Array, pages: number): Promise<string[]> {
  const { pages: parsedPages, texts } = await pageTexts(pdf);
  expect(parsedPages).toBe(pages);
  const all = texts.join('\n');
  expect(all).toContain('é');
  expect(all).toContain(book.title);
  const tocStart = texts.findIndex((t) => t.includes('Table des matières'));
  expect(tocStart).toBe(2);
  const toc = texts.slice(tocStart, tocStart + 2).join(' ');
  book.chapters.forEach((chapter, i) => {
    expect(all).toContain(chapter.title);
    const match = toc.match(new RegExp(`${i + 1}\\. ${escapeRegExp(chapter.title)}[ .]*(\\d+)`));
    expect(match, `TOC entry for ${chapter.title}`).not.toBeNull();
    const page = Number(match?.[1]);
    expect(page).toBeGreaterThan(tocStart + 1);
    const target = texts[page - 1] as string;
    expect(target).toContain(`Chapitre ${i + 1}`);
    expect(target).toContain(chapter.title);
    // Running page number in the footer of that page.
    expect(target).toMatch(new RegExp(`\\b${page}\\b`));
  });
  return texts;
}

async function fontNames(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  const names: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('Font')) {
      names.push(String(object.get(PDFName.of('BaseFont'))));
    }
  }
  return names;
}

// Typesetting with fontkit takes seconds on a busy machine.
describe('typesetEbook', { timeout: 30_000 }, () => {
  let book: EbookBook;
  beforeAll(() => {
    book = frenchBook();
  });

  it('lays out a French book with standard fonts: TOC numbers point at the chapters', async () => {
    const { pdf, pages } = await typesetEbook(book);
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    // Cover, title page, contents, then at least a page per chapter.
    expect(pages).toBeGreaterThanOrEqual(13);
    const texts = await checkBook(book, pdf, pages);
    expect(texts[1]).toContain('modèle hors ligne de WeBox');
    expect(texts[1]).toContain('Élodie Ménard');
    expect((await fontNames(pdf)).join(' ')).toContain('Times-Roman');

    const doc = await PDFDocument.load(pdf);
    expect(doc.getTitle()).toBe(book.title);
    expect(doc.getAuthor()).toBe('Élodie Ménard');
    expect(String(doc.catalog.get(PDFName.of('Lang')))).toContain('fr-FR');
    expect(doc.catalog.get(PDFName.of('Outlines'))).toBeDefined();
  });

  it('embeds subsetted DejaVu fonts when given', async () => {
    const { pdf, pages } = await typesetEbook(book, { fonts });
    await checkBook(book, pdf, pages);
    const names = await fontNames(pdf);
    // pdf-lib names subsets "<family>-<tag>".
    expect(names.some((n) => /^\/DejaVuSerif-\d+$/.test(n))).toBe(true);
    expect(names.some((n) => n.includes('DejaVuSerif-Bold'))).toBe(true);
    expect(names.join(' ')).not.toContain('Times');
    // Subsetting keeps the file far below the two 360 KB fonts.
    expect(pdf.length).toBeLessThan(400_000);
  });

  it('puts a full-bleed cover image on page one and survives characters no font has', async () => {
    const cover = encodePng(
      40,
      60,
      new Uint8Array(40 * 60 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256)),
    );
    const odd: EbookBook = {
      ...book,
      chapters: [
        {
          title: 'Symboles 🙂 et 日本',
          text: 'Un texte avec un émoji 🙂, du japonais 日本 et « guillemets ».',
        },
      ],
    };
    const { pdf, pages } = await typesetEbook(odd, {
      cover: { bytes: cover, contentType: 'image/png' },
    });
    const doc = await PDFDocument.load(pdf);
    const images = [...doc.context.enumerateIndirectObjects()].filter(
      ([, o]) =>
        o instanceof PDFStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'),
    );
    expect(images.length).toBe(1);
    const { texts } = await pageTexts(pdf);
    expect(texts).toHaveLength(pages);
    expect(texts.join(' ')).toContain('guillemets');
  });
});

describe('buildEpub', () => {
  it('zips a valid EPUB 3: mimetype first and stored, nav lists every chapter', () => {
    const book = frenchBook();
    book.chapters[0] = { title: 'Sel & poivre <bis>', text: 'Du « sel » & du poivre.' };
    const cover = encodePng(4, 4, new Uint8Array(64).fill(128));
    const epub = buildEpub(
      book,
      { bytes: cover, contentType: 'image/png' },
      { modified: new Date('2026-01-02T03:04:05.678Z') },
    );

    // Local file header of the first entry: name "mimetype", method 0 (stored), no extra field.
    const view = new DataView(epub.buffer, epub.byteOffset, epub.byteLength);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(8, true)).toBe(0);
    const nameLength = view.getUint16(26, true);
    expect(view.getUint16(28, true)).toBe(0);
    expect(strFromU8(epub.subarray(30, 30 + nameLength))).toBe('mimetype');
    expect(strFromU8(epub.subarray(30 + nameLength, 30 + nameLength + 20))).toBe(
      'application/epub+zip',
    );

    const files = unzipSync(epub);
    const names = Object.keys(files);
    expect(names[0]).toBe('mimetype');
    expect(strFromU8(files.mimetype as Uint8Array)).toBe('application/epub+zip');
    expect(strFromU8(files['META-INF/container.xml'] as Uint8Array)).toContain(
      'full-path="OEBPS/content.opf"',
    );
    const opf = strFromU8(files['OEBPS/content.opf'] as Uint8Array);
    expect(opf).toContain('<dc:language>fr</dc:language>');
    expect(opf).toContain('<meta property="dcterms:modified">2026-01-02T03:04:05Z</meta>');
    expect(opf).toContain('properties="cover-image"');
    expect(opf).toContain('<dc:creator>Élodie Ménard</dc:creator>');
    expect(files['OEBPS/images/cover.png']).toEqual(cover);

    const nav = strFromU8(files['OEBPS/nav.xhtml'] as Uint8Array);
    expect(nav).toContain('Sel &amp; poivre &lt;bis&gt;');
    expect(nav).not.toContain('<bis>');
    book.chapters.forEach((chapter, i) => {
      const file = `chapter-${String(i + 1).padStart(2, '0')}.xhtml`;
      expect(opf).toContain(`href="${file}"`);
      expect(nav).toContain(`<a href="${file}">`);
      if (i > 0) expect(nav).toContain(chapter.title);
      expect(files[`OEBPS/${file}`]).toBeDefined();
    });
    expect(strFromU8(files['OEBPS/chapter-01.xhtml'] as Uint8Array)).toContain(
      '<p>Du « sel » &amp; du poivre.</p>',
    );
    expect(strFromU8(files['OEBPS/chapter-03.xhtml'] as Uint8Array)).toContain(
      '<li>arroser le soir</li>',
    );
    expect(strFromU8(files['OEBPS/title.xhtml'] as Uint8Array)).toContain('modèle hors ligne');
  });

  it('is valid without a cover', () => {
    const files = unzipSync(buildEpub({ ...frenchBook(), offline: false }));
    expect(Object.keys(files).some((n) => n.includes('cover'))).toBe(false);
    expect(strFromU8(files['OEBPS/content.opf'] as Uint8Array)).not.toContain('cover-image');
  });
});

describe('loadBookFonts', () => {
  const fetcher = (handler: (url: string) => Response) =>
    ({
      fetch: async (input: RequestInfo | URL) => handler(String(input)),
      connect: () => {
        throw new Error('no');
      },
    }) as unknown as Fetcher;

  it('fetches both fonts through the assets binding', async () => {
    const seen: string[] = [];
    const loaded = await loadBookFonts(
      fetcher((url) => {
        seen.push(url);
        return new Response(url.endsWith('Bold.ttf') ? fonts.bold : fonts.regular);
      }),
    );
    expect(seen.sort()).toEqual([
      'https://assets.local/fonts/DejaVuSerif-Bold.ttf',
      'https://assets.local/fonts/DejaVuSerif.ttf',
    ]);
    expect(loaded?.regular.length).toBe(fonts.regular.length);
    expect(loaded?.bold.length).toBe(fonts.bold.length);
  });

  it('gives undefined when the binding or a font is missing', async () => {
    expect(await loadBookFonts(undefined)).toBeUndefined();
    expect(
      await loadBookFonts(
        fetcher((url) =>
          url.endsWith('Bold.ttf')
            ? new Response('nope', { status: 404 })
            : new Response(fonts.regular),
        ),
      ),
    ).toBeUndefined();
    // The single-page-app fallback answers HTML for unknown paths.
    expect(
      await loadBookFonts(fetcher(() => new Response('<!doctype html><html></html>'))),
    ).toBeUndefined();
  });
});
