import { createHash } from 'node:crypto';
import { encodePng } from '../../functions/generation/encoders/png';
import { call, json, type TestUser } from '../helpers/api';

/** A file as the media API returns it. */
export interface MediaFileBody {
  id: string;
  name: string;
  contentType: string;
  size: number;
  kind: string;
  source: string;
  status: string;
  folderId: string | null;
  jobId: string | null;
  prompt: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  url: string | null;
  thumbnailUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FolderBody {
  id: string;
  parentId: string | null;
  name: string;
  createdAt: string;
}

/** A real PNG of `width`×`height` with a gradient, so a thumbnail can be made from it. */
export function pngImage(width = 40, height = 20): Uint8Array<ArrayBuffer> {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255], i * 4);
  }
  return new Uint8Array(encodePng(width, height, rgba));
}

/** The start of an MP4 file ("ftyp" box) followed by `size` bytes in all. */
export function mp4Bytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) % 251;
  bytes.set([0, 0, 0, 0x18, ...Buffer.from('ftypisom')], 0);
  return bytes;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** POST /api/media/files with the raw bytes. */
export function upload(
  user: TestUser,
  bytes: string | Uint8Array,
  type: string,
  query: { name?: string; folderId?: string } = {},
): Promise<Response> {
  const params = new URLSearchParams(query as Record<string, string>);
  return call(`/api/media/files?${params}`, {
    token: user.accessToken,
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
    headers: { 'Content-Type': type },
  });
}

/** Uploads and returns the stored file (the upload must succeed). */
export async function uploaded(
  user: TestUser,
  bytes: Uint8Array,
  type: string,
  query: { name?: string; folderId?: string } = {},
): Promise<MediaFileBody> {
  const res = await upload(user, bytes, type, query);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return json<MediaFileBody>(res);
}

export async function newFolder(
  user: TestUser,
  name: string,
  parentId?: string,
): Promise<FolderBody> {
  const res = await call('/api/media/folders', {
    token: user.accessToken,
    json: parentId ? { name, parentId } : { name },
  });
  if (res.status !== 201) throw new Error(`folder failed: ${res.status} ${await res.text()}`);
  return json<FolderBody>(res);
}

export async function listFiles(
  user: TestUser,
  query: Record<string, string> = {},
): Promise<{ items: MediaFileBody[]; nextCursor: string | null }> {
  const res = await call(`/api/media/files?${new URLSearchParams(query)}`, {
    token: user.accessToken,
  });
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${await res.text()}`);
  return json(res);
}
