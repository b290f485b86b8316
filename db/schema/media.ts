import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth';
import { generationJobs } from './generation';

export const mediaKind = pgEnum('media_kind', ['image', 'audio', 'video', 'document', 'other']);
export const mediaSource = pgEnum('media_source', ['upload', 'generated']);
export const mediaStatus = pgEnum('media_status', ['uploading', 'ready']);

/** A user's folders in the media manager; names are unique among siblings. */
export const mediaFolders = pgTable(
  'media_folders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => mediaFolders.id, {
      onDelete: 'cascade',
    }),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('media_folders_sibling_name_key').on(t.userId, t.parentId, t.name).nullsNotDistinct(),
  ],
);

/**
 * Every stored file: uploads and generated results. Bytes live in R2 under
 * `media/<userId>/…`; `size` counts against the owner's plan storage quota.
 */
export const mediaFiles = pgTable(
  'media_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    folderId: uuid('folder_id').references(() => mediaFolders.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    r2Key: text('r2_key').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    kind: mediaKind('kind').notNull(),
    source: mediaSource('source').notNull(),
    status: mediaStatus('status').notNull().default('ready'),
    /** R2 multipart upload id while `uploading`. */
    uploadId: text('upload_id'),
    /** The job that generated the file, and its prompt, for "every generated file with its job". */
    jobId: uuid('job_id').references(() => generationJobs.id, { onDelete: 'set null' }),
    prompt: text('prompt'),
    width: integer('width'),
    height: integer('height'),
    durationMs: integer('duration_ms'),
    /** A small preview image (images and video posters), in R2 beside the file. */
    thumbnailKey: text('thumbnail_key'),
    /** Made by WeBox's offline generator (no AI provider), shown with an "offline" badge. */
    offline: boolean('offline').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('media_files_r2_key').on(t.r2Key),
    index('media_files_user_created_idx').on(t.userId, t.createdAt),
    index('media_files_user_folder_idx').on(t.userId, t.folderId),
    index('media_files_job_idx').on(t.jobId),
  ],
);
