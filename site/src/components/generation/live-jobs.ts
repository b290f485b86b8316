import { ApiProblem } from '../../api/client';
import {
  getJob,
  isFinished,
  type Job,
  type JobProgressEvent,
  listJobs,
} from '../../api/generation';
import { authed } from '../../auth';
import { createStore, type Store } from '../../store';

/** What the jobs list shows: newest first. */
export interface JobsView {
  status: 'loading' | 'ready';
  jobs: Job[];
  /** Why the list could not be read, if it could not. */
  problem: ApiProblem | null;
}

/** Polling starts for a job once the socket has said nothing about it for this long. */
const QUIET_MS = 5_000;
const POLL_MS = 2_000;
/** A finished event may reach us before the row it describes can be read: ask again. */
const SETTLE_RETRIES = 5;
const SETTLE_DELAY_MS = 1_000;

/** Where live job events come from; each subscription returns its unsubscribe function. */
export interface ProgressSource {
  /** Every `job.progress` event. */
  progress(handler: (event: JobProgressEvent) => void): () => void;
  /** Each (re)connection of the socket: events sent while it was down are lost. */
  connected(handler: () => void): () => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads a `job.progress` payload (the event's `data`, or the whole event around it). */
export function toProgressEvent(raw: unknown): JobProgressEvent | null {
  const data = isRecord(raw) && isRecord(raw.data) ? raw.data : raw;
  if (!isRecord(data) || typeof data.jobId !== 'string' || typeof data.status !== 'string') {
    return null;
  }
  const number = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  return {
    jobId: data.jobId,
    kind: data.kind as JobProgressEvent['kind'],
    status: data.status as JobProgressEvent['status'],
    progress: number(data.progress, 0),
    message: typeof data.message === 'string' ? data.message : null,
    stepsDone: number(data.stepsDone, 0),
    stepsTotal: number(data.stepsTotal, 0),
  };
}

/**
 * The generation page's jobs, kept live: socket events move them on as they arrive, and a
 * job the socket has been quiet about for a while is polled instead, so a lost socket never
 * leaves a bar stuck. One per page; `dispose` stops everything.
 */
export class JobsController {
  readonly store: Store<JobsView> = createStore<JobsView>({
    status: 'loading',
    jobs: [],
    problem: null,
  });
  private readonly heardAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly unsubscribe: Array<() => void>;
  private readonly timer: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(source: ProgressSource) {
    this.unsubscribe = [
      source.progress((event) => this.onProgress(event)),
      source.connected(() => this.catchUp()),
    ];
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  /** Reads the newest jobs. */
  async load(): Promise<void> {
    try {
      const page = await authed((token) => listJobs(token, { limit: 20 }));
      if (this.disposed) return;
      // Jobs already known (created or opened meanwhile) keep their newer state.
      const known = new Map(this.store.get().jobs.map((job) => [job.id, job]));
      for (const job of page.items) if (!known.has(job.id)) known.set(job.id, job);
      this.set({ status: 'ready', jobs: sorted([...known.values()]), problem: null });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (!this.disposed) this.set({ ...this.store.get(), status: 'ready', problem: error });
    }
  }

  /** The job with this id, if it is in the list. */
  find(id: string): Job | undefined {
    return this.store.get().jobs.find((job) => job.id === id);
  }

  /** Adds or replaces a job (one just created, retried, cancelled or opened by link). */
  upsert(job: Job): void {
    if (this.disposed) return;
    if (!isFinished(job.status) && !this.heardAt.has(job.id)) this.heardAt.set(job.id, Date.now());
    const current = this.find(job.id);
    const next = current ? merge(current, job) : job;
    const others = this.store.get().jobs.filter((candidate) => candidate.id !== job.id);
    this.set({ ...this.store.get(), jobs: sorted([next, ...others]) });
  }

  /** Drops a deleted job. */
  remove(id: string): void {
    this.heardAt.delete(id);
    const jobs = this.store.get().jobs.filter((job) => job.id !== id);
    this.set({ ...this.store.get(), jobs });
  }

  /** Reads a job again; throws an ApiProblem (404 for a job that is not the caller's). */
  async refresh(id: string): Promise<Job> {
    const job = await authed((token) => getJob(token, id));
    this.upsert(job);
    return job;
  }

  dispose(): void {
    this.disposed = true;
    for (const stop of this.unsubscribe) stop();
    clearInterval(this.timer);
  }

  private set(view: JobsView): void {
    this.store.set(view);
  }

  private onProgress(event: JobProgressEvent): void {
    if (this.disposed) return;
    this.heardAt.set(event.jobId, Date.now());
    const current = this.find(event.jobId);
    if (!current) {
      // A job started elsewhere (another tab, the API): read it whole.
      void this.quietRefresh(event.jobId);
      return;
    }
    const moved: Job = {
      ...current,
      status: event.status,
      progress: event.progress,
      progressMessage: event.message,
      stepsDone: event.stepsDone,
      stepsTotal: event.stepsTotal || current.stepsTotal,
    };
    const others = this.store.get().jobs.filter((job) => job.id !== event.jobId);
    this.set({ ...this.store.get(), jobs: sorted([moved, ...others]) });
    // Files, cost and data come with the job itself, not with the event.
    if (isFinished(event.status)) void this.settle(event.jobId, event.status);
  }

  private async settle(id: string, status: Job['status']): Promise<void> {
    for (let attempt = 0; attempt < SETTLE_RETRIES && !this.disposed; attempt++) {
      const job = await this.fetch(id);
      if (!job) return;
      if (job.status === status || isFinished(job.status)) {
        this.upsert(job);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_DELAY_MS));
    }
  }

  private async fetch(id: string): Promise<Job | null> {
    try {
      return await authed((token) => getJob(token, id));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status === 404) this.remove(id);
      return null;
    }
  }

  private async quietRefresh(id: string): Promise<void> {
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    try {
      const job = await this.fetch(id);
      if (job && !this.disposed) this.upsert(job);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** After a reconnection, reads every unfinished job again. */
  private catchUp(): void {
    for (const job of this.store.get().jobs) {
      if (!isFinished(job.status)) void this.quietRefresh(job.id);
    }
  }

  private poll(): void {
    const now = Date.now();
    for (const job of this.store.get().jobs) {
      if (isFinished(job.status)) continue;
      const heard = this.heardAt.get(job.id) ?? 0;
      if (now - heard >= QUIET_MS) void this.quietRefresh(job.id);
    }
  }
}

function sorted(jobs: Job[]): Job[] {
  return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * A read that overtook a later socket event must not move a running bar backwards, and a
 * stale read must not reopen a job the socket already saw finish (a retry starts a new
 * attempt, which is allowed to).
 */
function merge(current: Job, incoming: Job): Job {
  if (incoming.attempts < current.attempts) return current;
  if (incoming.attempts === current.attempts) {
    if (isFinished(current.status) && !isFinished(incoming.status)) {
      return { ...incoming, status: current.status, progress: current.progress };
    }
    if (current.status === 'running' && incoming.status === 'running') {
      if (incoming.progress < current.progress) {
        return {
          ...incoming,
          progress: current.progress,
          progressMessage: current.progressMessage,
          stepsDone: current.stepsDone,
        };
      }
    }
  }
  return incoming;
}
