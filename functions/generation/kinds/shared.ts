import { and, eq } from 'drizzle-orm';
import {
  type GenerationJobRow,
  type GenerationStepRow,
  type JobOutputFile,
  mediaFiles,
} from '../../../db/schema';
import { saveGeneratedFile } from '../../media/service';
import { costMicros } from '../../models/pricing';
import { streamChat } from '../../models/providers';
import type { ChatMessage } from '../../models/providers/types';
import { requireModel, resolveProvider } from '../../models/service';
import { countTokens, estimatePromptTokens } from '../../models/tokenizer';
import type { Services } from '../../platform/env';
import { thumbnailPng } from '../encoders/png';
import { imageProviders, MEDIA_MODELS, resolveMediaProvider, videoProviders } from '../providers';
import {
  type GeneratedFile,
  type ImageRequest,
  type MediaProviderName,
  ProviderError,
  type SourceImage,
  type VideoRequest,
} from '../providers/types';
import type { JobInput } from '../schemas';
import { signedCallbackUrl } from '../webhooks';

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
  job: GenerationJobRow;
  input: JobInput;
  step: GenerationStepRow;
  /** Results of the job's finished steps, by step number. */
  results: Map<number, StepResult>;
  steps: GenerationStepRow[];
  signal: AbortSignal;
  /** The Workers static assets (book fonts live there, not in the script). */
  assets?: Fetcher;
  /** The owner's language, for progress messages. */
  lang: 'fr' | 'en';
}

export type StepOutcome<R extends StepResult = StepResult> =
  | { status: 'done'; result: R; usage?: StepUsage; message: string }
  | { status: 'waiting'; providerRef: string; delaySeconds: number; message: string };

/** One planned step: its name and the parameters fixed when the job is created. */
export interface PlannedStep<N extends string = string> {
  name: N;
  params: Record<string, unknown>;
}

/** A kind's step results by step name: one typed result (a type alias) per step. */
export type StepResults<R> = { [N in keyof R]: StepResult };

/** The context a kind's step sees: its own input and typed reads of earlier steps' results. */
export interface KindContext<I extends JobInput, R extends StepResults<R>> extends StepContext {
  input: I;
  /** The result of the finished step `name` (the `index`-th one for repeated steps). */
  result<N extends keyof R & string>(name: N, index?: number): R[N];
  /** The results of every step named `name`, in plan order. */
  resultsOf<N extends keyof R & string>(name: N): R[N][];
}

/**
 * A job kind: its plan (fixed at creation so progress is honest and every step is its own
 * QStash callback) and one executor per step name, each with its typed result. A new kind is
 * one module exporting a `JobKind` plus one line in `kinds/index.ts`.
 */
export interface JobKind<I extends JobInput, R extends StepResults<R>> {
  plan(input: I): PlannedStep<keyof R & string>[];
  steps: { [N in keyof R]: (context: KindContext<I, R>) => Promise<StepOutcome<R[N]>> };
  /** How long a job may go without a step finishing before the sweeper fails it. */
  deadlineMs?(input: I): number;
}

/** Builds a kind with its types checked (step names, results) and nothing else. */
export const defineKind = <I extends JobInput, R extends StepResults<R>>(
  kind: JobKind<I, R>,
): JobKind<I, R> => kind;

/** `count` repeated steps `name` with their `index`. */
export const repeated = <N extends string>(name: N, count: number): PlannedStep<N>[] =>
  Array.from({ length: count }, (_, index) => ({ name, params: { index } }));

/** The index parameter of a repeated step. */
export const stepIndex = (context: StepContext) => Number(context.step.params.index);

/** A progress message in the owner's language. */
export const say = (context: Pick<StepContext, 'lang'>, en: string, fr: string) =>
  context.lang === 'fr' ? fr : en;

/** Seconds between two polls of an asynchronous video provider. */
const pollSeconds = (context: StepContext) => context.services.secrets.JOB_POLL_SECONDS ?? 5;

/** Marks a file name made by WeBox's offline generator: `name-offline.ext`. */
export const offlineName = (name: string, offline: boolean) => (offline ? `${name}-offline` : name);

export async function storeFile(
  context: StepContext,
  file: GeneratedFile,
  options: { role: string; name: string; prompt?: string; index?: number; offline: boolean },
): Promise<JobOutputFile> {
  const { job, step, services } = context;
  const suffix = `${step.step}-${options.index ?? 0}.${file.ext}`;
  const row = await saveGeneratedFile(services, {
    userId: job.userId,
    jobId: job.id,
    keySuffix: suffix,
    name: `${offlineName(options.name, options.offline)}.${file.ext}`,
    bytes: file.bytes,
    contentType: file.contentType,
    prompt: options.prompt,
    width: file.width,
    height: file.height,
    durationMs: file.durationMs,
    offline: options.offline,
    thumbnail:
      file.contentType === 'image/png' ? (thumbnailPng(file.bytes) ?? undefined) : undefined,
  });
  return {
    mediaId: row.id,
    role: options.role,
    contentType: row.contentType,
    size: row.size,
    name: row.name,
    offline: options.offline,
  };
}

/** Reads one of the owner's images from R2 (variation source, product photo, first frame). */
export async function ownImage(context: StepContext, mediaId: string): Promise<SourceImage> {
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

export function slugName(text: string): string {
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

export function mediaUsage(
  provider: MediaProviderName,
  model: string,
  cost: number,
): StepUsage | undefined {
  if (provider === 'offline') return undefined;
  return { provider, model, inputTokens: 0, outputTokens: 0, estimated: false, costMicros: cost };
}

export function defaultModel(
  capability: keyof typeof MEDIA_MODELS,
  provider: MediaProviderName,
  chosen?: string,
): string {
  return chosen ?? MEDIA_MODELS[capability][provider]?.defaultModel ?? provider;
}

export async function makeImages(
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
  const offline = provider === 'offline';
  for (const [index, image] of result.images.entries()) {
    files.push(
      await storeFile(context, image, { role, name, prompt: request.prompt, index, offline }),
    );
  }
  return { files, usage: mediaUsage(provider, model, result.costMicros) };
}

/**
 * One chat-model call collected to text, billed with the vendor's usage or an estimate;
 * `offline` says the text came from WeBox's offline writer.
 */
export async function writeText(
  context: StepContext,
  slug: string,
  messages: ChatMessage[],
  offline: () => string,
  maxOutputTokens = 4000,
): Promise<{ text: string; offline: boolean; usage?: StepUsage }> {
  const { services, job } = context;
  const model = await requireModel(services.db, slug);
  if (model.provider === 'offline') return { text: offline(), offline: true };
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
    offline: false,
    usage: {
      provider: model.provider,
      model: slug,
      ...tokens,
      estimated: reported === null,
      costMicros: costMicros(model, tokens.inputTokens, tokens.outputTokens),
    },
  };
}

export function aspectToSize(aspect: string): ImageRequest['size'] {
  if (aspect === '9:16') return '1024x1536';
  if (aspect === '16:9') return '1536x1024';
  return '1024x1024';
}

/** Starts or polls a video; the same code serves the video kind, shorts and ads. */
export async function makeVideo(
  context: StepContext,
  provider: MediaProviderName,
  request: Omit<VideoRequest, 'signal' | 'model' | 'callbackUrl'> & { model?: string },
  name: string,
): Promise<StepOutcome<{ files: JobOutputFile[] }>> {
  const { services, job, step } = context;
  const config = await resolveMediaProvider(services, job.userId, provider);
  const model = defaultModel('video', provider, request.model);
  const adapter = videoProviders[provider as keyof typeof videoProviders];
  if (!adapter) throw new ProviderError('bad_request', `${provider} does not make videos.`);
  const finish = async (
    file: GeneratedFile,
    cost: number,
  ): Promise<StepOutcome<{ files: JobOutputFile[] }>> => {
    const stored = await storeFile(context, file, {
      role: 'video',
      name,
      prompt: request.prompt,
      offline: provider === 'offline',
    });
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
