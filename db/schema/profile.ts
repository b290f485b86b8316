import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth';

export const aiProvider = pgEnum('ai_provider', [
  'openai',
  'anthropic',
  'google',
  'mistral',
  'groq',
]);

/**
 * Users' own AI provider keys, one per provider. The key is sealed with AES-256-GCM under
 * a versioned master key, with user id, provider and key version as additional data.
 */
export const aiKeys = pgTable(
  'ai_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: aiProvider('provider').notNull(),
    /** base64url ciphertext with tag. */
    ciphertext: text('ciphertext').notNull(),
    /** base64url 96-bit IV, fresh for every encryption. */
    iv: text('iv').notNull(),
    keyVersion: integer('key_version').notNull(),
    last4: text('last4').notNull(),
    label: text('label'),
    lastTestedAt: timestamp('last_tested_at', { withTimezone: true }),
    lastTestOk: boolean('last_test_ok'),
    lastTestError: text('last_test_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ai_keys_user_provider_key').on(t.userId, t.provider),
    index('ai_keys_version_idx').on(t.keyVersion),
  ],
);
