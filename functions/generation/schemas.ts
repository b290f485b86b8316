import { z } from '@hono/zod-openapi';

const uuid = z.string().uuid();
const chatModel = z.string().min(3).max(120).openapi({
  example: 'offline/offline-detailed',
  description: 'A chat model slug (GET /api/models).',
});
const imageProvider = z.enum(['offline', 'openai', 'google', 'stability']);
const speechProvider = z.enum(['offline', 'openai', 'elevenlabs']);
const videoProvider = z.enum(['offline', 'google', 'runway', 'luma']);
const bookLanguage = z.enum(['fr', 'en']);
const modelId = z.string().min(1).max(120).optional();

export const ImageJobSchema = z.object({
  kind: z.literal('image'),
  provider: imageProvider,
  model: modelId,
  prompt: z.string().trim().min(1).max(4000),
  negativePrompt: z.string().trim().max(2000).optional(),
  size: z.enum(['1024x1024', '1536x1024', '1024x1536']).default('1024x1024'),
  quality: z.enum(['standard', 'hd']).default('standard'),
  style: z.enum(['vivid', 'natural']).default('vivid'),
  n: z.number().int().min(1).max(4).default(1),
  sourceMediaId: uuid.optional().openapi({ description: 'Make variations of one of your images.' }),
});

export const AudioJobSchema = z.object({
  kind: z.literal('audio'),
  mode: z.enum(['speech', 'music', 'sfx']),
  provider: speechProvider,
  model: modelId,
  text: z.string().trim().min(1).max(4000),
  voice: z.string().trim().min(1).max(80).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .default('fr-FR'),
  format: z.enum(['mp3', 'wav', 'opus']).default('mp3'),
  speed: z.number().min(0.5).max(2).default(1),
  durationSeconds: z.number().int().min(1).max(120).default(10),
});

export const VideoJobSchema = z.object({
  kind: z.literal('video'),
  provider: videoProvider,
  model: modelId,
  prompt: z.string().trim().min(1).max(2000),
  durationSeconds: z.number().int().min(4).max(10).default(5),
  resolution: z.enum(['720p', '1080p']).default('720p'),
  aspectRatio: z.enum(['16:9', '9:16', '1:1']).default('16:9'),
  imageMediaId: uuid.optional().openapi({ description: 'Image-to-video: one of your images.' }),
});

export const EbookJobSchema = z.object({
  kind: z.literal('ebook'),
  model: chatModel,
  imageProvider: imageProvider.default('offline'),
  title: z.string().trim().min(1).max(200),
  subject: z.string().trim().min(1).max(2000),
  chapters: z.number().int().min(1).max(20).default(5),
  tone: z
    .enum(['informative', 'friendly', 'professional', 'inspiring', 'humorous'])
    .default('informative'),
  language: bookLanguage.default('fr'),
  audience: z.string().trim().max(200).optional(),
});

export const ShortJobSchema = z.object({
  kind: z.literal('short'),
  model: chatModel,
  imageProvider: imageProvider.default('offline'),
  speechProvider: speechProvider.default('offline'),
  videoProvider: videoProvider.optional().openapi({ description: 'Also render an MP4 clip.' }),
  topic: z.string().trim().min(1).max(1000),
  scenes: z.number().int().min(3).max(8).default(5),
  durationSeconds: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
  language: bookLanguage.default('fr'),
  voice: z.string().trim().min(1).max(80).optional(),
  aspectRatio: z.enum(['9:16', '16:9', '1:1']).default('9:16'),
});

export const AdJobSchema = z
  .object({
    kind: z.literal('ad'),
    model: chatModel,
    imageProvider: imageProvider.default('offline'),
    productId: uuid.optional(),
    photoMediaId: uuid.optional(),
    brief: z.string().trim().min(1).max(2000),
    adType: z.enum(['showcase', 'lifestyle']).default('showcase'),
    durationSeconds: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(15),
    variants: z.number().int().min(1).max(4).default(3),
    withVideo: z.boolean().default(false),
    videoProvider: videoProvider.optional(),
    language: bookLanguage.default('fr'),
  })
  .refine((ad) => !(ad.productId && ad.photoMediaId), {
    message: 'Give a productId or a photoMediaId, not both.',
    path: ['photoMediaId'],
  });

export const JobInputSchema = z
  .discriminatedUnion('kind', [
    ImageJobSchema,
    AudioJobSchema,
    VideoJobSchema,
    EbookJobSchema,
    ShortJobSchema,
    AdJobSchema,
  ])
  .openapi('JobInput');

export type JobInput = z.infer<typeof JobInputSchema>;
export type ImageJobInput = z.infer<typeof ImageJobSchema>;
export type AudioJobInput = z.infer<typeof AudioJobSchema>;
export type VideoJobInput = z.infer<typeof VideoJobSchema>;
export type EbookJobInput = z.infer<typeof EbookJobSchema>;
export type ShortJobInput = z.infer<typeof ShortJobSchema>;
export type AdJobInput = z.infer<typeof AdJobSchema>;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const JOB_KINDS = ['image', 'audio', 'video', 'ebook', 'short', 'ad'] as const;

export const JobFileSchema = z.object({
  mediaId: z.string().uuid(),
  role: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  offline: z
    .boolean()
    .openapi({ description: 'Made by WeBox’s offline generator, no AI provider called' }),
  url: z.string().openapi({ description: 'A signed URL valid for one hour.' }),
});

export const JobSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(JOB_KINDS),
    status: z.enum(JOB_STATUSES),
    progress: z.number().int().min(0).max(100),
    progressMessage: z.string().nullable(),
    provider: z.string(),
    model: z.string(),
    offline: z.boolean(),
    input: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    costMicros: z.number().int(),
    attempts: z.number().int(),
    stepsTotal: z.number().int(),
    stepsDone: z.number().int(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    files: z.array(JobFileSchema),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('Job');

export const JobEnvelopeSchema = z.object({ job: JobSchema }).openapi('JobEnvelope');

export const JobPageSchema = z
  .object({ items: z.array(JobSchema), nextCursor: z.string().nullable() })
  .openapi('JobPage');

export const JobListQuerySchema = z.object({
  kind: z.enum(JOB_KINDS).optional(),
  status: z.enum(JOB_STATUSES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const JobIdParamSchema = z.object({ id: z.string().uuid() });

export const StepMessageSchema = z.object({
  jobId: z.string().uuid(),
  step: z.number().int().min(0).max(200),
  /** The job attempt this message belongs to: a message of an earlier attempt is ignored. */
  attempt: z.number().int().min(1),
});
export type StepMessage = z.infer<typeof StepMessageSchema>;

const ProviderOptionSchema = z.object({
  provider: z.string(),
  label: z.string(),
  offline: z.boolean(),
  configured: z.boolean(),
  models: z.array(z.string()),
  defaultModel: z.string(),
  setting: z
    .string()
    .nullable()
    .openapi({ description: 'The variable to set when not configured' }),
  ownKey: z.boolean().openapi({ description: 'A user’s own AI key also enables it' }),
});

export const ProvidersSchema = z
  .object({
    image: z.array(ProviderOptionSchema),
    speech: z.array(ProviderOptionSchema),
    music: z.array(ProviderOptionSchema),
    video: z.array(ProviderOptionSchema),
  })
  .openapi('MediaProviders');
