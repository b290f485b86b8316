import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '../helpers/api';

/** A fresh address in the benchmarking range; `net` keeps two of them apart. */
const randomIp = (net: 18 | 19) => `198.${net}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/**
 * The edge Worker hands generation, media, the shop and the webhooks to the jobs Worker
 * (functions/platform/jobs-worker.ts): seen from outside it is still one API.
 */
describe('the edge Worker and the jobs Worker answer as one API', () => {
  it('lists the operations of both Workers in one OpenAPI document', async () => {
    const res = await call('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    for (const path of ['/api/me', '/v1/chat/completions', '/api/conversations']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    for (const path of ['/api/jobs/{id}', '/api/checkout', '/api/webhooks/stripe']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/webhooks/stripe']).toHaveProperty('post');
    expect(doc.components.securitySchemes).toHaveProperty('bearerAuth');
  });

  it('keeps the request id across the two Workers', async () => {
    const id = `split-${Date.now()}`;
    const res = await call('/api/jobs', { headers: { 'X-Request-Id': id } });
    expect(res.status).toBe(401);
    expect(res.headers.get('X-Request-Id')).toBe(id);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
  });

  it('answers 405 with Allow for a jobs path under another method', async () => {
    const res = await call('/api/webhooks/stripe', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('POST');
  });

  it('counts an anonymous limit by the caller IP the edge Worker saw', async () => {
    const remaining = async (ip: string) => {
      const res = await call('/api/cart?locale=en', { method: 'DELETE', ip });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return Number(res.headers.get('RateLimit-Remaining'));
    };
    const [a, b] = [randomIp(18), randomIp(19)];
    const a1 = await remaining(a);
    const a2 = await remaining(a);
    const b1 = await remaining(b);
    expect(a2).toBeLessThan(a1);
    // Another address has its own allowance: the IP reached the jobs Worker. Counted under
    // one subject, b1 would be below a2.
    expect(b1).toBeGreaterThan(a2);
  });

  it('sends CORS and security headers on a forwarded answer', async () => {
    const res = await call('/api/plans', { headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});
