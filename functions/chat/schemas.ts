import { z } from '@hono/zod-openapi';

export const UuidParam = z.string().uuid();

export const ConversationParamSchema = z.object({
  id: UuidParam.openapi({ param: { name: 'id', in: 'path' } }),
});

export const MessageParamSchema = z.object({
  id: UuidParam.openapi({ param: { name: 'id', in: 'path' } }),
  messageId: UuidParam.openapi({ param: { name: 'messageId', in: 'path' } }),
});

/** A registry slug: "provider/model-id". */
export const ModelSlugSchema = z
  .string()
  .min(3)
  .max(120)
  .regex(/^[a-z]+\/[\w.:-]+$/, 'Expected "provider/model", e.g. "openai/gpt-4o-mini"')
  .openapi({ example: 'offline/offline-detailed' });

export const AgentRefSchema = z
  .string()
  .max(64)
  .regex(/^(builtin:[a-z-]+|[0-9a-f-]{36})$/, 'An agent id or "builtin:<name>"')
  .openapi({ example: 'builtin:marketing' });

export const MAX_COMPARE_MODELS = 12;
export const MAX_MESSAGE_CHARS = 100_000;

export const ConversationCreateSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    agentId: AgentRefSchema.nullable().optional(),
    model: ModelSlugSchema.optional(),
  })
  .strict()
  .openapi('ConversationCreate');

export const ConversationPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    pinned: z.boolean().optional(),
    agentId: AgentRefSchema.nullable().optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'Send at least one field to change')
  .openapi('ConversationPatch');

export const ConversationSchema = z
  .object({
    id: z.string().uuid(),
    title: z.string(),
    pinned: z.boolean(),
    agentId: z.string().nullable(),
    model: z.string().nullable(),
    activeLeafId: z.string().uuid().nullable(),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi('Conversation');

export const ConversationListQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Words in titles or messages' }),
  pinned: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional().openapi({ description: 'From the previous page' }),
});

export const ConversationListSchema = z
  .object({
    items: z.array(
      ConversationSchema.extend({
        snippet: z
          .string()
          .nullable()
          .openapi({ description: 'A matching passage when searching' }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('ConversationList');

const AttachmentSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  kind: z.enum(['image', 'text']),
});

export const MessageSchema = z
  .object({
    id: z.string().uuid(),
    parentId: z.string().uuid().nullable(),
    batchId: z
      .string()
      .uuid()
      .nullable()
      .openapi({ description: 'Replies of one send share it: compared answers form one batch' }),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    model: z.string().nullable(),
    provider: z.string().nullable(),
    offline: z.boolean(),
    status: z.enum(['streaming', 'complete', 'stopped', 'failed']),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    attachments: z.array(AttachmentSchema),
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    tokensEstimated: z.boolean(),
    costMicros: z.number().int().nullable(),
    createdAt: z.string().datetime(),
    completedAt: z.string().datetime().nullable(),
  })
  .openapi('Message');

export const ConversationDetailSchema = z
  .object({
    conversation: ConversationSchema,
    messages: z.array(MessageSchema).openapi({ description: 'Every branch, oldest first' }),
    running: z.array(z.string().uuid()).openapi({ description: 'Replies still streaming' }),
  })
  .openapi('ConversationDetail');

export const SendMessageSchema = z
  .object({
    content: z.string().max(MAX_MESSAGE_CHARS),
    model: ModelSlugSchema.optional().openapi({
      description: 'One model; default: the agent’s or the conversation’s',
    }),
    models: z
      .array(ModelSlugSchema)
      .min(2)
      .max(MAX_COMPARE_MODELS)
      .refine((list) => new Set(list).size === list.length, 'Each model once')
      .optional()
      .openapi({ description: 'Compare: 2 to 12 models answer side by side' }),
    editOf: UuidParam.optional().openapi({
      description: 'Edit: the new message becomes a sibling of this user message (a new branch)',
    }),
    attachmentIds: z.array(UuidParam).max(10).optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict()
  .refine((value) => !(value.model && value.models), {
    message: 'Send either model or models, not both',
    path: ['models'],
  })
  .refine((value) => value.content.trim().length > 0 || (value.attachmentIds?.length ?? 0) > 0, {
    message: 'Write a message or attach a file',
    path: ['content'],
  })
  .openapi('SendMessage');

export const RegenerateSchema = z
  .object({ model: ModelSlugSchema.optional(), temperature: z.number().min(0).max(2).optional() })
  .strict()
  .openapi('Regenerate');

export const TurnStartedSchema = z
  .object({
    userMessage: MessageSchema.nullable(),
    replies: z.array(MessageSchema),
    after: z
      .number()
      .int()
      .openapi({ description: 'Stream from this event id to see the replies whole' }),
    streamUrl: z.string(),
  })
  .openapi('TurnStarted');

export const SelectBranchSchema = z
  .object({ messageId: UuidParam })
  .strict()
  .openapi('SelectBranch');

export const StopSchema = z.object({ turnId: UuidParam.optional() }).strict().openapi('Stop');

export const StreamQuerySchema = z.object({
  after: z.coerce.number().int().min(0).optional().openapi({
    description: 'Resume after this event id (the Last-Event-ID header wins when both are sent)',
  }),
});

export const ExportQuerySchema = z.object({
  format: z.enum(['md', 'json', 'pdf']).default('md'),
});
