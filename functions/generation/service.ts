import type { z } from '@hono/zod-openapi';
import { and, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import {
  type GenerationJobRow,
  generationJobs,
  generationSteps,
  mediaFiles,
  products,
} from '../../db/schema';
import { assertStorageAvailable, requireMediaFile, signedMediaUrl } from '../media/service';
import { requireModel, resolveProvider } from '../models/service';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertGenerationBudget, assertWithinQuota } from '../usage/service';
import { enqueueStep, publishProgress } from './engine';
import { planSteps, stepDeadlineMs } from './kinds';
import { MEDIA_MODELS, resolveMediaProvider } from './providers';
import type { Capability, MediaProviderName } from './providers/types';
import type { JobInput, JobSchema } from './schemas';

export type JobView = z.infer<typeof JobSchema>;

/** Room a job's files are expected to need; checked against the storage quota up front. */
const EXPECTED_BYTES: Record<JobInput['kind'], number> = {
  image: 8 * 1024 * 1024,
  audio: 10 * 1024 * 1024,
  video: 60 * 1024 * 1024,
  ebook: 10 * 1024 * 1024,
  short: 30 * 1024 * 1024,
  ad: 20 * 1024 * 1024,
};

const notFound = () => new ApiError('NOT_FOUND', 'No such job.');

/** The job's main provider and model, as stored on the row and shown to the user. */
function mainProvider(input: JobInput): { provider: string; model: string } {
  const media = (capability: Capability, provider: MediaProviderName, model?: string) => ({
    provider,
    model: model ?? MEDIA_MODELS[capability][provider]?.defaultModel ?? provider,
  });
  switch (input.kind) {
    case 'image':
      return media('image', input.provider, input.model);
    case 'audio':
      return media(input.mode === 'speech' ? 'speech' : 'music', input.provider, input.model);
    case 'video':
      return media('video', input.provider, input.model);
    default:
      return { provider: input.model.split('/')[0] ?? 'offline', model: input.model };
  }
}

/** Every provider the job will call, for the "configured?" and quota checks before any write. */
function providersOf(input: JobInput): MediaProviderName[] {
  switch (input.kind) {
    case 'image':
    case 'video':
    case 'audio':
      return [input.provider];
    case 'ebook':
      return [input.imageProvider];
    case 'short':
      return [
        input.imageProvider,
        input.speechProvider,
        ...(input.videoProvider ? [input.videoProvider] : []),
      ];
    case 'ad':
      return [input.imageProvider, ...(input.withVideo ? [input.videoProvider ?? 'offline'] : [])];
  }
}

async function assertOwnImage(services: Services, userId: string, mediaId: string): Promise<void> {
  const row = await requireMediaFile(services.db, userId, mediaId);
  if (row.kind !== 'image') {
    throw new ApiError('VALIDATION_FAILED', 'The chosen file is not an image.');
  }
}

/**
 * Checks everything a job needs before writing anything: referenced files are the caller's,
 * every provider is configured (424 naming the setting), quotas allow it.
 */
async function preflight(services: Services, userId: string, input: JobInput): Promise<void> {
  const sourceId =
    input.kind === 'image'
      ? input.sourceMediaId
      : input.kind === 'video'
        ? input.imageMediaId
        : input.kind === 'ad'
          ? input.photoMediaId
          : undefined;
  if (sourceId) await assertOwnImage(services, userId, sourceId);
  if (input.kind === 'ad' && input.productId) {
    const [product] = await services.db
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.id, input.productId), eq(products.active, true)))
      .limit(1);
    if (!product) throw new ApiError('NOT_FOUND', 'No such product.');
  }
  let paid = false;
  if (input.kind === 'ebook' || input.kind === 'short' || input.kind === 'ad') {
    const model = await requireModel(services.db, input.model);
    await resolveProvider(services, userId, model.provider);
    paid ||= model.provider !== 'offline';
  }
  for (const provider of providersOf(input)) {
    await resolveMediaProvider(services, userId, provider);
    paid ||= provider !== 'offline';
  }
  if (paid) {
    await assertWithinQuota(services, userId);
    await assertGenerationBudget(services.db, userId);
  }
  await assertStorageAvailable(services.db, userId, EXPECTED_BYTES[input.kind]);
  if (!services.queue.configured) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'Generation needs QStash: set QSTASH_URL, QSTASH_TOKEN and the signing keys.',
    );
  }
}

/** True when every provider the job calls (chat model included) is WeBox's offline one. */
function isOffline(input: JobInput): boolean {
  const chatOffline =
    input.kind === 'ebook' || input.kind === 'short' || input.kind === 'ad'
      ? input.model.startsWith('offline/')
      : true;
  return chatOffline && providersOf(input).every((provider) => provider === 'offline');
}

/** The job as the API shows it, with signed URLs for the files that still exist. */
export async function jobView(services: Services, job: GenerationJobRow): Promise<JobView> {
  const listed = job.output?.files ?? [];
  const ids = listed.map((file) => file.mediaId);
  const rows =
    ids.length > 0
      ? await services.db
          .select({
            id: mediaFiles.id,
            r2Key: mediaFiles.r2Key,
            name: mediaFiles.name,
            offline: mediaFiles.offline,
          })
          .from(mediaFiles)
          .where(and(inArray(mediaFiles.id, ids), eq(mediaFiles.userId, job.userId)))
      : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const files = [];
  for (const file of listed) {
    const row = byId.get(file.mediaId);
    if (!row) continue;
    files.push({
      ...file,
      name: row.name,
      offline: row.offline,
      url: await signedMediaUrl(services.secrets, row),
    });
  }
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    progressMessage: job.progressMessage,
    provider: job.provider,
    model: job.model,
    offline: isOffline(job.input as JobInput),
    input: job.input,
    error: job.error,
    errorCode: job.errorCode,
    costMicros: job.costMicros,
    attempts: job.attempts,
    stepsTotal: job.stepsTotal,
    stepsDone: job.stepsDone,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    files,
    data: job.output?.data ?? null,
  };
}

/** Queues the first step of the job's current attempt; a queue failure fails the job at once. */
async function start(services: Services, job: GenerationJobRow): Promise<void> {
  const [first] = await services.db
    .select({ step: generationSteps.step })
    .from(generationSteps)
    .where(and(eq(generationSteps.jobId, job.id), ne(generationSteps.status, 'done')))
    .orderBy(generationSteps.step)
    .limit(1);
  try {
    await enqueueStep(services, { jobId: job.id, step: first?.step ?? 0, attempt: job.attempts });
  } catch (error) {
    services.logger.error('could not queue a generation step', { jobId: job.id, error });
    await services.db
      .update(generationJobs)
      .set({
        status: 'failed',
        errorCode: 'QUEUE_UNAVAILABLE',
        error: 'The job could not be queued; retry it in a moment.',
        finishedAt: new Date(),
      })
      .where(eq(generationJobs.id, job.id));
    throw new ApiError('SERVICE_UNAVAILABLE', 'The job queue is unavailable; try again shortly.');
  }
}

/**
 * Creates a job and its planned steps in one transaction, then queues its first step. The
 * same Idempotency-Key gives back the same job (`created: false`).
 */
export async function createJob(
  services: Services,
  userId: string,
  input: JobInput,
  idempotencyKey?: string,
): Promise<{ job: JobView; created: boolean }> {
  const { db } = services;
  const existing = async () => {
    if (!idempotencyKey) return null;
    const [row] = await db
      .select()
      .from(generationJobs)
      .where(
        and(eq(generationJobs.userId, userId), eq(generationJobs.idempotencyKey, idempotencyKey)),
      )
      .limit(1);
    return row ?? null;
  };
  const before = await existing();
  if (before) return { job: await jobView(services, before), created: false };
  await preflight(services, userId, input);
  const plan = planSteps(input);
  const { provider, model } = mainProvider(input);
  const job = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(generationJobs)
      .values({
        userId,
        kind: input.kind,
        provider,
        model,
        input: input as unknown as Record<string, unknown>,
        stepsTotal: plan.length,
        idempotencyKey: idempotencyKey ?? null,
        progressMessage: null,
        deadlineAt: new Date(Date.now() + stepDeadlineMs(input)),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return null;
    await tx
      .insert(generationSteps)
      .values(plan.map((step, index) => ({ jobId: row.id, step: index, ...step })));
    return row;
  });
  if (!job) {
    // A parallel request with the same key won the insert.
    const winner = await existing();
    if (!winner) throw new ApiError('CONFLICT', 'This Idempotency-Key is in use.');
    return { job: await jobView(services, winner), created: false };
  }
  await start(services, job);
  await publishProgress(services, job);
  return { job: await jobView(services, job), created: true };
}

/** One of the caller's jobs, or 404 (someone else's job is "not found" too). */
export async function getJob(
  services: Services,
  userId: string,
  id: string,
): Promise<GenerationJobRow> {
  const [job] = await services.db
    .select()
    .from(generationJobs)
    .where(and(eq(generationJobs.id, id), eq(generationJobs.userId, userId)))
    .limit(1);
  if (!job) throw notFound();
  return job;
}

/** The caller's jobs, newest first, a page at a time. */
export async function listJobs(
  services: Services,
  userId: string,
  query: {
    kind?: GenerationJobRow['kind'];
    status?: GenerationJobRow['status'];
    cursor?: string;
    limit: number;
  },
): Promise<{ items: JobView[]; nextCursor: string | null }> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await services.db
    .select()
    .from(generationJobs)
    .where(
      and(
        eq(generationJobs.userId, userId),
        query.kind ? eq(generationJobs.kind, query.kind) : undefined,
        query.status ? eq(generationJobs.status, query.status) : undefined,
        cursor
          ? or(
              lt(generationJobs.createdAt, sql`${cursor.at}::timestamptz`),
              and(
                eq(generationJobs.createdAt, sql`${cursor.at}::timestamptz`),
                lt(generationJobs.id, cursor.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(generationJobs.createdAt), desc(generationJobs.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const items = [];
  for (const row of page) items.push(await jobView(services, row));
  return {
    items,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id })
        : null,
  };
}

/** Cancels a queued or running job; a step in flight finishes but its result is dropped. */
export async function cancelJob(
  services: Services,
  userId: string,
  id: string,
): Promise<GenerationJobRow> {
  await getJob(services, userId, id);
  const [job] = await services.db
    .update(generationJobs)
    .set({
      status: 'cancelled',
      progressMessage: null,
      finishedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(generationJobs.id, id),
        eq(generationJobs.userId, userId),
        inArray(generationJobs.status, ['queued', 'running']),
      ),
    )
    .returning();
  if (!job) throw new ApiError('CONFLICT', 'Only a queued or running job can be cancelled.');
  await publishProgress(services, job);
  return job;
}

/**
 * Starts a failed or cancelled job again as a new attempt. Finished steps are kept (and
 * stay billed once): a 10-chapter eBook that failed at chapter 7 resumes at chapter 7.
 */
export async function retryJob(
  services: Services,
  userId: string,
  id: string,
): Promise<GenerationJobRow> {
  const current = await getJob(services, userId, id);
  if (current.status !== 'failed' && current.status !== 'cancelled') {
    throw new ApiError('CONFLICT', 'Only a failed or cancelled job can be retried.');
  }
  await preflight(services, userId, current.input as JobInput);
  const job = await services.db.transaction(async (tx) => {
    const [row] = await tx
      .update(generationJobs)
      .set({
        status: 'queued',
        attempts: sql`${generationJobs.attempts} + 1`,
        error: null,
        errorCode: null,
        progressMessage: null,
        finishedAt: null,
        updatedAt: new Date(),
        deadlineAt: new Date(Date.now() + stepDeadlineMs(current.input as JobInput)),
      })
      .where(
        and(
          eq(generationJobs.id, id),
          eq(generationJobs.attempts, current.attempts),
          inArray(generationJobs.status, ['failed', 'cancelled']),
        ),
      )
      .returning();
    if (!row) return null;
    await tx
      .update(generationSteps)
      .set({ status: 'pending', leaseUntil: null, attempts: 0, providerRef: null, error: null })
      .where(and(eq(generationSteps.jobId, id), ne(generationSteps.status, 'done')));
    return row;
  });
  if (!job) throw new ApiError('CONFLICT', 'This job was retried already.');
  await start(services, job);
  await publishProgress(services, job);
  return job;
}

/** Deletes a finished job's record; its files stay in the media manager. */
export async function deleteJob(services: Services, userId: string, id: string): Promise<void> {
  const job = await getJob(services, userId, id);
  if (job.status === 'queued' || job.status === 'running') {
    throw new ApiError('CONFLICT', 'Cancel the job before deleting it.');
  }
  await services.db
    .delete(generationJobs)
    .where(and(eq(generationJobs.id, id), eq(generationJobs.userId, userId)));
}
