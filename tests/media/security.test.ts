import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import { workerVar } from '../helpers/generation';
import { listFiles, mp4Bytes, newFolder, pngImage, uploaded } from './helpers';

const MIB = 1024 * 1024;
const ID = '00000000-0000-4000-8000-000000000000';

/** Signs a media URL the way the Worker does, with its secret, for expiry tests. */
function signLike(id: string, r2Key: string, variant: string, exp: number): string {
  const key = createHmac('sha256', workerVar('JWT_SECRET'))
    .update('webox/media-url-signing/v1')
    .digest();
  const sig = createHmac('sha256', key)
    .update(`${id}\n${variant}\n${exp}\n${r2Key}`)
    .digest('base64url');
  return `/api/media/signed/${id}?v=${variant}&exp=${exp}&sig=${sig}`;
}

describe('media: authentication', () => {
  it('answers 401 on every route without a token', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/media/files'],
      ['POST', '/api/media/files', 'x'],
      ['GET', `/api/media/files/${ID}`],
      ['PATCH', `/api/media/files/${ID}`, { name: 'x' }],
      ['DELETE', `/api/media/files/${ID}`],
      ['GET', `/api/media/files/${ID}/content`],
      ['POST', '/api/media/uploads', { name: 'x', contentType: 'video/mp4', size: 1 }],
      ['PUT', `/api/media/uploads/${ID}/parts/1`, 'x'],
      ['POST', `/api/media/uploads/${ID}/complete`, { parts: [] }],
      ['DELETE', `/api/media/uploads/${ID}`],
      ['GET', '/api/media/folders'],
      ['POST', '/api/media/folders', { name: 'x' }],
      ['PATCH', `/api/media/folders/${ID}`, { name: 'x' }],
      ['DELETE', `/api/media/folders/${ID}`],
      ['GET', '/api/media/storage'],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(path, {
        method,
        ...(typeof body === 'string'
          ? { body, headers: { 'Content-Type': 'text/plain' } }
          : body !== undefined
            ? { json: body }
            : {}),
      });
      await expectProblem(res, 401, 'UNAUTHORIZED');
    }
  });
});

describe('media: other users', () => {
  it("answers 404 for someone else's file and folder on every route", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const token = other.accessToken;
    const folder = await newFolder(owner, 'Private');
    const file = await uploaded(owner, pngImage(), 'image/png', { folderId: folder.id });
    const started = await json<{ fileId: string }>(
      await call('/api/media/uploads', {
        token: owner.accessToken,
        json: { name: 'v.mp4', contentType: 'video/mp4', size: 9 * MIB },
      }),
    );
    const mine = await uploaded(other, pngImage(), 'image/png');
    const myFolder = await newFolder(other, 'Mine');

    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/media/files/${file.id}`],
      ['PATCH', `/api/media/files/${file.id}`, { name: 'stolen' }],
      ['DELETE', `/api/media/files/${file.id}`],
      ['GET', `/api/media/files/${file.id}/content`],
      ['GET', `/api/media/files?folderId=${folder.id}`],
      ['PATCH', `/api/media/files/${mine.id}`, { folderId: folder.id }],
      [
        'POST',
        `/api/media/uploads`,
        { name: 'v', contentType: 'video/mp4', size: 10, folderId: folder.id },
      ],
      [
        'POST',
        `/api/media/uploads/${started.fileId}/complete`,
        { parts: [{ partNumber: 1, etag: 'x' }] },
      ],
      ['DELETE', `/api/media/uploads/${started.fileId}`],
      ['PATCH', `/api/media/folders/${folder.id}`, { name: 'stolen' }],
      ['PATCH', `/api/media/folders/${myFolder.id}`, { parentId: folder.id }],
      ['DELETE', `/api/media/folders/${folder.id}`],
      ['POST', '/api/media/folders', { name: 'Inside', parentId: folder.id }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(path, {
        method,
        token,
        ...(body !== undefined ? { json: body } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      await expectProblem(res, 404, 'NOT_FOUND');
    }
    await expectProblem(
      await call(`/api/media/uploads/${started.fileId}/parts/1`, {
        method: 'PUT',
        token,
        body: mp4Bytes(8 * MIB),
      }),
      404,
      'NOT_FOUND',
    );
    const into = await call(`/api/media/files?folderId=${folder.id}`, {
      token,
      body: pngImage(),
      headers: { 'Content-Type': 'image/png' },
    });
    await expectProblem(into, 404, 'NOT_FOUND');

    // Nothing of the owner's changed, and the other user's own listing holds only their file.
    const still = await call(`/api/media/files/${file.id}`, { token: owner.accessToken });
    expect(await still.json()).toMatchObject({ name: file.name, folderId: folder.id });
    expect((await listFiles(other)).items.map((f) => f.id)).toEqual([mine.id]);
    const folders = await json<{ items: { id: string }[] }>(
      await call('/api/media/folders', { token }),
    );
    expect(folders.items.map((f) => f.id)).toEqual([myFolder.id]);
  });
});

describe('media: signed URLs', () => {
  it('refuses a tampered, re-targeted or expired signature with 403', async () => {
    const user = await registerUser();
    const file = await uploaded(user, Buffer.from('secret text'), 'text/plain');
    const url = new URL(file.url ?? '', 'http://x');
    expect((await call(url.pathname + url.search)).status).toBe(200);

    const tampered = new URL(url);
    const sig = tampered.searchParams.get('sig') ?? '';
    tampered.searchParams.set('sig', `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    await expectProblem(await call(tampered.pathname + tampered.search), 403, 'FORBIDDEN');

    const later = new URL(url);
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    await expectProblem(await call(later.pathname + later.search), 403, 'FORBIDDEN');

    const thumb = new URL(url);
    thumb.searchParams.set('v', 'thumbnail');
    await expectProblem(await call(thumb.pathname + thumb.search), 403, 'FORBIDDEN');

    // The same signature does not open another file.
    const otherFile = await uploaded(user, Buffer.from('other'), 'text/plain');
    await expectProblem(
      await call(url.pathname.replace(file.id, otherFile.id) + url.search),
      403,
      'FORBIDDEN',
    );

    // A correct signature whose time has passed.
    const r2Key = `media/${user.id}/files/${file.id}`;
    const past = Math.floor(Date.now() / 1000) - 10;
    await expectProblem(await call(signLike(file.id, r2Key, 'file', past)), 403, 'FORBIDDEN');
    // The same, still valid, proves the test signs like the Worker.
    const future = Math.floor(Date.now() / 1000) + 60;
    const good = await call(signLike(file.id, r2Key, 'file', future));
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('secret text');
    // A signature over another key (a deleted and recreated id) fails.
    await expectProblem(
      await call(signLike(file.id, `${r2Key}-old`, 'file', future)),
      403,
      'FORBIDDEN',
    );
    await expectProblem(
      await call(`/api/media/signed/${ID}?v=file&exp=${future}&sig=abc`),
      403,
      'FORBIDDEN',
    );
    await expectProblem(await call(`/api/media/signed/${file.id}`), 400, 'VALIDATION_FAILED');
  });

  it('serves files so they cannot run as pages, with a safe download name', async () => {
    const user = await registerUser();
    const name = 'rapport "final"; été (v2).txt';
    const file = await uploaded(user, Buffer.from('hello'), 'text/plain', { name });
    const res = await call(file.url ?? '');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="rapport _final_; _t_ (v2).txt"; filename*=UTF-8''rapport%20%22final%22%3B%20%C3%A9t%C3%A9%20%28v2%29.txt`,
    );
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    // A path separator or control character never reaches a name.
    const odd = await uploaded(user, Buffer.from('x'), 'text/plain', {
      name: '../../etc\n/passwd',
    });
    expect(odd.name).toBe('.._.._etc__passwd');
  });
});
