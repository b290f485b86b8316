import { describe, expect, it } from 'vitest';
import type { Health } from '../../functions/monitoring/schemas';
import { call, json } from '../helpers/api';

describe('health', () => {
  it('reports every dependency ok', async () => {
    const res = await call('/api/health');
    const body = await json<Health>(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('ok');
    for (const name of ['database', 'redis', 'qstash', 'r2'] as const) {
      expect(body.checks[name]).toMatchObject({ status: 'ok' });
      expect(body.checks[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.checks.qstash.required).toBe(false);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
