import { and, eq } from 'drizzle-orm';
import { type JobOutputFile, mediaFiles, products } from '../../db/schema';
import { saveGeneratedFile } from '../media/service';
import { streamChat } from '../models/providers';
import type { ChatMessage } from '../models/providers/types';
import { costMicros, requireModel, resolveProvider } from '../models/service';
import { countTokens, estimatePromptTokens } from '../models/tokens';
import type { Services } from '../platform/env';
import { buildEpub, loadBookFonts, typesetEbook } from './ebook/typeset';
import { thumbnailPng } from './encoders/png';
import type { JobRow, StepRow } from './engine';
import {
  adCopyPrompt,
  chapterPrompt,
  offlineAdCopy,
  offlineChapter,
  offlineOutline,
  offlineShortScript,
  outlinePrompt,
  parseAdCopy,
  parseOutline,
  parseShortScript,
  shortScriptPrompt,
} from './offline-writer';
import {
  imageProviders,
  MEDIA_MODELS,
  musicProviders,
  resolveMediaProvider,
  speechProviders,
  videoProviders,
} from './providers';
import {
  type GeneratedFile,
  type ImageRequest,
  type MediaProviderName,
  ProviderError,
  type SourceImage,
  type VideoRequest,
} from './providers/types';
import type {
  AdJobInput,
  AudioJobInput,
  EbookJobInput,
  ImageJobInput,
  JobInput,
  ShortJobInput,
  VideoJobInput,
} from './schemas';
import { signedCallbackUrl } from './webhooks';

/** What a finished step keeps: its files, data for the job's result, and what later steps read. */
export interface StepResult {
  files?: JobOutputFile[];
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface StepUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
  costMicros: number;
}

export interface StepContext {
  services: Services;
  job: JobRow;
  input: JobInput;
  step: StepRow;
  /** Results of the job's finished steps, by step number. */
  results: Map<number, StepResult>;
  steps: StepRow[];
  signal: AbortSignal;
  /** The Workers static assets (book fonts live there, not in the script). */
  assets?: Fetcher;
  /** The owner's language, for progress messages. */
  lang: 'fr' | 'en';
}

/** A progress message in the owner's language. */
const say = (context: Pick<StepContext, 'lang'>, en: string, fr: string) =>
  context.lang === 'fr' ? fr : en;

export type StepOutcome =
  | { status: 'done'; result: StepResult; usage?: StepUsage; message: string }
  | { status: 'waiting'; providerRef: string; delaySeconds: number; message: string };

/** Seconds between two polls of an asynchronous video provider. */
const pollSeconds = (context: StepContext) => context.services.secrets.JOB_POLL_SECONDS ?? 5;

function resultOf(context: StepContext, name: string, index?: number): StepResult {
  const row = context.steps.find(
    (step) => step.name === name && (index === undefined || step.params.index === index),
  );
  const result = row ? context.results.get(row.step) : undefined;
  if (!result) throw new Error(`step ${name}${index ?? ''} has no result`);
  return result;
}

async function storeFile(
  context: StepContext,
  file: GeneratedFile,
  options: { role: string; name: string; prompt?: string; index?: number },
): Promise<JobOutputFile> {
  const { job, step, services } = context;
  const suffix = `${step.step}-${options.index ?? 0}.${file.ext}`;
  const row = await saveGeneratedFile(services, {
    userId: job.userId,
    jobId: job.id,
    keySuffix: suffix,
    name: `${options.name}.${file.ext}`,
    bytes: file.bytes,
    contentType: file.contentType,
    prompt: options.prompt,
    width: file.width,
    height: file.height,
    durationMs: file.durationMs,
    thumbnail:
      file.contentType === 'image/png' ? (thumbnailPng(file.bytes) ?? undefined) : undefined,
  });
  return {
    mediaId: row.id,
    role: options.role,
    contentType: row.contentType,
    size: row.size,
    name: row.name,
  };
}

/** Reads one of the owner's images from R2 (variation source, product photo, first frame). */
async function ownImage(context: StepContext, mediaId: string): Promise<SourceImage> {
  const { services, job } = context;
  const [row] = await services.db
    .select()
    .from(mediaFiles)
    .where(and(eq(mediaFiles.id, mediaId), eq(mediaFiles.userId, job.userId)))
    .limit(1);
  const object = row ? await services.media.get(row.r2Key) : null;
  if (!row || !object) {
    throw new ProviderError('bad_request', 'The source image is gone from your media library.');
  }
  return { bytes: new Uint8Array(await object.arrayBuffer()), contentType: row.contentType };
}

function slugName(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-zA-Z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 48)
      .toLowerCase() || 'file'
  );
}

function mediaUsage(
  provider: MediaProviderName,
  model: string,
  cost: number,
): StepUsage | undefined {
  if (provider === 'offline') return undefined;
  return { provider, model, inputTokens: 0, outputTokens: 0, estimated: false, costMicros: cost };
}

function defaultModel(
  capability: keyof typeof MEDIA_MODELS,
  provider: MediaProviderName,
  chosen?: string,
): string {
  return chosen ?? MEDIA_MODELS[capability][provider]?.defaultModel ?? provider;
}

async function makeImages(
  context: StepContext,
  provider: MediaProviderName,
  request: Omit<ImageRequest, 'signal' | 'model'> & { model?: string },
  role: string,
  name: string,
): Promise<{ files: JobOutputFile[]; usage?: StepUsage }> {
  const { services, job } = context;
  const config = await resolveMediaProvider(services, job.userId, provider);
  const model = defaultModel('image', provider, request.model);
  const adapter = imageProviders[provider as keyof typeof imageProviders];
  if (!adapter) throw new ProviderError('bad_request', `${provider} does not make images.`);
  const result = await adapter.generateImages(
    { ...request, model, signal: context.signal },
    config,
  );
  const files: JobOutputFile[] = [];
  for (const [index, image] of result.images.entries()) {
    files.push(await storeFile(context, image, { role, name, prompt: request.prompt, index }));
  }
  return { files, usage: mediaUsage(provider, model, result.costMicros) };
}

/** One chat-model call collected to text, billed with the vendor's usage or an estimate. */
async function writeText(
  context: StepContext,
  slug: string,
  messages: ChatMessage[],
  offline: () => string,
  maxOutputTokens = 4000,
): Promise<{ text: string; usage?: StepUsage }> {
  const { services, job } = context;
  const model = await requireModel(services.db, slug);
  if (model.provider === 'offline') return { text: offline() };
  const { config } = await resolveProvider(services, job.userId, model.provider);
  let text = '';
  let reported: { inputTokens: number; outputTokens: number } | null = null;
  for await (const chunk of streamChat(
    model.provider,
    { model: model.modelId, messages, maxOutputTokens, signal: context.signal },
    config,
  )) {
    if (chunk.type === 'text') text += chunk.text;
    else reported = { inputTokens: chunk.inputTokens, outputTokens: chunk.outputTokens };
  }
  const tokens = reported ?? {
    inputTokens: await estimatePromptTokens(messages),
    outputTokens: await countTokens(text),
  };
  return {
    text,
    usage: {
      provider: model.provider,
      model: slug,
      ...tokens,
      estimated: reported === null,
      costMicros: costMicros(model, tokens.inputTokens, tokens.outputTokens),
    },
  };
}

function aspectToSize(aspect: string): ImageRequest['size'] {
  if (aspect === '9:16') return '1024x1536';
  if (aspect === '16:9') return '1536x1024';
  return '1024x1024';
}

/** Starts or polls a video; the same code serves the video kind, shorts and ads. */
async function makeVideo(
  context: StepContext,
  provider: MediaProviderName,
  request: Omit<VideoRequest, 'signal' | 'model' | 'callbackUrl'> & { model?: string },
  name: string,
): Promise<StepOutcome> {
  const { services, job, step } = context;
  const config = await resolveMediaProvider(services, job.userId, provider);
  const model = defaultModel('video', provider, request.model);
  const adapter = videoProviders[provider as keyof typeof videoProviders];
  if (!adapter) throw new ProviderError('bad_request', `${provider} does not make videos.`);
  const finish = async (file: GeneratedFile, cost: number): Promise<StepOutcome> => {
    const stored = await storeFile(context, file, { role: 'video', name, prompt: request.prompt });
    return {
      status: 'done',
      result: { files: [stored] },
      usage: mediaUsage(provider, model, cost),
      message: say(context, 'Video ready', 'Vidéo prête'),
    };
  };
  if (step.providerRef) {
    const [operationId = '', cost = '0'] = step.providerRef.split('|');
    const polled = await adapter.pollVideo(operationId, config, context.signal);
    if (polled.status === 'succeeded') return finish(polled.file, Number(cost));
    if (polled.status === 'failed') throw new ProviderError('bad_request', polled.message);
    return {
      status: 'waiting',
      providerRef: step.providerRef,
      delaySeconds: pollSeconds(context),
      message:
        polled.progress !== undefined
          ? say(
              context,
              `Rendering video… ${Math.round(polled.progress * 100)} %`,
              `Rendu de la vidéo… ${Math.round(polled.progress * 100)} %`,
            )
          : say(context, 'Rendering video…', 'Rendu de la vidéo…'),
    };
  }
  const started = await adapter.startVideo(
    {
      ...request,
      model,
      signal: context.signal,
      callbackUrl: await signedCallbackUrl(services, provider, job.id, step.step),
    },
    config,
  );
  if (started.kind === 'done') return finish(started.file, started.costMicros);
  return {
    status: 'waiting',
    // The cost travels with the operation id so the poll that finishes can bill it.
    providerRef: `${started.operationId}|${started.costMicros}`,
    delaySeconds: pollSeconds(context),
    message: say(context, 'Video requested from the provider…', 'Vidéo demandée au fournisseur…'),
  };
}

async function imageStep(context: StepContext, input: ImageJobInput): Promise<StepOutcome> {
  const source = input.sourceMediaId ? await ownImage(context, input.sourceMediaId) : undefined;
  const { files, usage } = await makeImages(
    context,
    input.provider,
    {
      prompt: input.prompt,
      negativePrompt: input.negativePrompt,
      model: input.model,
      size: input.size,
      quality: input.quality,
      style: input.style,
      n: input.n,
      source,
    },
    'image',
    slugName(input.prompt),
  );
  return {
    status: 'done',
    result: { files },
    usage,
    message:
      files.length > 1
        ? say(context, `${files.length} images ready`, `${files.length} images prêtes`)
        : say(context, 'Image ready', 'Image prête'),
  };
}

async function audioStep(context: StepContext, input: AudioJobInput): Promise<StepOutcome> {
  const { services, job } = context;
  const config = await resolveMediaProvider(services, job.userId, input.provider);
  let file: GeneratedFile;
  let cost: number;
  let model: string;
  if (input.mode === 'speech') {
    model = defaultModel('speech', input.provider, input.model);
    const adapter = speechProviders[input.provider as keyof typeof speechProviders];
    const result = await adapter.speak(
      {
        text: input.text,
        model,
        voice: input.voice ?? 'alloy',
        language: input.language,
        format: input.format,
        speed: input.speed,
        signal: context.signal,
      },
      config,
    );
    file = result.audio;
    cost = result.costMicros;
  } else {
    model = defaultModel('music', input.provider, input.model);
    const adapter = musicProviders[input.provider as keyof typeof musicProviders];
    if (!adapter) {
      throw new ProviderError('bad_request', `${input.provider} does not make music or sounds.`);
    }
    const result = await adapter.compose(
      {
        prompt: input.text,
        kind: input.mode,
        durationSeconds:
          input.mode === 'sfx' ? Math.min(22, input.durationSeconds) : input.durationSeconds,
        signal: context.signal,
      },
      config,
    );
    file = result.audio;
    cost = result.costMicros;
  }
  const stored = await storeFile(context, file, {
    role: 'audio',
    name: slugName(input.text),
    prompt: input.text,
  });
  return {
    status: 'done',
    result: { files: [stored] },
    usage: mediaUsage(input.provider, model, cost),
    message: say(context, 'Audio ready', 'Audio prêt'),
  };
}

async function videoStep(context: StepContext, input: VideoJobInput): Promise<StepOutcome> {
  const image = input.imageMediaId ? await ownImage(context, input.imageMediaId) : undefined;
  return makeVideo(
    context,
    input.provider,
    {
      prompt: input.prompt,
      model: input.model,
      durationSeconds: input.durationSeconds,
      resolution: input.resolution,
      aspectRatio: input.aspectRatio,
      image,
    },
    slugName(input.prompt),
  );
}

interface Outline {
  title: string;
  chapters: { title: string; summary: string }[];
}

async function ebookStep(context: StepContext, input: EbookJobInput): Promise<StepOutcome> {
  const { step } = context;
  const book = { ...input, audience: input.audience };
  switch (step.name) {
    case 'outline': {
      const { text, usage } = await writeText(
        context,
        input.model,
        outlinePrompt(book),
        () => JSON.stringify(offlineOutline(book)),
        2000,
      );
      const outline: Outline = parseOutline(text, input.chapters);
      return {
        status: 'done',
        result: { outline },
        usage,
        message: say(
          context,
          `Outline ready: ${outline.chapters.length} chapters`,
          `Plan prêt : ${outline.chapters.length} chapitres`,
        ),
      };
    }
    case 'chapter': {
      const index = Number(step.params.index);
      const outline = resultOf(context, 'outline').outline as Outline;
      const previous =
        index > 0 ? (resultOf(context, 'chapter', index - 1).summary as string) : undefined;
      const { text, usage } = await writeText(
        context,
        input.model,
        chapterPrompt(book, outline, index, previous),
        () => offlineChapter(book, outline, index),
      );
      const title = outline.chapters[index]?.title ?? `Chapter ${index + 1}`;
      return {
        status: 'done',
        result: { title, text: text.trim(), summary: outline.chapters[index]?.summary ?? title },
        usage,
        message: say(
          context,
          `Chapter ${index + 1} of ${input.chapters} written`,
          `Chapitre ${index + 1} sur ${input.chapters} écrit`,
        ),
      };
    }
    case 'cover': {
      const outline = resultOf(context, 'outline').outline as Outline;
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
    }
    case 'typeset':
    case 'epub': {
      const chapters = context.steps
        .filter((row) => row.name === 'chapter')
        .map((row) => context.results.get(row.step) as { title: string; text: string });
      const coverFile = resultOf(context, 'cover').files?.[0];
      const cover = coverFile ? await ownImage(context, coverFile.mediaId) : undefined;
      const model = await requireModel(context.services.db, input.model);
      const content = {
        title: input.title,
        subtitle: input.subject.length <= 120 ? input.subject : undefined,
        author: 'WeBox',
        language: input.language,
        chapters,
        offline: model.provider === 'offline',
      };
      const coverImage =
        cover && (cover.contentType === 'image/png' || cover.contentType === 'image/jpeg')
          ? { bytes: cover.bytes, contentType: cover.contentType as 'image/png' | 'image/jpeg' }
          : undefined;
      if (step.name === 'typeset') {
        const fonts = await loadBookFonts(context.assets);
        const { pdf, pages } = await typesetEbook(content, { fonts, cover: coverImage });
        const stored = await storeFile(
          context,
          { bytes: pdf, contentType: 'application/pdf', ext: 'pdf' },
          { role: 'pdf', name: slugName(input.title), prompt: input.subject },
        );
        return {
          status: 'done',
          result: { files: [stored], data: { pages, chapters: chapters.length } },
          message: say(context, `PDF typeset: ${pages} pages`, `PDF mis en page : ${pages} pages`),
        };
      }
      const epub = buildEpub(content, coverImage);
      const stored = await storeFile(
        context,
        { bytes: epub, contentType: 'application/epub+zip', ext: 'epub' },
        { role: 'epub', name: slugName(input.title), prompt: input.subject },
      );
      return {
        status: 'done',
        result: { files: [stored] },
        message: say(context, 'eBook ready (PDF and EPUB)', 'eBook prêt (PDF et EPUB)'),
      };
    }
  }
  throw new Error(`unknown ebook step ${step.name}`);
}

interface Script {
  title: string;
  scenes: { text: string; visual: string }[];
}

async function shortStep(context: StepContext, input: ShortJobInput): Promise<StepOutcome> {
  const { step } = context;
  switch (step.name) {
    case 'script': {
      const { text, usage } = await writeText(
        context,
        input.model,
        shortScriptPrompt(input),
        () => JSON.stringify(offlineShortScript(input)),
        2000,
      );
      const script: Script = parseShortScript(text, input.scenes);
      return {
        status: 'done',
        result: { script, data: { title: script.title, scenes: script.scenes.length } },
        usage,
        message: say(context, 'Script written', 'Script écrit'),
      };
    }
    case 'voice': {
      const script = resultOf(context, 'script').script as Script;
      const { services, job } = context;
      const config = await resolveMediaProvider(services, job.userId, input.speechProvider);
      const model = defaultModel('speech', input.speechProvider);
      const adapter = speechProviders[input.speechProvider as keyof typeof speechProviders];
      const { audio, costMicros: cost } = await adapter.speak(
        {
          text: script.scenes.map((scene) => scene.text).join(' '),
          model,
          voice: input.voice ?? 'alloy',
          language: input.language === 'fr' ? 'fr-FR' : 'en-US',
          format: 'mp3',
          signal: context.signal,
        },
        config,
      );
      const stored = await storeFile(context, audio, {
        role: 'voice',
        name: `${slugName(script.title)}-voice`,
        prompt: input.topic,
      });
      return {
        status: 'done',
        result: { files: [stored], durationMs: audio.durationMs ?? null },
        usage: mediaUsage(input.speechProvider, model, cost),
        message: say(context, 'Voice-over recorded', 'Voix off enregistrée'),
      };
    }
    case 'scene': {
      const index = Number(step.params.index);
      const script = resultOf(context, 'script').script as Script;
      const scene = script.scenes[index] ?? { text: input.topic, visual: input.topic };
      const { files, usage } = await makeImages(
        context,
        input.imageProvider,
        {
          prompt: scene.visual,
          size: aspectToSize(input.aspectRatio),
          quality: 'standard',
          style: 'vivid',
          n: 1,
          seed: index + 1,
        },
        'scene',
        `${slugName(script.title)}-scene-${index + 1}`,
      );
      return {
        status: 'done',
        result: { files, index },
        usage,
        message: say(
          context,
          `Scene ${index + 1} of ${input.scenes} drawn`,
          `Scène ${index + 1} sur ${input.scenes} dessinée`,
        ),
      };
    }
    case 'storyboard': {
      const script = resultOf(context, 'script').script as Script;
      const voice = resultOf(context, 'voice');
      const voiceFile = voice.files?.[0];
      const totalMs =
        typeof voice.durationMs === 'number' && voice.durationMs > 0
          ? voice.durationMs
          : input.durationSeconds * 1000;
      // Each scene lasts in proportion to its spoken text, so pictures follow the voice.
      const weights = script.scenes.map((scene) => Math.max(1, scene.text.length));
      const sum = weights.reduce((a, b) => a + b, 0);
      let at = 0;
      const scenes = script.scenes.map((scene, index) => {
        const startMs = Math.round(at);
        at += ((weights[index] ?? 1) / sum) * totalMs;
        const image = resultOf(context, 'scene', index).files?.[0];
        return {
          index,
          startMs,
          endMs: index === script.scenes.length - 1 ? totalMs : Math.round(at),
          text: scene.text,
          imageMediaId: image?.mediaId ?? null,
        };
      });
      const storyboard = {
        version: 1,
        title: script.title,
        language: input.language,
        aspectRatio: input.aspectRatio,
        durationMs: totalMs,
        voiceover: voiceFile ? { mediaId: voiceFile.mediaId } : null,
        scenes,
      };
      const stored = await storeFile(
        context,
        {
          bytes: new TextEncoder().encode(JSON.stringify(storyboard, null, 2)),
          contentType: 'application/json',
          ext: 'json',
        },
        { role: 'storyboard', name: `${slugName(script.title)}-storyboard`, prompt: input.topic },
      );
      return {
        status: 'done',
        result: { files: [stored] },
        message: input.videoProvider
          ? say(
              context,
              'Storyboard ready; rendering the clip…',
              'Storyboard prêt ; rendu du clip…',
            )
          : say(context, 'Short ready', 'Vidéo courte prête'),
      };
    }
    case 'render': {
      const script = resultOf(context, 'script').script as Script;
      const first = resultOf(context, 'scene', 0).files?.[0];
      const image = first ? await ownImage(context, first.mediaId) : undefined;
      return makeVideo(
        context,
        input.videoProvider ?? 'offline',
        {
          prompt: `${script.title}. ${script.scenes.map((scene) => scene.visual).join(' ')}`.slice(
            0,
            1900,
          ),
          durationSeconds: Math.min(10, input.durationSeconds),
          resolution: '720p',
          aspectRatio: input.aspectRatio,
          image,
        },
        `${slugName(script.title)}-clip`,
      );
    }
  }
  throw new Error(`unknown short step ${step.name}`);
}

interface AdVariant {
  headline: string;
  body: string;
  cta: string;
}

async function productOf(
  context: StepContext,
  input: AdJobInput,
): Promise<{ name: string; description: string; photo?: SourceImage }> {
  if (input.productId) {
    const [product] = await context.services.db
      .select()
      .from(products)
      .where(eq(products.id, input.productId))
      .limit(1);
    if (!product) throw new ProviderError('bad_request', 'The product no longer exists.');
    const fr = input.language === 'fr';
    const key = product.imageKeys[0];
    const object = key ? await context.services.media.get(key) : null;
    return {
      name: fr ? product.nameFr : product.nameEn,
      description: fr ? product.descriptionFr : product.descriptionEn,
      photo: object
        ? {
            bytes: new Uint8Array(await object.arrayBuffer()),
            contentType: object.httpMetadata?.contentType ?? 'image/png',
          }
        : undefined,
    };
  }
  const photo = input.photoMediaId ? await ownImage(context, input.photoMediaId) : undefined;
  return { name: '', description: '', photo };
}

async function adStep(context: StepContext, input: AdJobInput): Promise<StepOutcome> {
  const { step } = context;
  switch (step.name) {
    case 'copy': {
      const product = await productOf(context, input);
      const request = {
        brief: input.brief,
        productName: product.name || undefined,
        productDescription: product.description || undefined,
        adType: input.adType,
        durationSeconds: input.durationSeconds,
        language: input.language,
        variants: input.variants,
      };
      const { text, usage } = await writeText(
        context,
        input.model,
        adCopyPrompt(request),
        () => JSON.stringify(offlineAdCopy(request)),
        1500,
      );
      const variants: AdVariant[] = parseAdCopy(text, input.variants);
      return {
        status: 'done',
        result: { variants, data: { variants, productName: product.name || null } },
        usage,
        message: say(
          context,
          `${variants.length} copy variants written`,
          `${variants.length} variantes de texte écrites`,
        ),
      };
    }
    case 'visual': {
      const index = Number(step.params.index);
      const variants = resultOf(context, 'copy').variants as AdVariant[];
      const variant = variants[index % variants.length];
      const product = await productOf(context, input);
      const scene =
        input.adType === 'showcase'
          ? 'studio product shot, clean background, soft light'
          : 'lifestyle scene, the product in everyday use, natural light';
      const { files, usage } = await makeImages(
        context,
        input.imageProvider,
        {
          prompt: `${product.name ? `${product.name}: ` : ''}${input.brief}. ${scene}. Mood: ${variant?.headline ?? ''}`,
          size: '1024x1024',
          quality: 'standard',
          style: input.adType === 'showcase' ? 'natural' : 'vivid',
          n: 1,
          seed: index + 1,
          source: product.photo,
        },
        'image',
        `ad-${index + 1}`,
      );
      return {
        status: 'done',
        result: { files },
        usage,
        message: say(
          context,
          `Visual ${index + 1} of ${input.variants} ready`,
          `Visuel ${index + 1} sur ${input.variants} prêt`,
        ),
      };
    }
    case 'ad-video': {
      const first = resultOf(context, 'visual', 0).files?.[0];
      const image = first ? await ownImage(context, first.mediaId) : undefined;
      const variants = resultOf(context, 'copy').variants as AdVariant[];
      return makeVideo(
        context,
        input.videoProvider ?? 'offline',
        {
          prompt: `${input.brief}. ${variants[0]?.headline ?? ''}`.slice(0, 1900),
          durationSeconds: Math.min(10, input.durationSeconds),
          resolution: '720p',
          aspectRatio: '1:1',
          image,
        },
        'ad-video',
      );
    }
  }
  throw new Error(`unknown ad step ${step.name}`);
}

/** Runs the work of one step; throws ProviderError for a provider's failure. */
export async function executeStep(context: StepContext): Promise<StepOutcome> {
  const input = context.input;
  switch (input.kind) {
    case 'image':
      return imageStep(context, input);
    case 'audio':
      return audioStep(context, input);
    case 'video':
      return videoStep(context, input);
    case 'ebook':
      return ebookStep(context, input);
    case 'short':
      return shortStep(context, input);
    case 'ad':
      return adStep(context, input);
  }
}
