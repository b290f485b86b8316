import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth';

/** Every provider a model can come from; `offline` runs inside WeBox with no network. */
export const modelProvider = pgEnum('model_provider', [
  'openai',
  'anthropic',
  'google',
  'mistral',
  'groq',
  'offline',
]);

/**
 * The model registry admins edit. Prices are integer micro-dollars per million tokens
 * (2.50 $/Mtok is 2 500 000), so costs add up without floating-point drift.
 */
export const aiModels = pgTable(
  'ai_models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: modelProvider('provider').notNull(),
    /** The vendor's own model id, e.g. "gpt-4o-mini". */
    modelId: text('model_id').notNull(),
    displayName: text('display_name').notNull(),
    contextWindow: integer('context_window').notNull(),
    inputPriceMicros: bigint('input_price_micros', { mode: 'number' }).notNull(),
    outputPriceMicros: bigint('output_price_micros', { mode: 'number' }).notNull(),
    vision: boolean('vision').notNull().default(false),
    tools: boolean('tools').notNull().default(false),
    enabled: boolean('enabled').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(100),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ai_models_provider_model_key').on(t.provider, t.modelId)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** "auto" until the owner renames it; auto-titling never overwrites a chosen title. */
    titleSource: text('title_source').notNull().default('auto'),
    pinned: boolean('pinned').notNull().default(false),
    /** A user agent's uuid or a built-in agent's "builtin:<key>". */
    agentId: text('agent_id'),
    /** Registry slug ("provider/model") of the model last used. */
    model: text('model'),
    /** The leaf of the branch shown; its ancestors are the visible thread. */
    activeLeafId: uuid('active_leaf_id'),
    /** Soft delete; the cron sweeper purges rows deleted more than 30 days ago. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('conversations_user_recent_idx').on(t.userId, t.updatedAt),
    index('conversations_title_search_idx').using('gin', sql`to_tsvector('simple', ${t.title})`),
  ],
);

export const messageRole = pgEnum('message_role', ['user', 'assistant']);
export const messageStatus = pgEnum('message_status', [
  'streaming',
  'complete',
  'stopped',
  'failed',
]);

export interface MessageAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  kind: 'image' | 'text';
}

export interface MessageError {
  code: string;
  message: string;
}

/**
 * Messages form a tree: editing a user message or regenerating a reply adds a sibling
 * under the same parent, and compare adds one assistant sibling per model.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => messages.id, {
      onDelete: 'cascade',
    }),
    role: messageRole('role').notNull(),
    content: text('content').notNull().default(''),
    /**
     * Replies written by one send share it (one per model when comparing); a regenerated
     * reply has its own. Null for user messages.
     */
    batchId: uuid('batch_id'),
    /** Registry slug of the model that wrote an assistant message. */
    model: text('model'),
    provider: modelProvider('provider'),
    status: messageStatus('status').notNull().default('complete'),
    error: jsonb('error').$type<MessageError>(),
    attachments: jsonb('attachments')
      .$type<MessageAttachment[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    /** True when the provider gave no usage and the counts come from a tokenizer. */
    tokensEstimated: boolean('tokens_estimated').notNull().default(false),
    costMicros: bigint('cost_micros', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    index('messages_parent_idx').on(t.parentId),
    index('messages_content_search_idx').using('gin', sql`to_tsvector('simple', ${t.content})`),
  ],
);

/** Files attached to chat messages; the bytes are in R2 under the owner's prefix. */
export const chatAttachments = pgTable(
  'chat_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    r2Key: text('r2_key').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    kind: text('kind').$type<'image' | 'text'>().notNull(),
    /** For text and PDF files: the text given to the model as context. */
    extractedText: text('extracted_text'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('chat_attachments_user_idx').on(t.userId, t.createdAt)],
);

export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    systemPrompt: text('system_prompt').notNull(),
    /** Registry slug, e.g. "openai/gpt-4o-mini". */
    defaultModel: text('default_model'),
    temperature: doublePrecision('temperature'),
    knowledge: text('knowledge').notNull().default(''),
    icon: text('icon').notNull().default('🤖'),
    /** Random token for a read-only share link; null when not shared. */
    shareToken: text('share_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('agents_owner_idx').on(t.ownerId, t.updatedAt),
    uniqueIndex('agents_share_token_key').on(t.shareToken),
  ],
);

export const prompts = pgTable(
  'prompts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    category: text('category').notNull().default('general'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** Shared with every user; only admins set it. */
    isPublic: boolean('is_public').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('prompts_owner_idx').on(t.ownerId, t.updatedAt),
    index('prompts_search_idx').using(
      'gin',
      sql`to_tsvector('simple', ${t.title} || ' ' || ${t.body})`,
    ),
  ],
);

export const promptFavorites = pgTable(
  'prompt_favorites',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.promptId] })],
);

export const usageSource = pgEnum('usage_source', ['chat', 'compare', 'api', 'generation']);

/**
 * One row per billed AI call. `reference` (an assistant message id, an API completion id,
 * a job step) is unique, so an accounting write retried after a crash counts once.
 */
export const usageEvents = pgTable(
  'usage_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: usageSource('source').notNull(),
    reference: text('reference').notNull(),
    /** A chat provider (model_provider values) or a media one (stability, elevenlabs, …). */
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    estimated: boolean('estimated').notNull().default(false),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('usage_events_reference_key').on(t.reference),
    index('usage_events_user_time_idx').on(t.userId, t.createdAt),
  ],
);

/**
 * Daily totals per user, source and model, kept by the usage writer in the same statement
 * as the ledger row (only when that row is new, so a retried write adds nothing). Quotas and
 * the usage report read these few rows instead of summing the ledger.
 */
export const usageRollups = pgTable(
  'usage_rollups',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The UTC day, YYYY-MM-DD. */
    day: date('day', { mode: 'string' }).notNull(),
    source: usageSource('source').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    calls: integer('calls').notNull().default(0),
    /** True once any call in the row had tokenizer-estimated counts. */
    estimated: boolean('estimated').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day, t.source, t.provider, t.model] })],
);

/** Personal API tokens for the OpenAI-compatible API, stored as SHA-256 hashes. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters, shown in listings so a person can tell tokens apart. */
    prefix: text('prefix').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
    index('api_tokens_user_idx').on(t.userId, t.createdAt),
  ],
);
