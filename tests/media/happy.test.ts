import { describe, expect, it } from 'vitest';
import { call, json, registerUser, sql } from '../helpers/api';
import {
  type FolderBody,
  listFiles,
  type MediaFileBody,
  mp4Bytes,
  newFolder,
  pngImage,
  sha256,
  uploaded,
} from './helpers';

const MIB = 1024 * 1024;

describe('media: files', () => {
  it('uploads a PNG, lists it, finds it by name and serves it with a thumbnail', async () => {
    const user = await registerUser();
    const png = pngImage(600, 300);
    const file = await uploaded(user, png, 'image/png', { name: 'Sunset 50%_off.png' });
    expect(file).toMatchObject({
      name: 'Sunset 50%_off.png',
      contentType: 'image/png',
      size: png.length,
      kind: 'image',
      source: 'upload',
      status: 'ready',
      folderId: null,
      width: 600,
      height: 300,
    });
    expect(file.url).toMatch(/^\/api\/media\/signed\//);
    expect(file.thumbnailUrl).toMatch(/v=thumbnail/);

    const all = await listFiles(user);
    expect(all.items.map((item) => item.id)).toEqual([file.id]);
    expect((await listFiles(user, { q: 'sunset' })).items).toHaveLength(1);
    // The wildcards typed by the user are literal characters.
    expect((await listFiles(user, { q: '50%_off' })).items).toHaveLength(1);
    expect((await listFiles(user, { q: '%' })).items).toHaveLength(1);
    expect((await listFiles(user, { q: '_x' })).items).toHaveLength(0);
    expect((await listFiles(user, { q: 'moonrise' })).items).toHaveLength(0);
    expect((await listFiles(user, { kind: 'image' })).items).toHaveLength(1);
    expect((await listFiles(user, { kind: 'audio' })).items).toHaveLength(0);
    expect((await listFiles(user, { source: 'generated' })).items).toHaveLength(0);

    const one = await call(`/api/media/files/${file.id}`, { token: user.accessToken });
    expect((await json<MediaFileBody>(one)).name).toBe('Sunset 50%_off.png');

    const content = await call(`/api/media/files/${file.id}/content`, { token: user.accessToken });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.headers.get('accept-ranges')).toBe('bytes');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(content.headers.get('content-disposition')).toBe(
      `inline; filename="Sunset 50%_off.png"; filename*=UTF-8''Sunset%2050%25_off.png`,
    );
    expect(sha256(new Uint8Array(await content.arrayBuffer()))).toBe(sha256(png));

    // The signed thumbnail is a smaller PNG, at most 256 px on its longer side.
    const thumb = await call(file.thumbnailUrl ?? '');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    const thumbBytes = Buffer.from(await thumb.arrayBuffer());
    expect(thumbBytes.subarray(1, 4).toString()).toBe('PNG');
    expect(thumbBytes.readUInt32BE(16)).toBe(256);
    expect(thumbBytes.readUInt32BE(20)).toBe(128);

    const storage = await call('/api/media/storage', { token: user.accessToken });
    expect(await storage.json()).toEqual({
      plan: 'free',
      usedBytes: png.length,
      limitBytes: 1024 * MIB,
      files: 1,
    });
  });

  it('pages through files newest first with a cursor', async () => {
    const user = await registerUser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.unshift((await uploaded(user, Buffer.from(`note ${i}`), 'text/plain')).id);
    }
    const first = await listFiles(user, { limit: '2' });
    expect(first.items.map((f) => f.id)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toBeTruthy();
    const second = await listFiles(user, { limit: '2', cursor: first.nextCursor ?? '' });
    expect(second.items.map((f) => f.id)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]).toMatchObject({ kind: 'document', thumbnailUrl: null });
  });

  it('renames a file and moves it into a folder and back to the top level', async () => {
    const user = await registerUser();
    const file = await uploaded(user, pngImage(), 'image/png', { name: 'a.png' });
    const folder = await newFolder(user, 'Holidays');
    const renamed = await call(`/api/media/files/${file.id}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { name: '  Beach.png ', folderId: folder.id },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Beach.png', folderId: folder.id });
    expect((await listFiles(user, { folderId: folder.id })).items.map((f) => f.id)).toEqual([
      file.id,
    ]);
    expect((await listFiles(user, { folderId: 'root' })).items).toHaveLength(0);
    expect((await listFiles(user)).items).toHaveLength(1);

    const back = await call(`/api/media/files/${file.id}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { folderId: null },
    });
    expect(await back.json()).toMatchObject({ name: 'Beach.png', folderId: null });
    expect((await listFiles(user, { folderId: 'root' })).items).toHaveLength(1);
  });

  it('deletes a file and its objects', async () => {
    const user = await registerUser();
    const file = await uploaded(user, pngImage(), 'image/png');
    const del = await call(`/api/media/files/${file.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(del.status).toBe(204);
    expect((await listFiles(user)).items).toHaveLength(0);
    const gone = await call(`/api/media/files/${file.id}/content`, { token: user.accessToken });
    expect(gone.status).toBe(404);
    // The signed URL handed out before dies with the file.
    expect((await call(file.url ?? '')).status).toBe(403);
    const storage = await call('/api/media/storage', { token: user.accessToken });
    expect(await storage.json()).toMatchObject({ usedBytes: 0, files: 0 });
  });

  it('finds generated files by their prompt and filters by source', async () => {
    const user = await registerUser();
    const db = sql();
    try {
      await db`insert into media_files (user_id, name, r2_key, content_type, size, kind, source, prompt)
        values (${user.id}, 'image-1.png', ${`media/${user.id}/gen/x/0-0.png`}, 'image/png', 10, 'image', 'generated', 'A lighthouse in a storm')`;
    } finally {
      await db.end();
    }
    await uploaded(user, Buffer.from('hello'), 'text/plain', { name: 'notes.txt' });
    const found = await listFiles(user, { q: 'LIGHTHOUSE' });
    expect(found.items.map((f) => f.name)).toEqual(['image-1.png']);
    expect(found.items[0]).toMatchObject({
      source: 'generated',
      prompt: 'A lighthouse in a storm',
    });
    expect((await listFiles(user, { source: 'generated' })).items).toHaveLength(1);
    expect((await listFiles(user, { source: 'upload' })).items.map((f) => f.name)).toEqual([
      'notes.txt',
    ]);
  });
});

describe('media: downloads', () => {
  it('answers byte ranges, suffix ranges, 416 and If-None-Match', async () => {
    const user = await registerUser();
    const text = 'abcdefghijklmnopqrstuvwxyz';
    const file = await uploaded(user, Buffer.from(text), 'text/plain', { name: 'abc.txt' });
    const path = `/api/media/files/${file.id}/content`;
    const get = (headers: Record<string, string>) =>
      call(path, { token: user.accessToken, headers });

    const first = await get({ Range: 'bytes=0-9' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe('bytes 0-9/26');
    expect(first.headers.get('content-length')).toBe('10');
    expect(await first.text()).toBe('abcdefghij');

    const suffix = await get({ Range: 'bytes=-5' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe('bytes 21-25/26');
    expect(await suffix.text()).toBe('vwxyz');

    const open = await get({ Range: 'bytes=20-' });
    expect(open.status).toBe(206);
    expect(await open.text()).toBe('uvwxyz');

    const clipped = await get({ Range: 'bytes=24-1000' });
    expect(clipped.headers.get('content-range')).toBe('bytes 24-25/26');
    expect(await clipped.text()).toBe('yz');

    const outside = await get({ Range: 'bytes=26-30' });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */26');
    expect(outside.headers.get('content-type')).toMatch(/problem\+json/);

    // Several ranges are not supported: the whole file comes back.
    const several = await get({ Range: 'bytes=0-1,4-5' });
    expect(several.status).toBe(200);
    expect(await several.text()).toBe(text);

    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"/);
    const cached = await get({ 'If-None-Match': etag });
    expect(cached.status).toBe(304);
    const stale = await get({ 'If-None-Match': '"other"' });
    expect(stale.status).toBe(200);
  });

  it('serves through the signed URL without a token, ranges included', async () => {
    const user = await registerUser();
    const png = pngImage();
    const file = await uploaded(user, png, 'image/png');
    const whole = await call(file.url ?? '');
    expect(whole.status).toBe(200);
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(png));
    const part = await call(file.url ?? '', { headers: { Range: 'bytes=1-3' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('PNG');
  });
});

describe('media: multipart upload', () => {
  it('uploads 12 MiB in two parts and downloads the same bytes', async () => {
    const user = await registerUser();
    const bytes = mp4Bytes(12 * MIB + 123);
    const start = await call('/api/media/uploads', {
      token: user.accessToken,
      json: { name: 'clip.mp4', contentType: 'video/mp4', size: bytes.length },
    });
    expect(start.status, await start.clone().text()).toBe(201);
    const started = await json<{ fileId: string; partSize: number; parts: number }>(start);
    expect(started).toMatchObject({ partSize: 8 * MIB, parts: 2 });

    // Until completed, it is not listed but its size is reserved.
    expect((await listFiles(user)).items).toHaveLength(0);
    const reserved = await call('/api/media/storage', { token: user.accessToken });
    expect(await reserved.json()).toMatchObject({ usedBytes: bytes.length, files: 0 });

    const parts: { partNumber: number; etag: string }[] = [];
    // Parts may arrive in any order.
    for (const n of [2, 1]) {
      const body = bytes.slice((n - 1) * started.partSize, n * started.partSize);
      const res = await call(`/api/media/uploads/${started.fileId}/parts/${n}`, {
        method: 'PUT',
        token: user.accessToken,
        body,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      parts.push(await json<{ partNumber: number; etag: string }>(res));
    }
    const done = await call(`/api/media/uploads/${started.fileId}/complete`, {
      token: user.accessToken,
      json: { parts },
    });
    expect(done.status, await done.clone().text()).toBe(200);
    const file = await json<MediaFileBody>(done);
    expect(file).toMatchObject({
      id: started.fileId,
      status: 'ready',
      size: bytes.length,
      kind: 'video',
      contentType: 'video/mp4',
    });
    // Completing again is harmless.
    const again = await call(`/api/media/uploads/${started.fileId}/complete`, {
      token: user.accessToken,
      json: { parts },
    });
    expect(again.status).toBe(200);

    const download = await call(`/api/media/files/${file.id}/content`, {
      token: user.accessToken,
    });
    expect(download.status).toBe(200);
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(bytes));
    expect((await listFiles(user, { kind: 'video' })).items.map((f) => f.id)).toEqual([file.id]);
  });

  it('aborts an upload and frees the reserved storage', async () => {
    const user = await registerUser();
    const start = await call('/api/media/uploads', {
      token: user.accessToken,
      json: { name: 'big.mp4', contentType: 'video/mp4', size: 20 * MIB },
    });
    const { fileId } = await json<{ fileId: string }>(start);
    const abort = await call(`/api/media/uploads/${fileId}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(abort.status).toBe(204);
    const storage = await call('/api/media/storage', { token: user.accessToken });
    expect(await storage.json()).toMatchObject({ usedBytes: 0 });
    const part = await call(`/api/media/uploads/${fileId}/parts/1`, {
      method: 'PUT',
      token: user.accessToken,
      body: mp4Bytes(8 * MIB),
    });
    expect(part.status).toBe(404);
  });
});

describe('media: folders', () => {
  it('builds a tree, renames and moves folders, and deleting one keeps its files', async () => {
    const user = await registerUser();
    const photos = await newFolder(user, 'Photos');
    const trips = await newFolder(user, 'Trips', photos.id);
    const rome = await newFolder(user, 'Rome', trips.id);
    const file = await uploaded(user, pngImage(), 'image/png', { folderId: trips.id });
    expect(file.folderId).toBe(trips.id);

    const list = await call('/api/media/folders', { token: user.accessToken });
    const { items } = await json<{ items: FolderBody[] }>(list);
    expect(items.map((f) => [f.name, f.parentId])).toEqual([
      ['Photos', null],
      ['Rome', trips.id],
      ['Trips', photos.id],
    ]);

    const renamed = await call(`/api/media/folders/${rome.id}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { name: 'Roma', parentId: null },
    });
    expect(await renamed.json()).toMatchObject({ name: 'Roma', parentId: null });

    // Deleting Trips moves its file up into Photos; nothing is lost.
    const del = await call(`/api/media/folders/${trips.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(del.status).toBe(204);
    const moved = await call(`/api/media/files/${file.id}`, { token: user.accessToken });
    expect(await moved.json()).toMatchObject({ folderId: photos.id });

    // Deleting a folder with a subfolder moves the subfolder up too.
    const inner = await newFolder(user, 'Inner', photos.id);
    await call(`/api/media/folders/${photos.id}`, { method: 'DELETE', token: user.accessToken });
    const after = await json<{ items: FolderBody[] }>(
      await call('/api/media/folders', { token: user.accessToken }),
    );
    expect(after.items.map((f) => [f.name, f.parentId])).toEqual([
      ['Inner', null],
      ['Roma', null],
    ]);
    expect(after.items.find((f) => f.id === inner.id)).toBeTruthy();
    const top = await call(`/api/media/files/${file.id}`, { token: user.accessToken });
    expect(await top.json()).toMatchObject({ folderId: null });
  });
});
