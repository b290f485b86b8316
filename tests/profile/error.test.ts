import { describe, expect, it } from 'vitest';
import { baseUrl, call, expectProblem, registerUser, sql, uniqueEmail } from '../helpers/api';
import { auditActions, png, putAvatar, waitForChangeToken } from '../helpers/profile';

describe('profile: errors', () => {
  it('refuses malformed, mistyped and unknown profile fields', async () => {
    const user = await registerUser();
    const patch = (init: { json?: unknown; body?: string; headers?: Record<string, string> }) =>
      call('/api/profile', { method: 'PATCH', token: user.accessToken, ...init });

    await expectProblem(
      await patch({ body: '{"name": ', headers: { 'Content-Type': 'application/json' } }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await patch({ body: 'name=x', headers: { 'Content-Type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const unknown = await expectProblem(
      await patch({ json: { name: 'x', role: 'admin' } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(unknown.detail).toMatch(/role/);
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { locale: 'de' },
      { theme: 'blue' },
      { name: 42 },
      { notificationPrefs: { 'email.marketing': true } },
      { notificationPrefs: { 'email.product': 'yes' } },
      { notificationPrefs: [] },
    ]) {
      await expectProblem(await patch({ json: body }), 400, 'VALIDATION_FAILED');
    }
    const db = sql();
    const [row] = await db`select name, locale, role from users where id = ${user.id}`;
    await db.end();
    expect(row).toMatchObject({ name: 'Test User', role: 'user' });
  });

  it('refuses a bad new address and a token that is forged, expired or used', async () => {
    const user = await registerUser();
    for (const json of [
      { newEmail: 'not-an-address' },
      { newEmail: user.email },
      {},
      { newEmail: uniqueEmail(), extra: 1 },
    ]) {
      await expectProblem(
        await call('/api/profile/email', { token: user.accessToken, json }),
        400,
        'VALIDATION_FAILED',
      );
    }
    const confirm = (token: unknown) => call('/api/profile/email/confirm', { json: { token } });
    await expectProblem(await confirm('x'.repeat(43)), 400, 'TOKEN_INVALID');
    await expectProblem(await confirm(''), 400, 'VALIDATION_FAILED');
    await expectProblem(await confirm(12), 400, 'VALIDATION_FAILED');

    const newEmail = uniqueEmail('late');
    const res = await call('/api/profile/email', { token: user.accessToken, json: { newEmail } });
    expect(res.status).toBe(202);
    const token = await waitForChangeToken(newEmail);
    const db = sql();
    await db`update auth_tokens set expires_at = now() - interval '1 minute'
             where user_id = ${user.id} and purpose = 'change_email'`;
    await expectProblem(await confirm(token), 400, 'TOKEN_INVALID');
    await db`update auth_tokens set expires_at = now() + interval '1 hour'
             where user_id = ${user.id} and purpose = 'change_email'`;
    expect((await confirm(token)).status).toBe(200);
    await expectProblem(await confirm(token), 400, 'TOKEN_INVALID');
    await db.end();
  });

  it('refuses avatars that are mistyped, damaged, too small, too large or too heavy', async () => {
    const user = await registerUser();
    const image = png(32, 32);
    const cases: Array<[Uint8Array, string | null, number, string, RegExp?]> = [
      [image, null, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [image, 'application/octet-stream', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [image, 'image/svg+xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [image, 'image/jpeg', 415, 'UNSUPPORTED_MEDIA_TYPE', /PNG image but was sent as image\/jpeg/],
      [Buffer.from('hello, not an image\n'), 'image/png', 415, 'UNSUPPORTED_MEDIA_TYPE', /not a/],
      [image.subarray(0, image.length - 20), 'image/png', 422, 'INVALID_IMAGE', /truncated/],
      [image.subarray(0, 40), 'image/png', 422, 'INVALID_IMAGE', /truncated/],
      [png(8, 8), 'image/png', 422, 'INVALID_IMAGE', /at least 16×16/],
      [png(4097, 16), 'image/png', 422, 'INVALID_IMAGE', /at most 4096×4096.*does not resize/],
      [new Uint8Array(0), 'image/png', 400, 'BAD_REQUEST'],
    ];
    for (const [body, type, status, code, detail] of cases) {
      const problem = await expectProblem(await putAvatar(user, body, type), status, code);
      if (detail) expect(problem.detail).toMatch(detail);
    }

    const heavy = png(1024, 720, { noise: true });
    expect(heavy.length).toBeGreaterThan(2 * 1024 * 1024);
    await expectProblem(await putAvatar(user, heavy, 'image/png'), 413, 'PAYLOAD_TOO_LARGE');
    // Without Content-Length (chunked), the bytes are counted as they arrive.
    const streamed: RequestInit & { duplex: 'half' } = {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${user.accessToken}`,
        'Content-Type': 'image/png',
        'CF-Connecting-IP': user.ip,
      },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(heavy));
          controller.close();
        },
      }),
      // Node's fetch needs this to send a streamed body.
      duplex: 'half',
    };
    const chunked = await fetch(new URL('/api/profile/avatar', baseUrl()), streamed);
    await expectProblem(chunked, 413, 'PAYLOAD_TOO_LARGE');

    expect((await call('/api/profile/avatar', { token: user.accessToken })).status).toBe(404);
    expect(await auditActions(user.id)).not.toContain('avatar.updated');
  });

  it('keeps the JSON body limit on every other route', async () => {
    const user = await registerUser();
    const res = await call('/api/profile', {
      method: 'PATCH',
      token: user.accessToken,
      json: { name: 'x'.repeat(1024 * 1024 + 10) },
    });
    await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses bad activity cursors and limits, and answers 404 for a missing avatar', async () => {
    const user = await registerUser();
    for (const query of [
      'cursor=nonsense',
      `cursor=${Buffer.from('["2026-01-01", "not-a-uuid"]').toString('base64url')}`,
      `cursor=${Buffer.from('["drop table", "00000000-0000-0000-0000-000000000000"]').toString('base64url')}`,
      'limit=0',
      'limit=101',
      'limit=abc',
    ]) {
      await expectProblem(
        await call(`/api/profile/activity?${query}`, { token: user.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
    }
    await expectProblem(
      await call('/api/profile/avatar', { token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    const removed = await call('/api/profile/avatar', {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(removed.status).toBe(204);
  });
});
