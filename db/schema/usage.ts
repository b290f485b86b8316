import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth';

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
