import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../functions/monitoring/service';
import type { Bindings } from '../../functions/platform/env';

function env(overrides: Record<string, unknown>): Bindings {
  return {
    APP_ORIGIN: 'http://localhost:8787',
    MEDIA: { head: async () => null },
    ...overrides,
  } as unknown as Bindings;
}

describe('health service', () => {
  it('fails required dependencies with a reason that leaks no address', async () => {
    const health = await checkHealth(
      env({ DATABASE_URL: 'postgres://u:secret-pw@127.0.0.1:1/db' }),
      () => {},
    );
    expect(health.status).toBe('failing');
    expect(health.checks.database.status).toBe('failing');
    expect(health.checks.database.reason).toBeTruthy();
    expect(health.checks.database.reason).not.toMatch(/127\.0\.0\.1|secret-pw/);
    expect(health.checks.redis).toMatchObject({
      status: 'failing',
      reason: 'not configured: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN',
    });
    expect(health.checks.r2.status).toBe('ok');
  });

  it('reports R2 errors', async () => {
    const health = await checkHealth(
      env({
        MEDIA: {
          head: async () => {
            throw new Error('bucket gone');
          },
        },
      }),
      () => {},
    );
    expect(health.checks.r2).toMatchObject({ status: 'failing', reason: 'bucket gone' });
  });
});
