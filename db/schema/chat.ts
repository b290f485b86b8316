import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth';
import { modelProvider } from './models';

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
