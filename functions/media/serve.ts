import { ApiError } from '../platform/errors';
import type { MediaFileRow } from './service';
import type { MediaVariant } from './signed-url';

/** One satisfiable byte range of a file. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * Reads a `Range` header for a file of `size` bytes: one range `bytes=a-b`, `bytes=a-` or
 * `bytes=-n`. null means "send the whole file" (no header, several ranges, or a malformed
 * one, which RFC 9110 says to ignore); 'unsatisfiable' means 416.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return { offset: start, length: end - start + 1 };
}

/**
 * `inline` with the name twice: a plain ASCII fallback, and the exact name in RFC 5987
 * `filename*` form (where `'()*` must be escaped too, which encodeURIComponent does not do).
 */
export function contentDisposition(name: string): string {
  const fallback = [...name]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      return code >= 0x20 && code < 0x7f && ch !== '"' && ch !== '\\' ? ch : '_';
    })
    .join('');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/** What to send back: the object key and how to label it. */
function target(row: MediaFileRow, variant: MediaVariant) {
  if (variant === 'file') return { key: row.r2Key, contentType: row.contentType, name: row.name };
  if (row.thumbnailKey) {
    return { key: row.thumbnailKey, contentType: 'image/png', name: `${row.name}.thumbnail.png` };
  }
  if (row.kind === 'image') return { key: row.r2Key, contentType: row.contentType, name: row.name };
  throw new ApiError('NOT_FOUND', 'This file has no thumbnail.');
}

/**
 * Serves a ready file (or its thumbnail) from R2, for both the authorised and the signed
 * route: single byte ranges (206, or 416 when none of the file is in range), ETag with
 * If-None-Match (304) and If-Range, and an inline Content-Disposition.
 */
export async function serveMedia(
  bucket: R2Bucket,
  row: MediaFileRow,
  variant: MediaVariant,
  request: { range?: string; ifNoneMatch?: string; ifRange?: string },
  cacheControl: string,
): Promise<Response> {
  if (row.status !== 'ready') throw new ApiError('NOT_FOUND', 'This file is still uploading.');
  const { key, contentType, name } = target(row, variant);
  const head = await bucket.head(key);
  if (!head) throw new ApiError('NOT_FOUND', 'The file content is missing.');
  const etag = head.httpEtag;
  const common: Record<string, string> = {
    ETag: etag,
    'Cache-Control': cacheControl,
    'Accept-Ranges': 'bytes',
  };
  if (etagMatches(request.ifNoneMatch, etag))
    return new Response(null, { status: 304, headers: common });
  const rangeWanted = !request.ifRange || request.ifRange.trim() === etag;
  const range = rangeWanted ? parseRange(request.range, head.size) : null;
  if (range === 'unsatisfiable') {
    throw new ApiError(
      'RANGE_NOT_SATISFIABLE',
      `The file is ${head.size} bytes long; that range is outside it.`,
      {
        headers: { 'Content-Range': `bytes */${head.size}` },
      },
    );
  }
  const object = await bucket.get(key, range ? { range } : undefined);
  if (!object) throw new ApiError('NOT_FOUND', 'The file content is missing.');
  const headers: Record<string, string> = {
    ...common,
    'Content-Type': contentType,
    'Content-Length': String(range ? range.length : head.size),
    'Content-Disposition': contentDisposition(name),
    'X-Content-Type-Options': 'nosniff',
  };
  // Chrome's PDF viewer does not open in a sandboxed document; no accepted type runs scripts.
  if (contentType !== 'application/pdf')
    headers['Content-Security-Policy'] = "default-src 'none'; sandbox";
  if (range)
    headers['Content-Range'] =
      `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`;
  return new Response(object.body, { status: range ? 206 : 200, headers });
}
