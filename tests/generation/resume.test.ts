import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { call, expectProblem, json, registerUser, sql, type TestUser } from '../helpers/api';
import { type Job, startJob, waitForJob, workerVar } from '../helpers/generation';
import { providerKey } from '../helpers/profile';

async function addOpenAiKey(user: TestUser): Promise<void> {
  const res = await call('/api/keys/openai', {
    method: 'PUT',
    token: user.accessToken,
    json: { apiKey: providerKey('openai', 'valid') },
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** The callback signature WeBox puts in a provider's callback URL (see generation/webhooks.ts). */
function callbackSig(provider: string, jobId: string, step: number): string {
  const key = createHash('sha256')
    .update(`webox:generation-callback:${workerVar('JWT_SECRET')}`)
    .digest();
  return createHmac('sha256', key).update(`${provider}:${jobId}:${step}`).digest('base64url');
}

describe('multi-step jobs', () => {
  test('a provider failing mid-job fails it with its message; retry resumes at that step', async () => {
    const user = await registerUser();
    await addOpenAiKey(user);
    const job = await startJob(user, {
      kind: 'ad',
      model: 'offline/offline-brief',
      imageProvider: 'openai',
      brief: 'FAIL_AUTH a bike light',
      variants: 2,
      language: 'en',
    });
    const failed = await waitForJob(user, job.id);
    expect(failed).toMatchObject({
      status: 'failed',
      errorCode: 'PROVIDER_AUTH',
      stepsDone: 1,
      costMicros: 0,
    });
    expect(failed.error).toMatch(/key/i);
    const db = sql();
    try {
      const steps =
        await db`select step, status, attempts from generation_steps where job_id = ${job.id} order by step`;
      expect(steps).toEqual([
        { step: 0, status: 'done', attempts: 1 },
        { step: 1, status: 'failed', attempts: 1 },
        { step: 2, status: 'pending', attempts: 0 },
      ]);
      expect(await db`select 1 from usage_events where user_id = ${user.id}`).toHaveLength(0);

      const retried = await call(`/api/jobs/${job.id}/retry`, {
        method: 'POST',
        token: user.accessToken,
      });
      expect(retried.status).toBe(202);
      const again = await waitForJob(user, job.id);
      expect(again).toMatchObject({ status: 'failed', attempts: 2 });
      // The copy step that had succeeded was not run again.
      const [copy] =
        await db`select attempts, status from generation_steps where job_id = ${job.id} and step = 0`;
      expect(copy).toEqual({ attempts: 1, status: 'done' });
    } finally {
      await db.end();
    }
  });

  test('an ad drawn by Stability with offline copy: each file and variant says which is offline', async () => {
    const user = await registerUser();
    const job = await startJob(user, {
      kind: 'ad',
      model: 'offline/offline-brief',
      imageProvider: 'stability',
      brief: 'A ceramic teapot',
      variants: 2,
      language: 'en',
    });
    expect(job.offline).toBe(false);
    const done = await waitForJob(user, job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.costMicros).toBeGreaterThan(0);
    // The job as a whole is not offline, but its copy was written by the offline writer.
    const variants = (done.data?.variants ?? []) as { headline: string; offline: boolean }[];
    expect(variants).toHaveLength(2);
    expect(variants.map((variant) => variant.offline)).toEqual([true, true]);
    expect(done.files.map((file) => [file.role, file.offline])).toEqual([
      ['image', false],
      ['image', false],
    ]);
    for (const file of done.files) expect(file.name).not.toMatch(/-offline\./);
    const db = sql();
    try {
      const usage = await db`select provider, reference, cost_micros::int as cost from usage_events
                             where user_id = ${user.id} order by reference`;
      expect(usage.map((row) => [row.provider, row.reference])).toEqual([
        ['stability', `gen:${job.id}:1`],
        ['stability', `gen:${job.id}:2`],
      ]);
      expect(usage.reduce((sum, row) => sum + (row.cost as number), 0)).toBe(done.costMicros);
    } finally {
      await db.end();
    }
  });

  test('a short with an OpenAI voice and offline script and pictures labels each file', async () => {
    const user = await registerUser();
    await addOpenAiKey(user);
    const job = await startJob(user, {
      kind: 'short',
      model: 'offline/offline-brief',
      speechProvider: 'openai',
      topic: 'Three tips to sleep better',
      scenes: 3,
      durationSeconds: 15,
      language: 'en',
    });
    expect(job.offline).toBe(false);
    const done = await waitForJob(user, job.id, undefined, 90_000);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.data).toMatchObject({ scriptOffline: true });
    const labels = done.files.map((file) => [
      file.role,
      file.offline,
      /-offline\.\w+$/.test(file.name),
    ]);
    expect(labels).toEqual([
      ['voice', false, false],
      ['scene', true, true],
      ['scene', true, true],
      ['scene', true, true],
      ['storyboard', true, true],
    ]);
    const media = await call(`/api/media/files/${done.files[0]?.mediaId}`, {
      token: user.accessToken,
    });
    expect(media.status).toBe(200);
    expect(await json<{ offline: boolean }>(media)).toMatchObject({ offline: false });
    const scene = await call(`/api/media/files/${done.files[1]?.mediaId}`, {
      token: user.accessToken,
    });
    expect(await json<{ offline: boolean; name: string }>(scene)).toMatchObject({ offline: true });
  });

  test('a provider callback needs our signature and only makes us poll sooner', async () => {
    const user = await registerUser();
    const job = await startJob(user, {
      kind: 'video',
      provider: 'luma',
      prompt: 'fog over a lake',
      durationSeconds: 5,
    });
    await waitForJob(user, job.id, ['running', 'succeeded', 'failed']);
    const path = `/api/generation/callbacks/luma?job=${job.id}&step=0`;
    await expectProblem(
      await call(`${path}&sig=${'A'.repeat(43)}`, { method: 'POST', json: { state: 'completed' } }),
      401,
      'UNAUTHORIZED',
    );
    const forgedStep = await call(
      `/api/generation/callbacks/luma?job=${job.id}&step=1&sig=${callbackSig('luma', job.id, 0)}`,
      {
        method: 'POST',
        json: {},
      },
    );
    await expectProblem(forgedStep, 401, 'UNAUTHORIZED');
    const genuine = await call(`${path}&sig=${callbackSig('luma', job.id, 0)}`, {
      method: 'POST',
      json: { id: 'whatever', state: 'completed' },
    });
    expect(genuine.status).toBe(200);
    expect(['polling', 'ignored']).toContain((await json<{ outcome: string }>(genuine)).outcome);
    const done = await waitForJob(user, job.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.files.map((file: Job['files'][number]) => file.contentType)).toEqual(['video/mp4']);
  });
});
