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
    // Every operation the Worker serves, so an undocumented route fails here.
    expect(ops.sort()).toEqual(
      [
        'DELETE /api/admin/product-categories/{id}',
        'DELETE /api/admin/products/{id}',
        'DELETE /api/admin/products/{id}/images/{imageId}',
        'DELETE /api/admin/promo-codes/{id}',
        'DELETE /api/agents/{id}',
        'DELETE /api/agents/{id}/share',
        'DELETE /api/auth/passkeys/{id}',
        'DELETE /api/auth/sessions/{id}',
        'DELETE /api/cart',
        'DELETE /api/cart/items/{productId}',
        'DELETE /api/conversations/{id}',
        'DELETE /api/jobs/{id}',
        'DELETE /api/keys/{provider}',
        'DELETE /api/media/files/{id}',
        'DELETE /api/media/folders/{id}',
        'DELETE /api/media/uploads/{fileId}',
        'DELETE /api/notifications/{id}',
        'DELETE /api/profile/avatar',
        'DELETE /api/prompts/{id}',
        'DELETE /api/prompts/{id}/favorite',
        'DELETE /api/tokens/{id}',
        'DELETE /api/wishlist/{productId}',
        'GET /api/admin/models',
        'GET /api/admin/orders',
        'GET /api/admin/orders.csv',
        'GET /api/admin/orders/{id}',
        'GET /api/admin/outbox',
        'GET /api/admin/products',
        'GET /api/admin/products/{id}',
        'GET /api/admin/promo-codes',
        'GET /api/admin/promo-codes/{id}',
        'GET /api/admin/promo-codes/{id}/stats',
        'GET /api/admin/reviews',
        'GET /api/admin/users',
        'GET /api/agents',
        'GET /api/agents/shared/{token}',
        'GET /api/agents/{id}',
        'GET /api/auth/2fa',
        'GET /api/auth/passkeys',
        'GET /api/auth/sessions',
        'GET /api/auth/verification-status',
        'GET /api/cart',
        'GET /api/chat/attachments/{id}',
        'GET /api/conversations',
        'GET /api/conversations/{id}',
        'GET /api/conversations/{id}/export',
        'GET /api/conversations/{id}/stream',
        'GET /api/generation/providers',
        'GET /api/health',
        'GET /api/invoices/{id}/pdf',
        'GET /api/jobs',
        'GET /api/jobs/{id}',
        'GET /api/keys',
        'GET /api/me',
        'GET /api/media/files',
        'GET /api/media/files/{id}',
        'GET /api/media/files/{id}/content',
        'GET /api/media/folders',
        'GET /api/media/signed/{id}',
        'GET /api/media/storage',
        'GET /api/models',
        'GET /api/notifications',
        'GET /api/notifications/preferences',
        'GET /api/notifications/socket',
        'GET /api/orders',
        'GET /api/orders/{id}',
        'GET /api/plans',
        'GET /api/plans/subscription',
        'GET /api/product-categories',
        'GET /api/products',
        'GET /api/products/{id}/images/{imageId}',
        'GET /api/products/{id}/reviews',
        'GET /api/products/{slug}',
        'GET /api/profile',
        'GET /api/profile/activity',
        'GET /api/profile/avatar',
        'GET /api/profile/stats',
        'GET /api/prompts',
        'GET /api/prompts/categories',
        'GET /api/prompts/{id}',
        'GET /api/tokens',
        'GET /api/usage',
        'GET /api/wishlist',
        'GET /api/wishlist/{productId}',
        'GET /v1/models',
        'GET /v1/models/{model}',
        'GET /v1/models/{provider}/{model}',
        'PATCH /api/admin/models/{id}',
        'PATCH /api/admin/product-categories/{id}',
        'PATCH /api/admin/products/{id}',
        'PATCH /api/admin/promo-codes/{id}',
        'PATCH /api/agents/{id}',
        'PATCH /api/auth/passkeys/{id}',
        'PATCH /api/cart/items/{productId}',
        'PATCH /api/conversations/{id}',
        'PATCH /api/media/files/{id}',
        'PATCH /api/media/folders/{id}',
        'PATCH /api/profile',
        'PATCH /api/prompts/{id}',
        'PATCH /api/reviews/{id}',
        'POST /api/admin/announcements',
        'POST /api/admin/keys/rotate',
        'POST /api/admin/models',
        'POST /api/admin/orders/{id}/confirm-transfer',
        'POST /api/admin/orders/{id}/refund',
        'POST /api/admin/product-categories',
        'POST /api/admin/products',
        'POST /api/admin/promo-codes',
        'POST /api/admin/reviews/{id}/approve',
        'POST /api/admin/reviews/{id}/reject',
        'POST /api/admin/users/{id}/disable',
        'POST /api/admin/users/{id}/enable',
        'POST /api/agents',
        'POST /api/agents/shared/{token}/duplicate',
        'POST /api/agents/{id}/duplicate',
        'POST /api/agents/{id}/share',
        'POST /api/auth/2fa/recovery-codes',
        'POST /api/auth/2fa/totp/disable',
        'POST /api/auth/2fa/totp/enable',
        'POST /api/auth/2fa/totp/setup',
        'POST /api/auth/change-password',
        'POST /api/auth/forgot-password',
        'POST /api/auth/login',
        'POST /api/auth/login/2fa',
        'POST /api/auth/logout',
        'POST /api/auth/passkeys/login/options',
        'POST /api/auth/passkeys/login/verify',
        'POST /api/auth/passkeys/register/options',
        'POST /api/auth/passkeys/register/verify',
        'POST /api/auth/reauthenticate',
        'POST /api/auth/refresh',
        'POST /api/auth/register',
        'POST /api/auth/reset-password',
        'POST /api/auth/sessions/revoke-others',
        'POST /api/auth/verify-email',
        'POST /api/auth/verify-email/request',
        'POST /api/auth/verify-email/resend',
        'POST /api/cart/items',
        'POST /api/cart/merge',
        'POST /api/cart/promo',
        'POST /api/chat/attachments',
        'POST /api/checkout',
        'POST /api/checkout/paypal/capture',
        'POST /api/conversations',
        'POST /api/conversations/import',
        'POST /api/conversations/{id}/messages',
        'POST /api/conversations/{id}/messages/{messageId}/regenerate',
        'POST /api/conversations/{id}/stop',
        'POST /api/generation/callbacks/{provider}',
        'POST /api/jobs',
        'POST /api/jobs/{id}/cancel',
        'POST /api/jobs/{id}/retry',
        'POST /api/jobs/{id}/step',
        'POST /api/keys/{provider}/test',
        'POST /api/media/files',
        'POST /api/media/folders',
        'POST /api/media/uploads',
        'POST /api/media/uploads/{fileId}/complete',
        'POST /api/notifications/read-all',
        'POST /api/notifications/socket-token',
        'POST /api/notifications/{id}/read',
        'POST /api/orders/{id}/cancel',
        'POST /api/plans/cancel',
        'POST /api/plans/subscribe',
        'POST /api/products/{id}/reviews',
        'POST /api/profile/email',
        'POST /api/profile/email/confirm',
        'POST /api/prompts',
        'POST /api/tokens',
        'POST /api/webhooks/paypal',
        'POST /api/webhooks/stripe',
        'POST /v1/chat/completions',
        'PUT /api/admin/products/{id}/images',
        'PUT /api/conversations/{id}/active',
        'PUT /api/keys/{provider}',
        'PUT /api/media/uploads/{fileId}/parts/{n}',
        'PUT /api/notifications/preferences',
        'PUT /api/profile/avatar',
        'PUT /api/prompts/{id}/favorite',
        'PUT /api/wishlist/{productId}',
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
