/**
 * The text side of eBooks, shorts and ads: prompts and strict parsers for real chat models,
 * and a deterministic offline writer used when the chosen chat model is WeBox's offline one.
 * The offline writer assembles real sentences around the user's subject; the first chapter
 * says plainly that it was written offline.
 *
 * types.ts     inputs, outputs and the shape of a language's corpus
 * corpus-*.ts  every sentence the offline writer can write, one file per language
 * offline.ts   the offline writer (outline, chapters, short scripts, ad copy)
 * prompts.ts   messages for real chat models
 * parsers.ts   reading real chat models' answers
 */
export {
  OFFLINE_WRITER_NOTE,
  offlineAdCopy,
  offlineChapter,
  offlineOutline,
  offlineShortScript,
} from './offline';
export { cleanChapter, extractJson, parseAdCopy, parseOutline, parseShortScript } from './parsers';
export { adCopyPrompt, chapterPrompt, outlinePrompt, shortScriptPrompt } from './prompts';
export type {
  AdCopyInput,
  AdVariant,
  EbookWriterInput,
  Outline,
  ShortScript,
  ShortScriptInput,
  WriterLanguage,
  WriterTone,
} from './types';
