import type { z } from '@hono/zod-openapi';
import type {
  JobInputSchema,
  JobSchema,
  ProvidersSchema,
} from '../../../functions/generation/schemas';
import { bearer, client, problemFrom, send, sendOk } from './client';

/** A generation request as sent: the API fills in the defaults it leaves out. */
export type JobRequest = z.input<typeof JobInputSchema>;
export type JobKind = JobRequest['kind'];
/** A generation job as the API returns it. */
export type Job = z.infer<typeof JobSchema>;
export type JobStatus = Job['status'];
export type JobFile = Job['files'][number];
export type Providers = z.infer<typeof ProvidersSchema>;
export type ProviderOption = Providers['image'][number];

/** One page of jobs, newest first. */
export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

/** What the socket says about a job each time it moves on. */
export interface JobProgressEvent {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  progress: number;
  message: string | null;
  stepsDone: number;
  stepsTotal: number;
}

/** One scene of a short's storyboard. */
export interface StoryboardScene {
  index: number;
  startMs: number;
  endMs: number;
  text: string;
  imageMediaId: string;
}

/** A short's storyboard (its file of role `storyboard`). */
export interface Storyboard {
  version: number;
  title: string;
  language: string;
  aspectRatio: string;
  durationMs: number;
  voiceover: { mediaId: string } | null;
  scenes: StoryboardScene[];
}

/** An image of the caller's media library, as listed by GET /api/media/files. */
export interface MediaImage {
  id: string;
  name: string;
  url: string | null;
}

/** Statuses after which a job no longer changes on its own. */
export const FINISHED: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Whether the job is over (succeeded, failed or cancelled). */
export function isFinished(status: JobStatus): boolean {
  return FINISHED.includes(status);
}

/**
 * Starts a generation job. `idempotencyKey` is one per submission: sending the same request
 * again with it (a retry after a lost answer) returns the same job instead of a second one.
 */
export async function createJob(
  token: string,
  input: JobRequest,
  idempotencyKey: string,
): Promise<Job> {
  const res = await sendOk(() =>
    client.api.jobs.$post(
      { json: input, header: { 'idempotency-key': idempotencyKey } },
      bearer(token),
    ),
  );
  return (await res.json()).job;
}

/** The caller's jobs, newest first, optionally of one kind or status. */
export async function listJobs(
  token: string,
  filters: { kind?: JobKind; status?: JobStatus; cursor?: string; limit?: number } = {},
): Promise<JobPage> {
  const query: Record<string, string> = { limit: String(filters.limit ?? 20) };
  if (filters.kind) query.kind = filters.kind;
  if (filters.status) query.status = filters.status;
  if (filters.cursor) query.cursor = filters.cursor;
  const res = await sendOk(() => client.api.jobs.$get({ query }, bearer(token)));
  return await res.json();
}

/** One of the caller's jobs (404 for anyone else's). */
export async function getJob(token: string, id: string): Promise<Job> {
  const res = await sendOk(() => client.api.jobs[':id'].$get({ param: { id } }, bearer(token)));
  return await res.json();
}

/** Stops a queued or running job (409 once it has finished). */
export async function cancelJob(token: string, id: string): Promise<Job> {
  const res = await sendOk(() =>
    client.api.jobs[':id'].cancel.$post({ param: { id } }, bearer(token)),
  );
  return await res.json();
}

/** Starts a failed or cancelled job again (409 otherwise). */
export async function retryJob(token: string, id: string): Promise<Job> {
  const res = await sendOk(() =>
    client.api.jobs[':id'].retry.$post({ param: { id } }, bearer(token)),
  );
  return (await res.json()).job;
}

/** Removes a finished job from the list; its files stay in the media library. */
export async function deleteJob(token: string, id: string): Promise<void> {
  await sendOk(() => client.api.jobs[':id'].$delete({ param: { id } }, bearer(token)));
}

/** The media providers, with whether each one can be used and what to set when not. */
export async function listProviders(token: string): Promise<Providers> {
  const res = await sendOk(() => client.api.generation.providers.$get(undefined, bearer(token)));
  return await res.json();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The caller's images in the media library, newest first. An empty list when the library
 * is not there (404), so the pickers that use it simply offer nothing.
 */
export async function listMediaImages(token: string): Promise<MediaImage[]> {
  // Read untyped: the library may not be there (404), and only a few fields are used.
  const res = await send(() =>
    fetch('/api/media/files?kind=image&limit=50', {
      headers: { Authorization: `Bearer ${token}` },
      credentials: 'same-origin',
    }),
  );
  if (res.status === 404) return [];
  if (!res.ok) throw await problemFrom(res);
  const body: unknown = await res.json();
  const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
  return items.flatMap((item: unknown) => {
    if (!isRecord(item) || typeof item.id !== 'string') return [];
    if (item.status !== undefined && item.status !== 'ready') return [];
    const name = typeof item.name === 'string' ? item.name : item.id;
    const url =
      typeof item.thumbnailUrl === 'string'
        ? item.thumbnailUrl
        : typeof item.url === 'string'
          ? item.url
          : null;
    return [{ id: item.id, name, url }];
  });
}

/** Reads a short's storyboard from its signed URL. */
export async function fetchStoryboard(url: string): Promise<Storyboard> {
  const res = await sendOk(() => fetch(url, { credentials: 'same-origin' }));
  return (await res.json()) as Storyboard;
}
