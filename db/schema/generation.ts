import { sql } from 'drizzle-orm';
import {
  bigint,
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

export const jobKind = pgEnum('job_kind', ['image', 'audio', 'video', 'ebook', 'short', 'ad']);
export const jobStatus = pgEnum('job_status', [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
]);
export const stepStatus = pgEnum('step_status', ['pending', 'running', 'done', 'failed']);

/** One file a job produced, as listed in `generation_jobs.output`. */
export interface JobOutputFile {
  mediaId: string;
  /** What the file is to the job: "image", "cover", "pdf", "epub", "voice", "storyboard", … */
  role: string;
  contentType: string;
  size: number;
  name: string;
  /** Made by WeBox's offline generator; absent on files stored before the flag existed. */
  offline?: boolean;
}

/** A job's result: its files plus small structured data (ad copy, storyboard summary). */
export interface JobOutput {
  files: JobOutputFile[];
  data?: Record<string, unknown>;
}

/**
 * A generation request. The row is written (with its step rows) before any provider call;
 * QStash then calls `/api/jobs/:id/step` once per step. `provider`/`model` are the main
 * provider of the job (an eBook's chat model, an image job's image provider).
 */
export const generationJobs = pgTable(
  'generation_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: jobKind('kind').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    /** The validated request (prompt, options), as the kind's zod schema parsed it. */
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    status: jobStatus('status').notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    progressMessage: text('progress_message'),
    output: jsonb('output').$type<JobOutput>(),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    /** How many times the job was started (1, then +1 per retry of a failed job). */
    attempts: integer('attempts').notNull().default(1),
    stepsTotal: integer('steps_total').notNull(),
    stepsDone: integer('steps_done').notNull().default(0),
    /** Stable error code (PROVIDER_ERROR, PROVIDER_TIMEOUT, DEADLINE_EXCEEDED, …) and message. */
    errorCode: text('error_code'),
    error: text('error'),
    /** The client's Idempotency-Key: the same key twice gives the same job. */
    idempotencyKey: text('idempotency_key'),
    /** Past this the cron sweeper fails the job; pushed back whenever a step makes progress. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('generation_jobs_user_created_idx').on(t.userId, t.createdAt),
    uniqueIndex('generation_jobs_idempotency_key')
      .on(t.userId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index('generation_jobs_active_deadline_idx')
      .on(t.deadlineAt)
      .where(sql`${t.status} in ('queued', 'running')`),
  ],
);

/**
 * One step of a job. (job_id, step) is the idempotency key of a QStash callback: a step is
 * claimed with a conditional UPDATE, its result and its charge are written in one
 * transaction, and a step already `done` is never run again.
 */
export const generationSteps = pgTable(
  'generation_steps',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => generationJobs.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    /** "outline", "chapter", "cover", "typeset", "render", … */
    name: text('name').notNull(),
    /** Step parameters fixed at planning time (chapter number, scene index, variant). */
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    status: stepStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** A claim older than this may be taken over (the worker running it died). */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** An asynchronous provider's operation id (video), kept across polls. */
    providerRef: text('provider_ref'),
    /** What later steps need: chapter text, outline, R2 keys of intermediate files. */
    result: jsonb('result').$type<Record<string, unknown>>(),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.step] })],
);

/** A generation job as read from Postgres. */
export type GenerationJobRow = typeof generationJobs.$inferSelect;
/** One step of a generation job as read from Postgres. */
export type GenerationStepRow = typeof generationSteps.$inferSelect;
