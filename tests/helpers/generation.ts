import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { expect, inject } from 'vitest';
import { baseUrl, call, json, type TestUser } from './api';

export interface JobFile {
  mediaId: string;
  role: string;
  name: string;
  contentType: string;
  size: number;
  /** Made by WeBox's offline generator (the name then ends in `-offline.ext`). */
  offline: boolean;
  url: string;
}

export interface Job {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  progressMessage: string | null;
  provider: string;
  model: string;
  offline: boolean;
  input: Record<string, unknown>;
  error: string | null;
  errorCode: string | null;
  costMicros: number;
  attempts: number;
  stepsTotal: number;
  stepsDone: number;
  files: JobFile[];
  data: Record<string, unknown> | null;
}

/** A variable the test stack gave the Worker (read from its generated env file). */
export function workerVar(name: string): string {
  const text = readFileSync(inject('workerEnvFile'), 'utf8');
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && line.slice(0, at) === name) return JSON.parse(line.slice(at + 1)) as string;
  }
  throw new Error(`${name} is not in the worker env`);
}

/** Signs a callback exactly the way QStash does (HS256 JWT over the URL and body hash). */
export async function signQStash(url: string, body: string, key?: string): Promise<string> {
  const secret = new TextEncoder().encode(key ?? workerVar('QSTASH_CURRENT_SIGNING_KEY'));
  const hash = createHash('sha256').update(body).digest('base64url');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ body: hash.padEnd(Math.ceil(hash.length / 4) * 4, '=') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('Upstash')
    .setSubject(url)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 300)
    .setJti(randomUUID())
    .sign(secret);
}

/** Delivers one step callback as QStash would (or with the signature given). */
export async function deliverStep(
  jobId: string,
  step: number,
  attempt: number,
  options: { signature?: string | null; body?: string } = {},
): Promise<Response> {
  const path = `/api/jobs/${jobId}/step`;
  const body = options.body ?? JSON.stringify({ jobId, step, attempt });
  const signature =
    options.signature === undefined
      ? await signQStash(new URL(path, baseUrl()).toString(), body)
      : options.signature;
  return call(path, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      ...(signature === null ? {} : { 'Upstash-Signature': signature }),
    },
  });
}

/** Starts a job and returns it (asserting 202). */
export async function startJob(
  user: TestUser,
  input: Record<string, unknown>,
  idempotencyKey?: string,
): Promise<Job> {
  const res = await call('/api/jobs', {
    json: input,
    token: user.accessToken,
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await json<{ job: Job }>(res)).job;
}

/** Polls the job until it reaches one of `statuses`. */
export async function waitForJob(
  user: TestUser,
  id: string,
  statuses: Job['status'][] = ['succeeded', 'failed', 'cancelled'],
  timeoutMs = 60_000,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  let last: Job | undefined;
  while (Date.now() < deadline) {
    const res = await call(`/api/jobs/${id}`, { token: user.accessToken });
    expect(res.status).toBe(200);
    last = await json<Job>(res);
    if (statuses.includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `job ${id} still ${last?.status} (${last?.progressMessage}) after ${timeoutMs} ms`,
  );
}

/** Downloads a job file through its signed URL. */
export async function download(file: JobFile): Promise<Uint8Array> {
  const res = await fetch(new URL(file.url, baseUrl()));
  expect(res.status, file.url).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}
