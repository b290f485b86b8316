import { describe, expect, it } from 'vitest';
import type { Health, PublicHealth } from '../../functions/monitoring/schemas';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, randomIp, registerUser } from '../helpers/api';

describe('health', () => {
  it('tells anyone only up or down', async () => {
    const res = await call('/api/health');
    const body = await json<PublicHealth>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ status: 'up' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('tells a signed-in user, or a forged token, no more than anyone', async () => {
    const user = await registerUser();
    const mine = await json<PublicHealth>(await call('/api/health', { token: user.accessToken }));
    expect(mine).toEqual({ status: 'up' });
    const forged = await call('/api/health', { token: 'not.a.token' });
    expect(forged.status).toBe(200);
    expect(await json<PublicHealth>(forged)).toEqual({ status: 'up' });
  });

  it('reports every dependency to an administrator', async () => {
    const admin = await createAdmin();
    const res = await call('/api/health', { token: admin.accessToken });
    const body = await json<Health>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('ok');
    for (const name of ['database', 'redis', 'qstash', 'r2'] as const) {
      expect(body.checks[name]).toMatchObject({ status: 'ok' });
      expect(body.checks[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.checks.qstash.required).toBe(false);
  });

  it('is rate limited per IP', async () => {
    // 120 per 10 s window; a run may straddle two windows, so up to 240 may pass first.
    const ip = randomIp();
    let passed = 0;
    let limited: Response | undefined;
    for (let batch = 0; batch < 13 && !limited; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => call('/api/health', { ip })),
      );
      passed += answers.filter((res) => res.status === 200).length;
      limited = answers.find((res) => res.status === 429);
    }
    expect(limited, 'no 429 after 260 health checks from one IP').toBeDefined();
    expect(passed).toBeLessThanOrEqual(240);
    const problem = await expectProblem(limited as Response, 429, 'RATE_LIMITED');
    expect(problem.detail).toMatch(/try again/);
    expect(limited?.headers.get('retry-after')).toBe('10');
    // Another caller is not affected.
    expect((await call('/api/health')).status).toBe(200);
  });
});
