/**
 * The eBook as an EPUB 3 (fflate): the container, the package document, a navigation
 * document (plus an NCX for older readers), the cover, the title page and one XHTML file per
 * chapter. One function per file; `buildEpub` zips them. All text is escaped.
 */
import { zipSync } from 'fflate';
import { hashOf } from '../providers/offline-draw';
import { blocksOf, type EbookBook, type EbookChapter, type EbookCover, LABELS } from './book';

type Labels = (typeof LABELS)[EbookBook['language']];

/** What every part of the package needs to know about the book's files. */
interface Package {
  book: EbookBook;
  labels: Labels;
  /** The book's stable identifier (a UUID derived from its title and author). */
  id: string;
  /** dcterms:modified, to the second. */
  modified: string;
  cover?: EbookCover;
  coverExt: 'png' | 'jpg';
}

const chapterFile = (i: number) => `chapter-${String(i + 1).padStart(2, '0')}.xhtml`;

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

/** The container file that points readers at the package document. */
function containerXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
`;
}

/** The package document: metadata, the manifest of every file, and the reading order. */
function packageDocument({ book, id, modified, cover, coverExt }: Package): string {
  const lang = book.language;
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
  return `<?xml version="1.0" encoding="UTF-8"?>
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
}

/** The navigation document: the table of contents readers show. */
function navDocument({ book, labels }: Package): string {
  return xhtml(
    book.language,
    labels.contents,
    `<nav epub:type="toc" id="toc">
<h1>${xml(labels.contents)}</h1>
<ol>
${book.chapters.map((c, i) => `<li><a href="${chapterFile(i)}">${xml(c.title)}</a></li>`).join('\n')}
</ol>
</nav>`,
  );
}

/** The NCX table of contents, for EPUB 2 readers. */
function ncxDocument({ book, id }: Package): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="${book.language}">
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
}

/** The cover page: the cover image alone. */
function coverPage({ book, coverExt }: Package): string {
  return xhtml(
    book.language,
    book.title,
    `<div class="cover"><img src="images/cover.${coverExt}" alt="${xml(book.title)}"/></div>`,
  );
}

/** The title page: title, subtitle, author, and the offline note when it applies. */
function titlePage({ book, labels }: Package): string {
  return xhtml(
    book.language,
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
}

/** One chapter's page. */
function chapterPage({ book, labels }: Package, chapter: EbookChapter, index: number): string {
  return xhtml(book.language, chapter.title, chapterBody(chapter, index, labels.chapter));
}

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
  const seed = hashOf(book.title, hashOf(book.author), book.chapters.length);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const pkg: Package = {
    book,
    labels: LABELS[book.language],
    id: `urn:uuid:${hex(seed)}-${hex(hashOf(book.title, 1)).slice(0, 4)}-4${hex(hashOf(book.author, 2)).slice(0, 3)}-a${hex(seed ^ 0x5bd1e995).slice(0, 3)}-${hex(hashOf(book.title, 3))}${hex(hashOf(book.author, 4)).slice(0, 4)}`,
    modified: (options.modified ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    cover,
    coverExt: cover?.contentType === 'image/png' ? 'png' : 'jpg',
  };
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {
    mimetype: [encoder.encode('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': encoder.encode(containerXml()),
    'OEBPS/content.opf': encoder.encode(packageDocument(pkg)),
    'OEBPS/nav.xhtml': encoder.encode(navDocument(pkg)),
    'OEBPS/toc.ncx': encoder.encode(ncxDocument(pkg)),
    'OEBPS/style.css': encoder.encode(STYLE),
    'OEBPS/title.xhtml': encoder.encode(titlePage(pkg)),
  };
  if (cover) {
    files[`OEBPS/images/cover.${pkg.coverExt}`] = [cover.bytes, { level: 0 }];
    files['OEBPS/cover.xhtml'] = encoder.encode(coverPage(pkg));
  }
  book.chapters.forEach((chapter, i) => {
    files[`OEBPS/${chapterFile(i)}`] = encoder.encode(chapterPage(pkg, chapter, i));
  });
  return zipSync(files, { level: 6 });
}
