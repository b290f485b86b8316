import type { MediaFolder } from '../../../functions/media/folders';
import type { MediaFile, MediaFilePage } from '../../../functions/media/service';
import { bearer, client, problemFrom, send, sendJson, sendOk } from './client';

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { MediaFile, MediaFilePage, MediaFolder };

/** Files above this go through the multipart API (and each part is this size). */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;

export interface MediaFilters {
  /** 'root', a folder id, or undefined for every file. */
  folderId?: string;
  q?: string;
  kind?: 'image' | 'audio' | 'video' | 'document' | 'other';
  source?: 'upload' | 'generated';
  cursor?: string;
}

export interface StorageInfo {
  plan: 'free' | 'pro' | 'business';
  usedBytes: number;
  limitBytes: number;
  files: number;
}

/** A page of the user's files, newest first. */
export async function listMediaFiles(
  accessToken: string,
  filters: MediaFilters = {},
): Promise<MediaFilePage> {
  const query: Record<string, string> = { limit: '48' };
  for (const [key, value] of Object.entries(filters)) if (value) query[key] = value;
  return (await sendJson(() =>
    client.api.media.files.$get({ query }, bearer(accessToken)),
  )) as MediaFilePage;
}

export async function updateMediaFile(
  accessToken: string,
  id: string,
  patch: { name?: string; folderId?: string | null },
): Promise<MediaFile> {
  return (await sendJson(() =>
    client.api.media.files[':id'].$patch({ param: { id }, json: patch }, bearer(accessToken)),
  )) as MediaFile;
}

export async function deleteMediaFile(accessToken: string, id: string): Promise<void> {
  await sendOk(() => client.api.media.files[':id'].$delete({ param: { id } }, bearer(accessToken)));
}

export async function listFolders(accessToken: string): Promise<MediaFolder[]> {
  return (await sendJson(() => client.api.media.folders.$get(undefined, bearer(accessToken))))
    .items;
}

export async function createFolder(
  accessToken: string,
  input: { name: string; parentId?: string | null },
): Promise<MediaFolder> {
  return await sendJson(() => client.api.media.folders.$post({ json: input }, bearer(accessToken)));
}

export async function updateFolder(
  accessToken: string,
  id: string,
  patch: { name?: string; parentId?: string | null },
): Promise<MediaFolder> {
  return await sendJson(() =>
    client.api.media.folders[':id'].$patch({ param: { id }, json: patch }, bearer(accessToken)),
  );
}

export async function deleteFolder(accessToken: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.media.folders[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
}

export async function storageInfo(accessToken: string): Promise<StorageInfo> {
  return await sendJson(() => client.api.media.storage.$get(undefined, bearer(accessToken)));
}

/** Browsers leave `type` empty for some files; name them by their extension. */
export function fileType(file: File): string {
  if (file.type) return file.type;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  const known: Record<string, string> = {
    md: 'text/markdown',
    markdown: 'text/markdown',
    csv: 'text/csv',
    json: 'application/json',
    txt: 'text/plain',
    pdf: 'application/pdf',
    epub: 'application/epub+zip',
    mp3: 'audio/mpeg',
    wav: 'audio/wav',
    ogg: 'audio/ogg',
    m4a: 'audio/mp4',
    mp4: 'video/mp4',
    mov: 'video/quicktime',
    webm: 'video/webm',
  };
  return known[extension] ?? 'application/octet-stream';
}

/**
 * Sends one request with XMLHttpRequest, the only browser API that reports upload progress.
 * Answers like fetch, so errors are read the same way.
 */
function xhrSend(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Blob,
  onProgress: (loaded: number) => void,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'blob';
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      const responseHeaders = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) responseHeaders.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve(
        new Response(xhr.status === 204 ? null : (xhr.response as Blob), {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: responseHeaders,
        }),
      );
    };
    xhr.onerror = () => reject(new Error('The upload was interrupted.'));
    xhr.onabort = () => reject(new Error('The upload was cancelled.'));
    xhr.send(body);
  });
}

async function jsonOrProblem<T>(res: Response): Promise<T> {
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()) as T;
}

/**
 * Uploads one file into a folder (or the top level), reporting the bytes sent so far. Files
 * above 8 MiB go through the multipart API part by part; a failure aborts the upload.
 */
export async function uploadMediaFile(
  accessToken: string,
  file: File,
  folderId: string | null,
  onProgress: (sent: number) => void,
): Promise<MediaFile> {
  const auth = bearer(accessToken).headers;
  const type = fileType(file);
  if (file.size <= MULTIPART_THRESHOLD) {
    const query = new URLSearchParams({ name: file.name });
    if (folderId) query.set('folderId', folderId);
    const res = await send(() =>
      xhrSend(
        'POST',
        `/api/media/files?${query}`,
        { ...auth, 'Content-Type': type },
        file,
        onProgress,
      ),
    );
    return jsonOrProblem<MediaFile>(res);
  }
  const started = await jsonOrProblem<{ fileId: string; partSize: number; parts: number }>(
    await send(() =>
      fetch('/api/media/uploads', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: file.name, contentType: type, size: file.size, folderId }),
      }),
    ),
  );
  const base = `/api/media/uploads/${encodeURIComponent(started.fileId)}`;
  try {
    const parts: { partNumber: number; etag: string }[] = [];
    for (let n = 1; n <= started.parts; n++) {
      const offset = (n - 1) * started.partSize;
      const res = await send(() =>
        xhrSend(
          'PUT',
          `${base}/parts/${n}`,
          { ...auth, 'Content-Type': 'application/octet-stream' },
          file.slice(offset, offset + started.partSize),
          (loaded) => onProgress(offset + loaded),
        ),
      );
      parts.push(await jsonOrProblem<{ partNumber: number; etag: string }>(res));
    }
    return await jsonOrProblem<MediaFile>(
      await send(() =>
        fetch(`${base}/complete`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ parts }),
        }),
      ),
    );
  } catch (error) {
    await fetch(base, { method: 'DELETE', headers: auth }).catch(() => undefined);
    throw error;
  }
}
