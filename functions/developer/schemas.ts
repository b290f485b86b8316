import { z } from '@hono/zod-openapi';

// ---- Personal API tokens (/api/tokens) ----

export const TokenCreateSchema = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1, 'Give the token a name')
      .max(60, 'Use at most 60 characters')
      .openapi({ example: 'CI pipeline' }),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .openapi({ description: 'Omit for a token that does not expire', example: 90 }),
  })
  .openapi('ApiTokenCreate');

export type TokenCreate = z.infer<typeof TokenCreateSchema>;

export const TokenSummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({
      description: 'The first characters, to tell tokens apart',
      example: 'wbx_k3Jd9QxA',
    }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    lastUsedAt: z.string().nullable().openapi({ format: 'date-time' }),
    expiresAt: z.string().nullable().openapi({ format: 'date-time' }),
    expired: z.boolean(),
  })
  .openapi('ApiToken');

export const TokenCreatedSchema = TokenSummarySchema.extend({
  token: z.string().openapi({
    description: 'The token itself. Shown in this response only; WeBox keeps a hash.',
    example: 'wbx_k3Jd9QxA…',
  }),
}).openapi('ApiTokenCreated');

export const TokenListSchema = z
  .object({
    items: z.array(TokenSummarySchema),
    limit: z.number().int().openapi({ description: 'Most active tokens an account may hold' }),
  })
  .openapi('ApiTokenList');

export const TokenParamSchema = z.object({
  id: z.uuid().openapi({
    param: { name: 'id', in: 'path' },
    example: '0b6f7c1e-2a4d-4c8e-9f31-5d2b7a9e4c10',
  }),
});

// ---- OpenAI-compatible API (/v1) ----

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]+)$/;

/** Splits an image data URL into media type and base64; null when it is not one. */
export function parseImageDataUrl(url: string): { mediaType: string; data: string } | null {
  const match = DATA_URL.exec(url);
  if (!match?.[1] || !match[2]) return null;
  return { mediaType: match[1], data: match[2].replace(/\s+/g, '') };
}

const TextPartSchema = z.object({ type: z.literal('text'), text: z.string().max(500_000) });

const ImagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().refine((url) => parseImageDataUrl(url) !== null, {
      message:
        'Send images inline as data URLs (data:image/png|jpeg|gif|webp;base64,…); remote URLs are not fetched',
    }),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

const ContentSchema = z.union([
  z.string().max(500_000),
  z
    .array(z.discriminatedUnion('type', [TextPartSchema, ImagePartSchema]))
    .min(1)
    .max(50),
]);

const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: ContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content: ContentSchema, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: ContentSchema, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: ContentSchema.nullable().optional(),
    name: z.string().optional(),
  }),
]);

/**
 * OpenAI's chat-completions request, the parts WeBox honours. Other OpenAI fields (top_p,
 * user, seed...) are accepted and ignored, as OpenAI-compatible servers commonly do, so
 * existing clients keep working.
 */
export const ChatCompletionRequestSchema = z
  .object({
    model: z.string().min(1).max(200).openapi({ example: 'offline/offline-brief' }),
    messages: z.array(MessageSchema).min(1, 'Send at least one message').max(500),
    temperature: z.number().min(0).max(2).nullable().optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
    max_completion_tokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    n: z.number().int().min(1).max(1, 'Only n = 1 is supported').nullable().optional(),
  })
  .openapi('ChatCompletionRequest');

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

const UsageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const ChatCompletionSchema = z
  .object({
    id: z.string().openapi({ example: 'chatcmpl-3k2Jd9QxA7' }),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string(),
          refusal: z.null(),
        }),
        finish_reason: z.enum(['stop', 'length']),
        logprobs: z.null(),
      }),
    ),
    usage: UsageSchema,
  })
  .openapi('ChatCompletion', {
    description:
      'With "stream": true the answer is text/event-stream instead: chat.completion.chunk events, a usage chunk when stream_options.include_usage, then "data: [DONE]".',
  });

export const OpenAiModelSchema = z
  .object({
    id: z.string().openapi({ example: 'openai/gpt-4o-mini' }),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string().openapi({ example: 'openai' }),
  })
  .openapi('OpenAiModel');

export const OpenAiModelListSchema = z
  .object({ object: z.literal('list'), data: z.array(OpenAiModelSchema) })
  .openapi('OpenAiModelList');

export const OpenAiModelParamSchema = z.object({
  provider: z.string().openapi({ param: { name: 'provider', in: 'path' }, example: 'openai' }),
  model: z.string().openapi({ param: { name: 'model', in: 'path' }, example: 'gpt-4o-mini' }),
});

export const OpenAiModelSlugParamSchema = z.object({
  model: z
    .string()
    .openapi({ param: { name: 'model', in: 'path' }, example: 'openai%2Fgpt-4o-mini' }),
});
