import { and, asc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { TransactionRollbackError } from 'drizzle-orm/errors';
import {
  type GenerationJobRow,
  type GenerationStepRow,
  generationJobs,
  generationSteps,
  type JobOutput,
  type JobOutputFile,
  users,
} from '../../db/schema';
import { ProviderError } from '../models/providers/types';
import { notifyUser, pushLive } from '../notifications/service';
import type { Services } from '../platform/env';
import { countNewUsage, insertUsage, type UsageRecord } from '../usage/service';
import { executeStep, type StepContext, type StepResult, stepDeadlineMs } from './kinds';
import type { JobInput, StepMessage } from './schemas';

/** What finishing or failing a job needs (the cron sweeper has no request). */
export type JobServices = Pick<Services, 'db' | 'notifier' | 'logger' | 'mailer' | 'background'>;

/** The path QStash calls back for every step. */
export const STEP_PATH = (jobId: string) => `/api/jobs/${jobId}/step`;

/** A claimed step is ours for this long; a callback arriving later may take it over. */
const LEASE_MS = 5 * 60_000;
/** Transient provider failures (5xx, timeout, 429) are retried this many times per step. */
const MAX_STEP_ATTEMPTS = 3;

export type StepRunOutcome =
  | 'gone'
  | 'stale'
  | 'finished'
  | 'busy'
  | 'duplicate'
  | 'done'
  | 'waiting'
  | 'retrying'
  | 'failed'
  | 'cancelled';

/** Publishes the QStash message that runs one step of one attempt of a job. */
export async function enqueueStep(
  services: Pick<Services, 'queue'>,
  message: StepMessage,
  delaySeconds?: number,
  dedupSuffix = '',
): Promise<void> {
  await services.queue.publishJSON(STEP_PATH(message.jobId), message, {
    delaySeconds,
    dedupId: `${message.jobId}-${message.attempt}-${message.step}${dedupSuffix}`,
  });
}

/** Progress shown for a job: finished steps over all steps, 100 only when it succeeded. */
function progressOf(done: number, total: number): number {
  return Math.min(99, Math.floor((done / Math.max(1, total)) * 100));
}

/** The live event for a job's state; sent on every change. */
export async function publishProgress(
  services: Pick<Services, 'db' | 'notifier' | 'logger'>,
  job: Pick<
    GenerationJobRow,
    | 'id'
    | 'userId'
    | 'kind'
    | 'status'
    | 'progress'
    | 'progressMessage'
    | 'stepsDone'
    | 'stepsTotal'
  >,
): Promise<void> {
  await pushLive(services, job.userId, {
    type: 'job.progress',
    data: {
      jobId: job.id,
      kind: job.kind,
      status: job.status,
      progress: job.progress,
      message: job.progressMessage,
      stepsDone: job.stepsDone,
      stepsTotal: job.stepsTotal,
    },
  });
}

const KIND_LABEL: Record<GenerationJobRow['kind'], { en: string; fr: string }> = {
  image: { en: 'Image', fr: 'Image' },
  audio: { en: 'Audio', fr: 'Audio' },
  video: { en: 'Video', fr: 'Vidéo' },
  ebook: { en: 'eBook', fr: 'eBook' },
  short: { en: 'Short video', fr: 'Vidéo courte' },
  ad: { en: 'Ad', fr: 'Publicité' },
};

/** Stores and pushes the "finished" or "failed" notification of a job, in the owner's language. */
async function notifyOutcome(services: JobServices, job: GenerationJobRow): Promise<void> {
  const [owner] = await services.db
    .select({ locale: users.locale })
    .from(users)
    .where(eq(users.id, job.userId))
    .limit(1);
  const lang = owner?.locale === 'en' ? 'en' : 'fr';
  const label = KIND_LABEL[job.kind][lang];
  const succeeded = job.status === 'succeeded';
  const title = succeeded
    ? lang === 'fr'
      ? `${label} : c’est prêt`
      : `${label} ready`
    : lang === 'fr'
      ? `${label} : échec`
      : `${label} failed`;
  await notifyUser(services, job.userId, {
    type: succeeded ? 'job.succeeded' : 'job.failed',
    title,
    body: succeeded
      ? (job.progressMessage ?? '')
      : (job.error ?? (lang === 'fr' ? 'La génération a échoué.' : 'The generation failed.')),
    link: `/generation?job=${job.id}`,
    data: { jobId: job.id, kind: job.kind, status: job.status },
  });
}

/** Maps a step failure to the job's stable error code and our own short message. */
export function describeFailure(error: unknown): {
  code: string;
  message: string;
  transient: boolean;
  retryAfterSeconds?: number;
} {
  if (error instanceof ProviderError) {
    const code = {
      auth: 'PROVIDER_AUTH',
      rate_limit: 'PROVIDER_RATE_LIMITED',
      timeout: 'PROVIDER_TIMEOUT',
      unavailable: 'PROVIDER_ERROR',
      bad_request: 'PROVIDER_REFUSED',
      cut: 'PROVIDER_ERROR',
      aborted: 'PROVIDER_TIMEOUT',
    }[error.kind];
    return {
      code,
      message: error.message,
      transient: ['unavailable', 'timeout', 'rate_limit', 'cut'].includes(error.kind),
      retryAfterSeconds: error.options.retryAfterSeconds,
    };
  }
  return { code: 'INTERNAL', message: 'An internal error stopped this step.', transient: false };
}

/** Gathers every file the job's finished steps produced, in step order. */
function assembleOutput(steps: GenerationStepRow[]): JobOutput {
  const files: JobOutputFile[] = [];
  let data: Record<string, unknown> | undefined;
  for (const step of steps) {
    const result = step.result as StepResult | null;
    if (!result) continue;
    files.push(...(result.files ?? []));
    if (result.data) data = { ...data, ...result.data };
  }
  return { files, data };
}

/** Marks a job failed (only while it is still active) and tells its owner. */
export async function failJob(
  services: JobServices,
  jobId: string,
  failure: { code: string; message: string },
  step?: number,
): Promise<GenerationJobRow | null> {
  const [job] = await services.db.transaction(async (tx) => {
    if (step !== undefined) {
      await tx
        .update(generationSteps)
        .set({ status: 'failed', error: failure.message, finishedAt: new Date(), leaseUntil: null })
        .where(and(eq(generationSteps.jobId, jobId), eq(generationSteps.step, step)));
    }
    return tx
      .update(generationJobs)
      .set({
        status: 'failed',
        errorCode: failure.code,
        error: failure.message,
        progressMessage: failure.message,
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(
        and(eq(generationJobs.id, jobId), inArray(generationJobs.status, ['queued', 'running'])),
      )
      .returning();
  });
  if (job) {
    await publishProgress(services, job);
    await notifyOutcome(services, job);
  }
  return job ?? null;
}

/**
 * Runs one QStash step callback. Idempotent on (job, step): the step is claimed with a
 * conditional UPDATE, and its result, its charge and the job's progress are written in one
 * transaction that only applies while the step is still ours and the job still running, so a
 * duplicated or late callback never repeats a provider call that succeeded nor charges twice.
 */
export async function runStep(
  services: Services,
  message: StepMessage,
  extras: Pick<StepContext, 'assets'>,
): Promise<StepRunOutcome> {
  const { db } = services;
  const [job] = await db
    .select()
    .from(generationJobs)
    .where(eq(generationJobs.id, message.jobId))
    .limit(1);
  if (!job) return 'gone';
  if (job.attempts !== message.attempt) return 'stale';
  if (job.status !== 'queued' && job.status !== 'running') return 'finished';

  const now = new Date();
  const [claimed] = await db
    .update(generationSteps)
    .set({
      status: 'running',
      attempts: sql`${generationSteps.attempts} + 1`,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      startedAt: sql`coalesce(${generationSteps.startedAt}, now())`,
    })
    .where(
      and(
        eq(generationSteps.jobId, job.id),
        eq(generationSteps.step, message.step),
        or(
          eq(generationSteps.status, 'pending'),
          and(eq(generationSteps.status, 'running'), lt(generationSteps.leaseUntil, now)),
        ),
      ),
    )
    .returning();
  if (!claimed) {
    const [existing] = await db
      .select()
      .from(generationSteps)
      .where(and(eq(generationSteps.jobId, job.id), eq(generationSteps.step, message.step)))
      .limit(1);
    if (existing?.status === 'done') {
      // The step ran already; make sure the next one was queued (the publish may have failed).
      const next = message.step + 1;
      if (next < job.stepsTotal) await enqueueStep(services, { ...message, step: next });
      return 'duplicate';
    }
    return existing?.status === 'failed' ? 'finished' : 'busy';
  }

  if (job.status === 'queued') {
    const [started] = await db
      .update(generationJobs)
      .set({ status: 'running', startedAt: sql`coalesce(${generationJobs.startedAt}, now())` })
      .where(and(eq(generationJobs.id, job.id), eq(generationJobs.status, 'queued')))
      .returning();
    if (started) {
      Object.assign(job, started);
      await publishProgress(services, job);
    }
  }

  const steps = await db
    .select()
    .from(generationSteps)
    .where(eq(generationSteps.jobId, job.id))
    .orderBy(asc(generationSteps.step));
  const results = new Map<number, StepResult>();
  for (const row of steps) {
    if (row.status === 'done' && row.result) results.set(row.step, row.result as StepResult);
  }
  const [owner] = await db
    .select({ locale: users.locale })
    .from(users)
    .where(eq(users.id, job.userId))
    .limit(1);
  const context: StepContext = {
    lang: owner?.locale === 'en' ? 'en' : 'fr',
    services,
    job,
    input: job.input as JobInput,
    step: claimed,
    results,
    steps,
    signal: AbortSignal.timeout(LEASE_MS - 30_000),
    ...extras,
  };

  let outcome: Awaited<ReturnType<typeof executeStep>>;
  try {
    outcome = await executeStep(context);
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.code === 'INTERNAL') {
      services.logger.error('generation step crashed', {
        jobId: job.id,
        step: message.step,
        error,
      });
      // Give the step back so QStash's retry of this callback can claim it again.
      await db
        .update(generationSteps)
        .set({ status: 'pending', leaseUntil: null })
        .where(and(eq(generationSteps.jobId, job.id), eq(generationSteps.step, message.step)));
      throw error;
    }
    if (failure.transient && claimed.attempts < MAX_STEP_ATTEMPTS && !claimed.providerRef) {
      const base = services.secrets.JOB_RETRY_BASE_SECONDS ?? 5;
      const delay = Math.min(300, failure.retryAfterSeconds ?? base * 2 ** (claimed.attempts - 1));
      await db
        .update(generationSteps)
        .set({ status: 'pending', leaseUntil: null, error: failure.message })
        .where(and(eq(generationSteps.jobId, job.id), eq(generationSteps.step, message.step)));
      await enqueueStep(services, message, delay, `-r${claimed.attempts}`);
      return 'retrying';
    }
    await failJob(services, job.id, failure, message.step);
    return 'failed';
  }

  if (outcome.status === 'waiting') {
    const [updated] = await db.transaction(async (tx) => {
      await tx
        .update(generationSteps)
        .set({
          providerRef: outcome.providerRef,
          leaseUntil: new Date(Date.now() + outcome.delaySeconds * 1000 - 500),
        })
        .where(and(eq(generationSteps.jobId, job.id), eq(generationSteps.step, message.step)));
      return tx
        .update(generationJobs)
        .set({
          progressMessage: outcome.message,
          progress: Math.max(job.progress, progressOf(job.stepsDone, job.stepsTotal)),
          updatedAt: new Date(),
        })
        .where(and(eq(generationJobs.id, job.id), eq(generationJobs.status, 'running')))
        .returning();
    });
    if (!updated) return 'cancelled';
    await enqueueStep(services, message, outcome.delaySeconds, `-p${claimed.attempts}`);
    await publishProgress(services, updated);
    return 'waiting';
  }

  const isLast = message.step === job.stepsTotal - 1;
  // A new usage row, counted once the step committed (a rolled-back step counts nothing).
  let billed: UsageRecord | null = null;
  const committed = await db
    .transaction(async (tx) => {
      const [stepRow] = await tx
        .update(generationSteps)
        .set({
          status: 'done',
          result: outcome.result,
          costMicros: outcome.usage?.costMicros ?? 0,
          error: null,
          leaseUntil: null,
          finishedAt: new Date(),
        })
        .where(
          and(
            eq(generationSteps.jobId, job.id),
            eq(generationSteps.step, message.step),
            eq(generationSteps.status, 'running'),
          ),
        )
        .returning();
      if (!stepRow) return null;
      const allSteps = steps.map((row) => (row.step === stepRow.step ? stepRow : row));
      const doneCount = allSteps.filter((row) => row.status === 'done').length;
      const output = assembleOutput(allSteps.filter((row) => row.status === 'done'));
      const cost = outcome.usage?.costMicros ?? 0;
      const [jobRow] = await tx
        .update(generationJobs)
        .set({
          stepsDone: doneCount,
          progress: isLast ? 100 : progressOf(doneCount, job.stepsTotal),
          progressMessage: outcome.message,
          costMicros: sql`${generationJobs.costMicros} + ${cost}`,
          output,
          updatedAt: new Date(),
          deadlineAt: new Date(Date.now() + stepDeadlineMs(job.input as JobInput)),
          ...(isLast ? { status: 'succeeded' as const, finishedAt: new Date() } : {}),
        })
        .where(and(eq(generationJobs.id, job.id), eq(generationJobs.status, 'running')))
        .returning();
      if (!jobRow) {
        // Cancelled while the step ran: keep nothing of it.
        tx.rollback();
      }
      if (outcome.usage && (outcome.usage.costMicros > 0 || outcome.usage.provider !== 'offline')) {
        billed = {
          userId: job.userId,
          source: 'generation',
          reference: `gen:${job.id}:${message.step}`,
          ...outcome.usage,
        };
        if (!(await insertUsage(tx, billed))) billed = null;
      }
      return jobRow ?? null;
    })
    .catch((error: unknown) => {
      if (error instanceof TransactionRollbackError) return null;
      throw error;
    });
  if (!committed) return 'cancelled';
  if (billed) await countNewUsage(billed, { logger: services.logger });
  if (!isLast) await enqueueStep(services, { ...message, step: message.step + 1 });
  await publishProgress(services, committed);
  if (isLast) await notifyOutcome(services, committed);
  return 'done';
}

/** Fails every active job past its deadline (cron); returns how many. */
export async function sweepStuckJobs(services: JobServices, now = new Date()): Promise<number> {
  const stuck = await services.db
    .select({ id: generationJobs.id })
    .from(generationJobs)
    .where(
      and(
        inArray(generationJobs.status, ['queued', 'running']),
        lt(generationJobs.deadlineAt, now),
      ),
    )
    .limit(500);
  let failed = 0;
  for (const { id } of stuck) {
    const job = await failJob(services, id, {
      code: 'DEADLINE_EXCEEDED',
      message:
        'This job made no progress before its deadline and was stopped. Retry it to continue from where it stopped.',
    });
    if (job) failed++;
  }
  return failed;
}
