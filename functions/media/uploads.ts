import { and, eq, lt } from 'drizzle-orm';
import { mediaFiles } from '../../db/schema';
import { thumbnailPng } from '../generation/encoders/png';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { PART_SIZE } from './limits';
import {
  assertStorageAvailable,
  cleanName,
  imageDimensions,
  type MediaFile,
  type MediaFileRow,
  removeObjects,
  requireFolder,
  requireMediaFile,
  thumbnailKeyFor,
  toMediaFile,
  uploadKey,
  withStorageReserved,
} from './service';
import { acceptedType, checkContent, kindOf } from './sniff';

type UploadServices = Pick<Services, 'db' | 'media' | 'secrets'>;

/** PNGs larger than this many pixels get no thumbnail: decoding them would not fit in memory. */
const THUMBNAIL_MAX_PIXELS = 4096 * 4096;
/** How much of a finished multipart file is read back to check its type. */
const SNIFF_BYTES = 64 * 1024;

/** A preview for PNGs the encoder can read; other images are their own preview. */
function pngThumbnail(
  contentType: string,
  bytes: Uint8Array,
  width: number | null,
  height: number | null,
) {
  if (contentType !== 'image/png' || !width || !height || width * height > THUMBNAIL_MAX_PIXELS) {
    return null;
  }
  return thumbnailPng(bytes, 256);
}

/**
 * Stores a file sent in one request: its type checked against its content (415), the
 * owner's storage checked (413), bytes to R2 under `media/<userId>/files/<id>`, then the row.
 */
export async function saveUpload(
  services: UploadServices,
  userId: string,
  input: { bytes: Uint8Array; declaredType: string; name?: string; folderId?: string },
): Promise<MediaFile> {
  const contentType = checkContent(input.declaredType, input.bytes);
  if (input.folderId) await requireFolder(services.db, userId, input.folderId);
  const size = input.bytes.byteLength;
  // Fail fast before writing to R2; the check is repeated under a lock before the insert.
  await assertStorageAvailable(services.db, userId, size);
  const id = crypto.randomUUID();
  const r2Key = uploadKey(userId, id);
  const kind = kindOf(contentType);
  const { width, height } =
    kind === 'image' ? imageDimensions(input.bytes) : { width: null, height: null };
  const thumbnail = pngThumbnail(contentType, input.bytes, width, height);
  const thumbnailKey = thumbnail ? thumbnailKeyFor(r2Key) : null;
  await services.media.put(r2Key, input.bytes, { httpMetadata: { contentType } });
  if (thumbnail && thumbnailKey) {
    await services.media.put(thumbnailKey, thumbnail, {
      httpMetadata: { contentType: 'image/png' },
    });
  }
  try {
    const row = await withStorageReserved(services.db, userId, size, async (tx) => {
      const [inserted] = await tx
        .insert(mediaFiles)
        .values({
          id,
          userId,
          folderId: input.folderId ?? null,
          name: cleanName(input.name),
          r2Key,
          contentType,
          size,
          kind,
          source: 'upload',
          status: 'ready',
          width,
          height,
          thumbnailKey,
        })
        .returning();
      return inserted as MediaFileRow;
    });
    return toMediaFile(services.secrets, row);
  } catch (err) {
    await services.media.delete(thumbnailKey ? [r2Key, thumbnailKey] : [r2Key]);
    throw err;
  }
}

export interface MultipartStart {
  fileId: string;
  uploadId: string;
  partSize: number;
  parts: number;
}

const partsFor = (size: number) => Math.max(1, Math.ceil(size / PART_SIZE));

/**
 * Starts a multipart upload: the declared type must be accepted and `size` must fit the
 * owner's storage (it is reserved by an `uploading` row until completed or aborted).
 */
export async function startMultipart(
  services: UploadServices,
  userId: string,
  input: { name: string; contentType: string; size: number; folderId?: string | null },
): Promise<MultipartStart> {
  const contentType = acceptedType(input.contentType);
  if (input.folderId) await requireFolder(services.db, userId, input.folderId);
  await assertStorageAvailable(services.db, userId, input.size);
  const id = crypto.randomUUID();
  const r2Key = uploadKey(userId, id);
  const upload = await services.media.createMultipartUpload(r2Key, {
    httpMetadata: { contentType },
  });
  try {
    await withStorageReserved(services.db, userId, input.size, (tx) =>
      tx.insert(mediaFiles).values({
        id,
        userId,
        folderId: input.folderId ?? null,
        name: cleanName(input.name),
        r2Key,
        contentType,
        size: input.size,
        kind: kindOf(contentType),
        source: 'upload',
        status: 'uploading',
        uploadId: upload.uploadId,
      }),
    );
  } catch (err) {
    await upload.abort();
    throw err;
  }
  return {
    fileId: id,
    uploadId: upload.uploadId,
    partSize: PART_SIZE,
    parts: partsFor(input.size),
  };
}

/** The caller's file that is still uploading; 409 once it is complete. */
async function requireUploading(services: UploadServices, userId: string, fileId: string) {
  const row = await requireMediaFile(services.db, userId, fileId, { anyStatus: true });
  if (row.status !== 'uploading' || !row.uploadId) {
    throw new ApiError('CONFLICT', 'This upload is already complete.');
  }
  return { row, uploadId: row.uploadId };
}

/**
 * Stores part `partNumber` (1-based). Every part but the last is exactly `PART_SIZE` bytes and
 * the last one holds the rest, so the parts add up to the declared size. Part 1 is checked
 * against the declared type.
 */
export async function uploadPart(
  services: UploadServices,
  userId: string,
  fileId: string,
  partNumber: number,
  bytes: Uint8Array,
): Promise<{ partNumber: number; etag: string }> {
  const { row, uploadId } = await requireUploading(services, userId, fileId);
  const parts = partsFor(row.size);
  if (partNumber > parts) {
    throw new ApiError(
      'BAD_REQUEST',
      `This upload has ${parts} parts; there is no part ${partNumber}.`,
    );
  }
  const expected = Math.min(PART_SIZE, row.size - (partNumber - 1) * PART_SIZE);
  if (bytes.byteLength !== expected) {
    throw new ApiError(
      'BAD_REQUEST',
      `Part ${partNumber} must be ${expected} bytes (parts are ${PART_SIZE} bytes, the last one the rest); got ${bytes.byteLength}.`,
    );
  }
  if (partNumber === 1) checkContent(row.contentType, bytes, parts > 1);
  const part = await services.media
    .resumeMultipartUpload(row.r2Key, uploadId)
    .uploadPart(partNumber, bytes);
  return { partNumber: part.partNumber, etag: part.etag };
}

/** Forgets a spoiled upload: its object and its row (which frees the reserved storage). */
async function discard(services: UploadServices, row: MediaFileRow): Promise<void> {
  await services.media.delete(row.r2Key);
  await services.db.delete(mediaFiles).where(eq(mediaFiles.id, row.id));
}

/**
 * Joins the parts into the file. The result must have the declared size and its first bytes
 * the declared type; otherwise the upload is discarded. Completing twice returns the file.
 */
export async function completeMultipart(
  services: UploadServices,
  userId: string,
  fileId: string,
  parts: { partNumber: number; etag: string }[],
): Promise<MediaFile> {
  const current = await requireMediaFile(services.db, userId, fileId, { anyStatus: true });
  if (current.status === 'ready') return toMediaFile(services.secrets, current);
  const { row, uploadId } = await requireUploading(services, userId, fileId);
  const count = partsFor(row.size);
  const numbers = parts.map((part) => part.partNumber).sort((a, b) => a - b);
  if (numbers.length !== count || numbers.some((n, i) => n !== i + 1)) {
    throw new ApiError(
      'BAD_REQUEST',
      `List each of the ${count} parts once, numbered 1 to ${count}.`,
    );
  }
  try {
    await services.media.resumeMultipartUpload(row.r2Key, uploadId).complete(
      // R2 wants the parts in ascending order; clients may list them as they finished.
      [...parts].sort((a, b) => a.partNumber - b.partNumber),
    );
  } catch (err) {
    // A completion whose database update failed is already in R2: carry on with it.
    const existing = await services.media.head(row.r2Key);
    if (!existing || existing.size !== row.size) {
      throw new ApiError(
        'BAD_REQUEST',
        'The parts could not be joined: send every part first, with the etag each upload returned.',
        { cause: err },
      );
    }
  }
  const head = await services.media.head(row.r2Key);
  if (!head || head.size !== row.size) {
    await discard(services, row);
    throw new ApiError(
      'BAD_REQUEST',
      `The parts add up to ${head?.size ?? 0} bytes, not the declared ${row.size}.`,
    );
  }
  const start = await services.media.get(row.r2Key, { range: { offset: 0, length: SNIFF_BYTES } });
  const first = new Uint8Array(start ? await start.arrayBuffer() : new ArrayBuffer(0));
  try {
    checkContent(row.contentType, first, head.size > first.byteLength);
  } catch (err) {
    await discard(services, row);
    throw err;
  }
  const dims = row.kind === 'image' ? imageDimensions(first) : { width: null, height: null };
  const [updated] = await services.db
    .update(mediaFiles)
    .set({ status: 'ready', uploadId: null, size: head.size, ...dims, updatedAt: new Date() })
    .where(and(eq(mediaFiles.id, row.id), eq(mediaFiles.userId, userId)))
    .returning();
  if (!updated) throw new ApiError('NOT_FOUND', 'No such file.');
  return toMediaFile(services.secrets, updated);
}

/** Cancels an unfinished upload: R2 drops its parts and the reserved storage is freed. */
export async function abortMultipart(
  services: UploadServices,
  userId: string,
  fileId: string,
): Promise<void> {
  const { row } = await requireUploading(services, userId, fileId);
  await removeObjects(services.media, row);
  await services.db.delete(mediaFiles).where(eq(mediaFiles.id, row.id));
}

/**
 * Aborts multipart uploads left unfinished for longer than `maxAgeMs` (default a day), so
 * abandoned uploads stop counting against storage. For the cron sweeper; returns how many.
 */
export async function sweepStaleUploads(
  services: Pick<Services, 'db' | 'media'>,
  maxAgeMs = 24 * 3600 * 1000,
  now = Date.now(),
): Promise<number> {
  const stale = await services.db
    .select()
    .from(mediaFiles)
    .where(
      and(eq(mediaFiles.status, 'uploading'), lt(mediaFiles.createdAt, new Date(now - maxAgeMs))),
    )
    .limit(200);
  for (const row of stale) {
    await removeObjects(services.media, row);
    await services.db.delete(mediaFiles).where(eq(mediaFiles.id, row.id));
  }
  return stale.length;
}
