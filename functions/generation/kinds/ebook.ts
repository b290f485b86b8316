import type { JobOutputFile } from '../../../db/schema';
import { requireModel } from '../../models/service';
import { buildEpub, loadBookFonts, typesetEbook } from '../ebook';
import {
  chapterPrompt,
  type Outline,
  offlineChapter,
  offlineOutline,
  outlinePrompt,
  parseOutline,
} from '../offline-writer';
import type { EbookJobInput } from '../schemas';
import {
  defineKind,
  type KindContext,
  makeImages,
  ownImage,
  repeated,
  say,
  slugName,
  stepIndex,
  storeFile,
  writeText,
} from './shared';

type EbookResults = {
  outline: { outline: Outline; offline: boolean };
  chapter: { title: string; text: string; summary: string; offline: boolean };
  cover: { files: JobOutputFile[] };
  typeset: { files: JobOutputFile[]; data: { pages: number; chapters: number } };
  epub: { files: JobOutputFile[] };
};

type EbookContext = KindContext<EbookJobInput, EbookResults>;

/** The book both the PDF and the EPUB steps lay out: its chapters, cover and offline flag. */
async function bookContent(context: EbookContext) {
  const { input } = context;
  const chapters = context.resultsOf('chapter');
  const coverFile = context.result('cover').files[0];
  const cover = coverFile ? await ownImage(context, coverFile.mediaId) : undefined;
  const model = await requireModel(context.services.db, input.model);
  const content = {
    title: input.title,
    subtitle: input.subject.length <= 120 ? input.subject : undefined,
    author: 'WeBox',
    language: input.language,
    chapters: chapters.map(({ title, text }) => ({ title, text })),
    offline: model.provider === 'offline',
  };
  const coverImage =
    cover && (cover.contentType === 'image/png' || cover.contentType === 'image/jpeg')
      ? { bytes: cover.bytes, contentType: cover.contentType as 'image/png' | 'image/jpeg' }
      : undefined;
  return { content, coverImage };
}

/** An eBook: outline, one step per chapter, cover, then the PDF and the EPUB. */
export const ebookKind = defineKind<EbookJobInput, EbookResults>({
  plan: (input) => [
    { name: 'outline', params: {} },
    ...repeated('chapter', input.chapters),
    { name: 'cover', params: {} },
    { name: 'typeset', params: {} },
    { name: 'epub', params: {} },
  ],
  steps: {
    async outline(context) {
      const { input } = context;
      const { text, usage, offline } = await writeBook(context, 'outline');
      const outline = parseOutline(text, input.chapters);
      return {
        status: 'done',
        result: { outline, offline },
        usage,
        message: say(
          context,
          `Outline ready: ${outline.chapters.length} chapters`,
          `Plan prêt : ${outline.chapters.length} chapitres`,
        ),
      };
    },
    async chapter(context) {
      const { input } = context;
      const index = stepIndex(context);
      const { outline } = context.result('outline');
      const { text, usage, offline } = await writeBook(context, 'chapter');
      const title = outline.chapters[index]?.title ?? `Chapter ${index + 1}`;
      return {
        status: 'done',
        result: {
          title,
          text: text.trim(),
          summary: outline.chapters[index]?.summary ?? title,
          offline,
        },
        usage,
        message: say(
          context,
          `Chapter ${index + 1} of ${input.chapters} written`,
          `Chapitre ${index + 1} sur ${input.chapters} écrit`,
        ),
      };
    },
    async cover(context) {
      const { input } = context;
      const { outline } = context.result('outline');
      const { files, usage } = await makeImages(
        context,
        input.imageProvider,
        {
          prompt: `Book cover illustration for "${outline.title || input.title}": ${input.subject}. No text.`,
          size: '1024x1536',
          quality: 'standard',
          style: 'vivid',
          n: 1,
        },
        'cover',
        `${slugName(input.title)}-cover`,
      );
      return {
        status: 'done',
        result: { files },
        usage,
        message: say(context, 'Cover ready', 'Couverture prête'),
      };
    },
    async typeset(context) {
      const { input } = context;
      const { content, coverImage } = await bookContent(context);
      const fonts = await loadBookFonts(context.assets);
      const { pdf, pages } = await typesetEbook(content, { fonts, cover: coverImage });
      const stored = await storeFile(
        context,
        { bytes: pdf, contentType: 'application/pdf', ext: 'pdf' },
        {
          role: 'pdf',
          name: slugName(input.title),
          prompt: input.subject,
          offline: content.offline,
        },
      );
      return {
        status: 'done',
        result: { files: [stored], data: { pages, chapters: content.chapters.length } },
        message: say(context, `PDF typeset: ${pages} pages`, `PDF mis en page : ${pages} pages`),
      };
    },
    async epub(context) {
      const { input } = context;
      const { content, coverImage } = await bookContent(context);
      const stored = await storeFile(
        context,
        { bytes: buildEpub(content, coverImage), contentType: 'application/epub+zip', ext: 'epub' },
        {
          role: 'epub',
          name: slugName(input.title),
          prompt: input.subject,
          offline: content.offline,
        },
      );
      return {
        status: 'done',
        result: { files: [stored] },
        message: say(context, 'eBook ready (PDF and EPUB)', 'eBook prêt (PDF et EPUB)'),
      };
    },
  },
});

/** Writes the outline or the current chapter with the job's chat model (or offline). */
async function writeBook(context: EbookContext, part: 'outline' | 'chapter') {
  const { input } = context;
  const book = { ...input, audience: input.audience };
  if (part === 'outline') {
    return writeText(
      context,
      input.model,
      outlinePrompt(book),
      () => JSON.stringify(offlineOutline(book)),
      2000,
    );
  }
  const index = stepIndex(context);
  const { outline } = context.result('outline');
  const previous = index > 0 ? context.result('chapter', index - 1).summary : undefined;
  return writeText(context, input.model, chapterPrompt(book, outline, index, previous), () =>
    offlineChapter(book, outline, index),
  );
}
