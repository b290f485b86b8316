import {
  doublePrecision,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth';

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
