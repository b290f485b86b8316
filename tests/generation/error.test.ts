import { describe, expect, test } from 'vitest';
import { call, expectProblem, json, registerUser, sql, type TestUser } from '../helpers/api';
import { type Job, startJob, waitForJob } from '../helpers/generation';
import { providerKey } from '../helpers/profile';

async function countJobs(user: TestUser): Promise<number> {
  const db = sql();
  try {
    const [row] =
      await db`select count(*)::int as n from generation_jobs where user_id = ${user.id}`;
    return row?.n as number;
  } finally {
    await db.end();
  }
}

async function addOpenAiKey(user: TestUser): Promise<void> {
  const res = await call('/api/keys/openai', {
    method: 'PUT',
    token: user.accessToken,
    json: { apiKey: providerKey('openai', 'valid') },
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

describe('generation: refused requests write nothing', () => {
  test('bad JSON, wrong types, unknown kind, too many images, unknown model', async () => {
    const user = await registerUser();
    const post = (body: string) =>
      call('/api/jobs', {
        method: 'POST',
        body,
        token: user.accessToken,
        headers: { 'Content-Type': 'application/json' },
      });
    await expectProblem(await post('{"kind":'), 400, 'INVALID_JSON');
    await expectProblem(
      await post(JSON.stringify({ kind: 'image', provider: 'offline', prompt: 7 })),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await post(JSON.stringify({ kind: 'painting', prompt: 'x' })),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await post(JSON.stringify({ kind: 'image', provider: 'offline', prompt: 'x', n: 5 })),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await post(JSON.stringify({ kind: 'ebook', model: 'nobody/none', title: 't', subject: 's' })),
      422,
      'MODEL_UNAVAILABLE',
    );
    await expectProblem(
      await post(
        JSON.stringify({
          kind: 'ebook',
          model: 'offline/offline-brief',
          title: 't',
          subject: 's',
          chapters: 21,
        }),
      ),
      400,
      'VALIDATION_FAILED',
    );
    const huge = JSON.stringify({
      kind: 'image',
      provider: 'offline',
      prompt: 'x'.repeat(1_100_000),
    });
    await expectProblem(await post(huge), 413, 'PAYLOAD_TOO_LARGE');
    expect(await countJobs(user)).toBe(0);
  });

  test('a provider without a key is 424 naming what to set, and nothing is written', async () => {
    const user = await registerUser();
    const res = await call('/api/jobs', {
      json: { kind: 'image', provider: 'openai', prompt: 'a cat' },
      token: user.accessToken,
    });
    const problem = await expectProblem(res, 424, 'PROVIDER_NOT_CONFIGURED');
    expect(problem.detail).toMatch(/OPENAI_API_KEY|own openai key/i);
    expect(await countJobs(user)).toBe(0);
  });

  test('a spent monthly generation budget is 429 for paid providers; offline still works', async () => {
    const user = await registerUser();
    await addOpenAiKey(user);
    const db = sql();
    try {
      await db`insert into usage_events (user_id, source, reference, provider, model, input_tokens, output_tokens, cost_micros)
               values (${user.id}, 'generation', ${`test:${user.id}`}, 'openai', 'gpt-image-1', 0, 0, 2000000)`;
    } finally {
      await db.end();
    }
    const res = await call('/api/jobs', {
      json: { kind: 'image', provider: 'openai', prompt: 'a cat' },
      token: user.accessToken,
    });
    const problem = await expectProblem(res, 429, 'QUOTA_EXCEEDED');
    expect(problem.detail).toMatch(/generation budget.*free plan/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await countJobs(user)).toBe(0);
    await startJob(user, { kind: 'image', provider: 'offline', prompt: 'a cat' });
  });

  test('without auth every route is 401', async () => {
    const id = crypto.randomUUID();
    for (const [method, path] of [
      ['GET', '/api/jobs'],
      ['POST', '/api/jobs'],
      ['GET', `/api/jobs/${id}`],
      ['POST', `/api/jobs/${id}/cancel`],
      ['POST', `/api/jobs/${id}/retry`],
      ['DELETE', `/api/jobs/${id}`],
      ['GET', '/api/generation/providers'],
    ] as const) {
      const res = await call(path, { method, ...(method === 'POST' ? { json: {} } : {}) });
      await expectProblem(res, 401, 'UNAUTHORIZED');
    }
  });

  test('a referenced image that is not yours is a 404 and no job', async () => {
    const user = await registerUser();
    const res = await call('/api/jobs', {
      json: { kind: 'image', provider: 'offline', prompt: 'x', sourceMediaId: crypto.randomUUID() },
      token: user.accessToken,
    });
    await expectProblem(res, 404, 'NOT_FOUND');
    expect(await countJobs(user)).toBe(0);
  });
});

describe('generation: failures', () => {
  test('a refused key fails the job with our message and charges nothing', async () => {
    const user = await registerUser();
    await addOpenAiKey(user);
    const job = await startJob(user, {
      kind: 'image',
      provider: 'openai',
      prompt: 'FAIL_AUTH a cat',
    });
    const done = await waitForJob(user, job.id);
    expect(done).toMatchObject({ status: 'failed', errorCode: 'PROVIDER_AUTH', costMicros: 0 });
    expect(done.error).toMatch(/key/i);
    expect(done.files).toEqual([]);
    const db = sql();
    try {
      const usage = await db`select 1 from usage_events where user_id = ${user.id}`;
      expect(usage).toHaveLength(0);
      // The notification is written once the failure is recorded, so it may trail the job.
      await expect
        .poll(
          async () =>
            (await db`select type from notifications where user_id = ${user.id}`).map(
              (n) => n.type,
            ),
          { timeout: 10_000 },
        )
        .toEqual(['job.failed']);
    } finally {
      await db.end();
    }
  });

  test('a vendor answering 500 is retried, then the job fails with no charge', async () => {
    const user = await registerUser();
    await addOpenAiKey(user);
    const job = await startJob(user, {
      kind: 'image',
      provider: 'openai',
      prompt: 'FAIL_500 a dog',
    });
    const done = await waitForJob(user, job.id, undefined, 60_000);
    expect(done).toMatchObject({ status: 'failed', errorCode: 'PROVIDER_ERROR', costMicros: 0 });
    const db = sql();
    try {
      const [step] =
        await db`select attempts, status from generation_steps where job_id = ${job.id}`;
      expect(step).toMatchObject({ attempts: 3, status: 'failed' });
      expect(await db`select 1 from usage_events where user_id = ${user.id}`).toHaveLength(0);
    } finally {
      await db.end();
    }
  });

  test('an OpenAI image through the official SDK is stored and billed once', async () => {
    const user = await registerUser();
    await addOpenAiKey(user);
    const job = await startJob(user, { kind: 'image', provider: 'openai', prompt: 'a lighthouse' });
    const done = await waitForJob(user, job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.offline).toBe(false);
    expect(done.costMicros).toBeGreaterThan(0);
    const db = sql();
    try {
      const usage =
        await db`select source, provider, cost_micros::int as cost from usage_events where user_id = ${user.id}`;
      expect(usage).toEqual([{ source: 'generation', provider: 'openai', cost: done.costMicros }]);
    } finally {
      await db.end();
    }
  });

  test('the sweeper fails a job past its deadline and says so', async () => {
    const user = await registerUser();
    const job = await startJob(user, { kind: 'image', provider: 'offline', prompt: 'slow' });
    await waitForJob(user, job.id);
    const db = sql();
    try {
      const [stuck] = await db`insert into generation_jobs
          (user_id, kind, provider, model, input, status, steps_total, deadline_at)
        values (${user.id}, 'image', 'offline', 'offline', ${db.json({ kind: 'image', provider: 'offline', prompt: 'x' })},
                'running', 1, now() - interval '1 minute') returning id`;
      expect((await call('/__scheduled?cron=*/15+*+*+*+*')).status).toBe(200);
      const swept = await waitForJob(user, stuck?.id as string);
      expect(swept).toMatchObject({ status: 'failed', errorCode: 'DEADLINE_EXCEEDED' });
    } finally {
      await db.end();
    }
  });

  test('cancel a running video render; retry and delete follow the rules', async () => {
    const user = await registerUser();
    const job = await startJob(user, {
      kind: 'video',
      provider: 'runway',
      prompt: 'a slow pan over Paris',
    });
    await waitForJob(user, job.id, ['running']);
    const cancelled = await call(`/api/jobs/${job.id}/cancel`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect(cancelled.status).toBe(200);
    expect((await json<Job>(cancelled)).status).toBe('cancelled');
    await expectProblem(
      await call(`/api/jobs/${job.id}/cancel`, { method: 'POST', token: user.accessToken }),
      409,
      'CONFLICT',
    );
    // Polls already queued find the job cancelled and change nothing.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await waitForJob(user, job.id);
    expect(after).toMatchObject({ status: 'cancelled', files: [] });

    const retried = await call(`/api/jobs/${job.id}/retry`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect(retried.status, await retried.clone().text()).toBe(202);
    const finished = await waitForJob(user, job.id, ['succeeded', 'failed'], 60_000);
    expect(finished.status, finished.error ?? '').toBe('succeeded');
    expect(finished.attempts).toBe(2);
    expect(finished.files.map((file) => file.role)).toEqual(['video']);
    await expectProblem(
      await call(`/api/jobs/${job.id}/retry`, { method: 'POST', token: user.accessToken }),
      409,
      'CONFLICT',
    );
    const deleted = await call(`/api/jobs/${job.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(deleted.status).toBe(204);
    // The file stays in the media library.
    const media = await call(`/api/media/files/${finished.files[0]?.mediaId}`, {
      token: user.accessToken,
    });
    expect(media.status).toBe(200);
  });
});
