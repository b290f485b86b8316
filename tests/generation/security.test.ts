import { describe, expect, test } from 'vitest';
import {
  baseUrl,
  call,
  expectProblem,
  json,
  registerUser,
  sql,
  type TestUser,
} from '../helpers/api';
import { deliverStep, type Job, signQStash, startJob, waitForJob } from '../helpers/generation';
import { open, wsUrl } from '../notifications/sockets';

/** A job written straight to the database (no QStash message), so tests deliver its steps. */
async function parkedImageJob(user: TestUser, n = 1): Promise<string> {
  const db = sql();
  try {
    const input = {
      kind: 'image',
      provider: 'offline',
      prompt: 'parked',
      n,
      size: '1024x1024',
      quality: 'standard',
      style: 'vivid',
    };
    const [job] = await db`insert into generation_jobs
        (user_id, kind, provider, model, input, steps_total, deadline_at)
      values (${user.id}, 'image', 'offline', 'offline', ${db.json(input)}, 1, now() + interval '10 minutes')
      returning id`;
    await db`insert into generation_steps (job_id, step, name) values (${job?.id}, 0, 'images')`;
    return job?.id as string;
  } finally {
    await db.end();
  }
}

async function stepState(jobId: string) {
  const db = sql();
  try {
    const [step] =
      await db`select status, attempts from generation_steps where job_id = ${jobId} and step = 0`;
    const [files] = await db`select count(*)::int as n from media_files where job_id = ${jobId}`;
    const [job] = await db`select status, steps_done from generation_jobs where id = ${jobId}`;
    return { step, files: files?.n as number, job };
  } finally {
    await db.end();
  }
}

describe('QStash step callbacks', () => {
  test('a missing, forged or mismatched signature is refused and changes nothing', async () => {
    const user = await registerUser();
    const jobId = await parkedImageJob(user);
    const before = await stepState(jobId);
    await expectProblem(await deliverStep(jobId, 0, 1, { signature: null }), 401, 'UNAUTHORIZED');
    await expectProblem(
      await deliverStep(jobId, 0, 1, { signature: 'not-a-jwt' }),
      401,
      'UNAUTHORIZED',
    );
    const body = JSON.stringify({ jobId, step: 0, attempt: 1 });
    const url = new URL(`/api/jobs/${jobId}/step`, baseUrl()).toString();
    const wrongKey = await signQStash(url, body, 'sig_wrongkeywrongkeywrongkey');
    await expectProblem(
      await deliverStep(jobId, 0, 1, { signature: wrongKey }),
      401,
      'UNAUTHORIZED',
    );
    // Signed for another URL, and for another body: both refused.
    const otherUrl = await signQStash(url.replace(jobId, crypto.randomUUID()), body);
    await expectProblem(
      await deliverStep(jobId, 0, 1, { signature: otherUrl }),
      401,
      'UNAUTHORIZED',
    );
    const other = await deliverStep(jobId, 0, 1, {
      signature: await signQStash(url, JSON.stringify({ jobId, step: 0, attempt: 2 })),
      body,
    });
    await expectProblem(other, 401, 'UNAUTHORIZED');
    expect(await stepState(jobId)).toEqual(before);
    expect(before.step).toMatchObject({ status: 'pending', attempts: 0 });
  });

  test('the same step delivered twice at once runs once', async () => {
    const user = await registerUser();
    const jobId = await parkedImageJob(user, 2);
    const answers = await Promise.all([deliverStep(jobId, 0, 1), deliverStep(jobId, 0, 1)]);
    const outcomes = await Promise.all(
      answers.map(async (res) => {
        expect(res.status).toBe(200);
        return (await json<{ outcome: string }>(res)).outcome;
      }),
    );
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(1);
    const again = await json<{ outcome: string }>(await deliverStep(jobId, 0, 1));
    expect(again.outcome).toBe('finished');
    const state = await stepState(jobId);
    expect(state).toEqual({
      step: { status: 'done', attempts: 1 },
      files: 2,
      job: { status: 'succeeded', steps_done: 1 },
    });
  });

  test('a message of an earlier attempt is ignored', async () => {
    const user = await registerUser();
    const jobId = await parkedImageJob(user);
    const res = await deliverStep(jobId, 0, 7);
    expect((await json<{ outcome: string }>(res)).outcome).toBe('stale');
    expect((await stepState(jobId)).step).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('jobs belong to their owner', () => {
  test("someone else's job is a 404 on every route, absent from lists and silent on sockets", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const tokenRes = await call('/api/notifications/socket-token', {
      method: 'POST',
      token: other.accessToken,
    });
    const spy = await open(wsUrl((await json<{ url: string }>(tokenRes)).url));
    const job = await startJob(owner, { kind: 'image', provider: 'offline', prompt: 'private' });
    await waitForJob(owner, job.id);
    for (const [method, path] of [
      ['GET', `/api/jobs/${job.id}`],
      ['POST', `/api/jobs/${job.id}/cancel`],
      ['POST', `/api/jobs/${job.id}/retry`],
      ['DELETE', `/api/jobs/${job.id}`],
    ] as const) {
      await expectProblem(await call(path, { method, token: other.accessToken }), 404, 'NOT_FOUND');
    }
    const list = await json<{ items: Job[] }>(
      await call('/api/jobs', { token: other.accessToken }),
    );
    expect(list.items).toEqual([]);
    expect(spy.messages.filter((m) => m.type !== 'hello')).toEqual([]);
    spy.socket.close();
    // Still the owner's, untouched.
    const mine = await waitForJob(owner, job.id);
    expect(mine.status).toBe('succeeded');
  });

  test('a signed file URL is refused once tampered with', async () => {
    const user = await registerUser();
    const job = await startJob(user, { kind: 'image', provider: 'offline', prompt: 'signed' });
    const done = await waitForJob(user, job.id);
    const url = done.files[0]?.url as string;
    expect((await call(url)).status).toBe(200);
    const tampered = url.replace(/sig=([^&]+)/, (_, sig: string) => `sig=${sig.slice(0, -2)}AA`);
    expect((await call(tampered)).status).toBe(403);
  });
});
