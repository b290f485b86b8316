import {
  bigint,
  boolean,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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
