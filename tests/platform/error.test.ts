import { describe, expect, it } from 'vitest';
import { baseUrl, call, expectProblem, json, type Problem } from '../helpers/api';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

describe('platform: every failure is problem+json', () => {
  it('404 for an unknown API route', async () => {
    const problem = await expectProblem(await call('/api/nope'), 404, 'NOT_FOUND');
    expect(problem.title).toBe('Not found');
  });

  it('405 with Allow for a known path and the wrong method', async () => {
    const res = await call('/api/auth/login', { method: 'GET' });
    await expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('POST');
    const del = await call('/api/me', { method: 'DELETE' });
    await expectProblem(del, 405, 'METHOD_NOT_ALLOWED');
    expect(del.headers.get('allow')).toBe('GET');
  });

  it('echoes a sane client request id and makes one otherwise', async () => {
    const mine = await call('/api/nope', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    expect((await json<Problem>(mine)).requestId).toBe('trace-123');
    const bad = await call('/api/nope', { headers: { 'X-Request-Id': 'has spaces <script>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await call('/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('allows CORS for the site origin only', async () => {
    const preflight = (origin: string) =>
      call('/api/auth/login', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const ok = await preflight(baseUrl());
    expect(ok.headers.get('access-control-allow-origin')).toBe(baseUrl());
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the site shell for non-API paths', async () => {
    const res = await call('/chat');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<div id="app"/);
  });
});

describe('platform: API documentation', () => {
  it('publishes OpenAPI 3.1 covering every route', async () => {
    const res = await call('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await json<OpenApiDoc>(res);
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(ops.sort()).toEqual(
      [
        'GET /api/health',
        'POST /api/auth/register',
        'POST /api/auth/login',
        'POST /api/auth/refresh',
        'POST /api/auth/logout',
        'GET /api/me',
        'POST /api/notifications/socket-token',
        'GET /api/notifications/socket',
        'GET /api/admin/outbox',
        'GET /api/admin/users',
        'POST /api/admin/users/{id}/disable',
        'POST /api/admin/users/{id}/enable',
        'POST /api/auth/verify-email',
        'POST /api/auth/verify-email/resend',
        'POST /api/auth/verify-email/request',
        'GET /api/auth/verification-status',
        'POST /api/auth/forgot-password',
        'POST /api/auth/reset-password',
        'POST /api/auth/reauthenticate',
        'POST /api/auth/change-password',
        'GET /api/auth/sessions',
        'DELETE /api/auth/sessions/{id}',
        'POST /api/auth/sessions/revoke-others',
        'GET /api/profile',
        'PATCH /api/profile',
        'POST /api/profile/email',
        'POST /api/profile/email/confirm',
        'PUT /api/profile/avatar',
        'GET /api/profile/avatar',
        'DELETE /api/profile/avatar',
        'GET /api/profile/stats',
        'GET /api/profile/activity',
        'GET /api/keys',
        'PUT /api/keys/{provider}',
        'DELETE /api/keys/{provider}',
        'POST /api/keys/{provider}/test',
        'POST /api/admin/keys/rotate',
        'GET /api/auth/2fa',
        'POST /api/auth/2fa/totp/setup',
        'POST /api/auth/2fa/totp/enable',
        'POST /api/auth/2fa/totp/disable',
        'POST /api/auth/2fa/recovery-codes',
        'POST /api/auth/login/2fa',
        'POST /api/auth/passkeys/register/options',
        'POST /api/auth/passkeys/register/verify',
        'POST /api/auth/passkeys/login/options',
        'POST /api/auth/passkeys/login/verify',
        'GET /api/auth/passkeys',
        'PATCH /api/auth/passkeys/{id}',
        'DELETE /api/auth/passkeys/{id}',
      ].sort(),
    );
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('serves the interactive reference with its script from our own origin', async () => {
    const res = await call('/api/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/vendor/scalar/standalone.js');
    expect(html).toContain('/api/openapi.json');
    const script = await call('/vendor/scalar/standalone.js');
    expect(script.status).toBe(200);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
