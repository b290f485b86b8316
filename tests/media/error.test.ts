import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser, sql } from '../helpers/api';
import { listFiles, mp4Bytes, newFolder, pngImage, upload, uploaded } from './helpers';

const MIB = 1024 * 1024;

describe('media: refused uploads', () => {
  it('refuses content that does not match the declared type, and unknown types', async () => {
    const user = await registerUser();
    const png = pngImage();
    const jpeg = await expectProblem(
      await upload(user, png, 'image/jpeg'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(jpeg.detail).toBe('The file was declared as image/jpeg but its content is a PNG image.');
    await expectProblem(
      await upload(user, 'just text', 'image/png'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(
      await upload(user, new Uint8Array([0x00, 0xff, 0xfe, 0x01]), 'text/plain'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(await upload(user, png, 'audio/mpeg'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const html = await expectProblem(
      await upload(user, '<script>alert(1)</script>', 'text/html'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(html.detail).toContain('"text/html" are not accepted');
    await expectProblem(
      await upload(user, '<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(await upload(user, '', 'text/plain'), 400, 'BAD_REQUEST');
    expect((await listFiles(user)).items).toHaveLength(0);
  });

  it('accepts each supported type by its magic bytes', async () => {
    const user = await registerUser();
    const cases: Array<[string, Uint8Array, string]> = [
      ['image/gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image'],
      ['audio/mpeg', Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00rest', 'latin1'), 'audio'],
      ['audio/mpeg', Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]), 'audio'],
      ['audio/wav', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), 'audio'],
      ['audio/ogg', Buffer.from('OggS\x00\x02rest', 'latin1'), 'audio'],
      ['video/webm', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86]), 'video'],
      ['video/quicktime', mp4Bytes(64), 'video'],
      ['application/pdf', Buffer.from('%PDF-1.7\n%%EOF'), 'document'],
      ['text/markdown', Buffer.from('# Titre\n\nÉté à Paris'), 'document'],
      ['text/csv', Buffer.from('a,b\n1,2\n'), 'document'],
      ['application/json', Buffer.from('{"a":1}'), 'document'],
      [
        'application/epub+zip',
        Buffer.concat([
          Buffer.from([0x50, 0x4b, 0x03, 0x04]),
          Buffer.alloc(26),
          Buffer.from('mimetypeapplication/epub+zip'),
        ]),
        'document',
      ],
      [
        'application/zip',
        Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40)]),
        'other',
      ],
    ];
    for (const [type, bytes, kind] of cases) {
      const res = await upload(user, bytes, type);
      expect(res.status, `${type}: ${await res.clone().text()}`).toBe(201);
      expect(await res.json()).toMatchObject({ contentType: type, kind });
    }
    // A plain ZIP is not an EPUB.
    await expectProblem(
      await upload(
        user,
        Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40)]),
        'application/epub+zip',
      ),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses a simple upload above 25 MiB with 413', async () => {
    const user = await registerUser();
    await expectProblem(
      await upload(user, mp4Bytes(25 * MIB + 1), 'video/mp4'),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('refuses uploads past the plan storage with 413 STORAGE_QUOTA_EXCEEDED', async () => {
    const user = await registerUser();
    const db = sql();
    try {
      await db`insert into media_files (user_id, name, r2_key, content_type, size, kind, source)
        values (${user.id}, 'huge.bin', ${`media/${user.id}/files/huge`}, 'application/zip', ${1024 * MIB - 100}, 'other', 'upload')`;
    } finally {
      await db.end();
    }
    const small = await upload(user, Buffer.from('x'.repeat(50)), 'text/plain');
    expect(small.status).toBe(201);
    const over = await expectProblem(
      await upload(user, Buffer.from('y'.repeat(100)), 'text/plain'),
      413,
      'STORAGE_QUOTA_EXCEEDED',
    );
    expect(over.detail).toMatch(/free plan's storage is 1024\.0 MB used of 1024\.0 MB/);
    await expectProblem(
      await call('/api/media/uploads', {
        token: user.accessToken,
        json: { name: 'v.mp4', contentType: 'video/mp4', size: 10 * MIB },
      }),
      413,
      'STORAGE_QUOTA_EXCEEDED',
    );
    const storage = await call('/api/media/storage', { token: user.accessToken });
    expect(await storage.json()).toMatchObject({ usedBytes: 1024 * MIB - 50 });
  });
});

describe('media: invalid requests', () => {
  it('answers 400 for malformed JSON, bad fields, cursors and ids', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    const file = await uploaded(user, pngImage(), 'image/png');
    await expectProblem(
      await call(`/api/media/files/${file.id}`, {
        method: 'PATCH',
        token,
        body: '{"name":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await call(`/api/media/files/${file.id}`, { method: 'PATCH', token, json: {} }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(`/api/media/files/${file.id}`, { method: 'PATCH', token, json: { name: '  ' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/folders', {
        token,
        body: 'nope',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await call('/api/media/files/not-a-uuid', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/files?limit=0', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/files?kind=song', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/files?folderId=top', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/files?cursor=garbage', { token }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/uploads', {
        token,
        json: { name: 'x.mp4', contentType: 'video/mp4', size: 3 * 1024 * MIB },
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/media/uploads', {
        token,
        json: { name: 'x.exe', contentType: 'application/x-msdownload', size: 10 },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses folder name clashes with 409 and cycles with 400', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    const a = await newFolder(user, 'A');
    await expectProblem(
      await call('/api/media/folders', { token, json: { name: 'A' } }),
      409,
      'CONFLICT',
    );
    const b = await newFolder(user, 'B', a.id);
    // The same name is fine under another parent.
    await newFolder(user, 'A', a.id);
    await expectProblem(
      await call(`/api/media/folders/${b.id}`, { method: 'PATCH', token, json: { name: 'A' } }),
      409,
      'CONFLICT',
    );
    await expectProblem(
      await call(`/api/media/folders/${a.id}`, {
        method: 'PATCH',
        token,
        json: { parentId: b.id },
      }),
      400,
      'BAD_REQUEST',
    );
    await expectProblem(
      await call(`/api/media/folders/${a.id}`, {
        method: 'PATCH',
        token,
        json: { parentId: a.id },
      }),
      400,
      'BAD_REQUEST',
    );
    // Deleting A brings its subfolders up: "B" clashes with a top-level "B" (refused, nothing
    // changes); its subfolder "A" may take the place of A itself.
    const top = await newFolder(user, 'B');
    await expectProblem(
      await call(`/api/media/folders/${a.id}`, { method: 'DELETE', token }),
      409,
      'CONFLICT',
    );
    const list = await json<{ items: { id: string }[] }>(
      await call('/api/media/folders', { token }),
    );
    expect(list.items.map((f) => f.id)).toContain(a.id);
    await call(`/api/media/folders/${top.id}`, { method: 'DELETE', token });
    const del = await call(`/api/media/folders/${a.id}`, { method: 'DELETE', token });
    expect(del.status).toBe(204);
  });

  it('checks multipart parts: numbers, sizes, type and completion', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    const size = 9 * MIB;
    const start = await call('/api/media/uploads', {
      token,
      json: { name: 'v.mp4', contentType: 'video/mp4', size },
    });
    const { fileId } = await json<{ fileId: string }>(start);
    const put = (n: number, body: Uint8Array<ArrayBuffer>) =>
      call(`/api/media/uploads/${fileId}/parts/${n}`, { method: 'PUT', token, body });
    await expectProblem(await put(3, mp4Bytes(MIB)), 400, 'BAD_REQUEST');
    await expectProblem(await put(2, mp4Bytes(2 * MIB)), 400, 'BAD_REQUEST');
    await expectProblem(await put(1, pngImage()), 400, 'BAD_REQUEST');
    // Part 1 with the right size but the wrong content.
    const fake = new Uint8Array(8 * MIB);
    fake.set(pngImage().subarray(0, 16));
    await expectProblem(await put(1, fake), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectProblem(await put(1, mp4Bytes(8 * MIB + 1)), 413, 'PAYLOAD_TOO_LARGE');
    const one = await put(1, mp4Bytes(8 * MIB));
    expect(one.status).toBe(200);
    const etag = (await json<{ etag: string }>(one)).etag;
    await expectProblem(
      await call(`/api/media/uploads/${fileId}/complete`, {
        token,
        json: { parts: [{ partNumber: 1, etag }] },
      }),
      400,
      'BAD_REQUEST',
    );
    const two = await put(2, mp4Bytes(MIB));
    const parts = [
      { partNumber: 1, etag },
      { partNumber: 2, etag: (await json<{ etag: string }>(two)).etag },
    ];
    const done = await call(`/api/media/uploads/${fileId}/complete`, { token, json: { parts } });
    expect(done.status).toBe(200);
    await expectProblem(await put(2, mp4Bytes(MIB)), 409, 'CONFLICT');
    await expectProblem(
      await call(`/api/media/uploads/${fileId}`, { method: 'DELETE', token }),
      409,
      'CONFLICT',
    );
  });
});
