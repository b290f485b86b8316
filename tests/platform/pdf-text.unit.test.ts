import { readFileSync } from 'node:fs';
import { PDFDocument, type PDFFont, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../functions/platform/pdf-text';

const FONT_DIR = new URL('../../site/public/fonts/', import.meta.url);

describe('pdfText: text a PDF font can draw', () => {
  let doc: PDFDocument;
  let helvetica: PDFFont;
  let dejavu: PDFFont;

  beforeAll(async () => {
    doc = await PDFDocument.create();
    helvetica = await doc.embedFont(StandardFonts.Helvetica);
    const { default: fontkit } = await import('@pdf-lib/fontkit');
    doc.registerFontkit(fontkit);
    dejavu = await doc.embedFont(
      new Uint8Array(readFileSync(new URL('DejaVuSerif.ttf', FONT_DIR))),
      {
        subset: true,
      },
    );
  });

  it('keeps common French accents, quotes, dashes and the euro sign', () => {
    const french =
      'Élodie à côté de l’église : « ça » — œuvre, Noël, 12,50 € ; ÀÂÇÈÉÊËÎÏÔÙÛÜŸàâçèéêëîïôùûüÿæÆŒ';
    expect(pdfText(french, helvetica)).toBe(french);
    expect(pdfText(french, dejavu)).toBe(french);
  });

  it('replaces a character the font lacks: accents stripped when the bare letter exists, else "?"', () => {
    // WinAnsi has neither Ł, ź, ā, ş nor any emoji.
    expect(pdfText('Łódź', helvetica)).toBe('?ódz');
    expect(pdfText('ā ş', helvetica)).toBe('a s');
    expect(pdfText('ok 😀', helvetica)).toBe('ok ?');
    expect(pdfText('α', helvetica)).toBe('?');
    // A font that has the glyph keeps it.
    expect(pdfText('Łódź', dejavu)).toBe('Łódź');
  });

  it('falls back to a drawable space for typographic spaces the font lacks', () => {
    // WinAnsi has the no-break space but neither the narrow nor the thin one.
    expect(pdfText('«\u202fa\u202f»', helvetica)).toBe('«\u00a0a\u00a0»');
    expect(pdfText('1\u20093', helvetica)).toBe('1 3');
  });

  it('turns tabs and line breaks into spaces and drops other control characters', () => {
    expect(pdfText('a\tb\nc\r\nd\u0007e', helvetica)).toBe('a b c de');
  });

  it('gives text pdf-lib can draw where the original would throw', () => {
    const page = doc.addPage();
    const text = 'Łukasz — 😀 ā\u202f« x »\u2009\u0001';
    expect(() => page.drawText(text, { font: helvetica })).toThrow();
    expect(() => page.drawText(pdfText(text, helvetica), { font: helvetica })).not.toThrow();
    expect(() => page.drawText(pdfText(text, dejavu), { font: dejavu })).not.toThrow();
  });
});
