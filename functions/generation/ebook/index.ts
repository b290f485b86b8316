/**
 * eBook files: a typeset PDF (pdf-lib) and an EPUB 3 (fflate), made from the same book.
 *
 * book.ts        the book's parts, labels, and its text as blocks
 * pdf.ts         the PDF, one function per section (cover, title page, contents, chapters...)
 * pdf-layout.ts  the PDF's page geometry, line breaking, links and bookmarks
 * epub.ts        the EPUB, one function per file
 * fonts.ts       the book fonts from the site's static assets
 */
export type { BookFonts, EbookBook, EbookChapter, EbookCover } from './book';
export { buildEpub } from './epub';
export { loadBookFonts } from './fonts';
export { typesetEbook } from './pdf';
