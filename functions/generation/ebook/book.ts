/** The book both formats are made from: its parts, its labels, and its text as blocks. */

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

export const LABELS = {
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

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'bullet'; text: string };

/** A chapter's text as blocks, with light Markdown (emphasis marks, fences) removed. */
export function blocksOf(text: string): Block[] {
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
