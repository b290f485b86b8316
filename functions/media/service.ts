import { and, count, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import { imageSize } from 'image-size';
import type { Database, Transaction } from '../../db/client';
import { mediaFiles, mediaFolders, users } from '../../db/schema';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import type { Secrets, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { NAME_MAX } from './limits';
import { type MediaVariant, signedMediaUrl } from './signed-url';
import { kindOf, type MediaKind } from './sniff';

export { signedMediaUrl } from './signed-url';

export type MediaFileRow = typeof mediaFiles.$inferSelect;
export type MediaFolderRow = typeof mediaFolders.$inferSelect;
export type Plan = 'free' | 'pro' | 'business';
type Db = Database | Transaction;

const GIB = 1024 * 1024 * 1024;
const MIB = 1024 * 1024;

/** Storage each plan includes, in bytes: every file counts, uploaded or generated. */
export const PLAN_STORAGE_BYTES: Record<Plan, number> = {
  free: 1 * GIB,
  pro: 20 * GIB,
  business: 200 * GIB,
};

/** How long the URLs in API answers stay valid. */
export const SIGNED_URL_TTL_SECONDS = 3600;

/** A file as the API returns it; `url` and `thumbnailUrl` are short-lived signed URLs. */
export interface MediaFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  kind: MediaKind;
  source: 'upload' | 'generated';
  status: 'uploading' | 'ready';
  folderId: string | null;
  jobId: string | null;
  prompt: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  offline: boolean;
  url: string | null;
  thumbnailUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MediaFilePage {
  items: MediaFile[];
  nextCursor: string | null;
}

export interface StorageStatus {
  plan: Plan;
  usedBytes: number;
  limitBytes: number;
}

/** Where an uploaded file's bytes live in R2. */
export function uploadKey(userId: string, fileId: string): string {
  return `media/${userId}/files/${fileId}`;
}

/** Where a file's preview image lives, beside the file. */
export function thumbnailKeyFor(r2Key: string): string {
  return `${r2Key}.thumb.png`;
}

const notFound = () => new ApiError('NOT_FOUND', 'No such file.');

/** A name safe to show and to put in a header: no control characters or path separators. */
export function cleanName(name: string | undefined, fallback = 'file'): string {
  const base = [...(name ?? '')]
    .map((ch) =>
      ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 || ch === '/' || ch === '\\' ? '_' : ch,
    )
    .join('')
    .trim();
  return base.slice(0, NAME_MAX) || fallback;
}

/** Width and height of an image, when its header can be read. */
export function imageDimensions(bytes: Uint8Array): {
  width: number | null;
  height: number | null;
} {
  try {
    const size = imageSize(bytes);
    return { width: size.width ?? null, height: size.height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** Bytes used by the user's files (ready and still uploading) against their plan's storage. */
export async function storageStatus(db: Db, userId: string): Promise<StorageStatus> {
  const [[user], [used]] = await Promise.all([
    db.select({ plan: users.plan }).from(users).where(eq(users.id, userId)).limit(1),
    db
      .select({ bytes: sql<string>`coalesce(sum(${mediaFiles.size}), 0)::bigint` })
      .from(mediaFiles)
      .where(eq(mediaFiles.userId, userId)),
  ]);
  const plan = (user?.plan ?? 'free') as Plan;
  return { plan, usedBytes: Number(used?.bytes ?? 0), limitBytes: PLAN_STORAGE_BYTES[plan] };
}

const mb = (bytes: number) => `${(bytes / MIB).toFixed(1)} MB`;

/**
 * Refuses `extraBytes` more when they would take the user past their plan's storage: 413
 * STORAGE_QUOTA_EXCEEDED saying how much is used of how much.
 */
export async function assertStorageAvailable(
  db: Db,
  userId: string,
  extraBytes: number,
): Promise<StorageStatus> {
  const status = await storageStatus(db, userId);
  if (status.usedBytes + extraBytes > status.limitBytes) {
    throw new ApiError(
      'STORAGE_QUOTA_EXCEEDED',
      `This file needs ${mb(extraBytes)} but the ${status.plan} plan's storage is ${mb(status.usedBytes)} used of ${mb(status.limitBytes)}. Delete files or upgrade your plan.`,
    );
  }
  return status;
}

/**
 * Runs `work` with the user's row locked, after checking `extraBytes` fit: two uploads racing
 * for the last megabytes are checked one after the other, never both against the same total.
 */
export async function withStorageReserved<T>(
  db: Database,
  userId: string,
  extraBytes: number,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    await assertStorageAvailable(tx, userId, extraBytes);
    return work(tx);
  });
}

/** A file as the API returns it, with fresh signed URLs. */
export async function toMediaFile(secrets: Secrets, row: MediaFileRow): Promise<MediaFile> {
  const ready = row.status === 'ready';
  const sign = (variant: MediaVariant) =>
    signedMediaUrl(secrets, row, SIGNED_URL_TTL_SECONDS, variant);
  const url = ready ? await sign('file') : null;
  const thumbnailUrl = !ready
    ? null
    : row.thumbnailKey
      ? await sign('thumbnail')
      : row.kind === 'image'
        ? url
        : null;
  return {
    id: row.id,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    kind: row.kind,
    source: row.source,
    status: row.status,
    folderId: row.folderId,
    jobId: row.jobId,
    prompt: row.prompt,
    width: row.width,
    height: row.height,
    durationMs: row.durationMs,
    offline: row.offline,
    url,
    thumbnailUrl,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Stores a file a generation job produced, under `media/<userId>/gen/<jobId>/<keySuffix>`,
 * and records it. A retried step writes the same key, so the row is updated, never
 * duplicated. Storage is not checked here: the job was admitted against the quota.
 */
export async function saveGeneratedFile(
  services: Pick<Services, 'db' | 'media'>,
  args: {
    userId: string;
    jobId: string;
    keySuffix: string;
    name: string;
    bytes: Uint8Array;
    contentType: string;
    prompt?: string;
    width?: number;
    height?: number;
    durationMs?: number;
    thumbnail?: Uint8Array;
    offline?: boolean;
  },
): Promise<MediaFileRow> {
  if (!/^[\w.-]+$/.test(args.keySuffix) || args.keySuffix.includes('..')) {
    throw new Error(`saveGeneratedFile: unsafe keySuffix "${args.keySuffix}"`);
  }
  const r2Key = `media/${args.userId}/gen/${args.jobId}/${args.keySuffix}`;
  const kind = kindOf(args.contentType);
  await services.media.put(r2Key, args.bytes, { httpMetadata: { contentType: args.contentType } });
  let thumbnailKey: string | null = null;
  if (args.thumbnail) {
    thumbnailKey = thumbnailKeyFor(r2Key);
    await services.media.put(thumbnailKey, args.thumbnail, {
      httpMetadata: { contentType: 'image/png' },
    });
  }
  const measured =
    kind === 'image' && (args.width === undefined || args.height === undefined)
      ? imageDimensions(args.bytes)
      : { width: null, height: null };
  const values = {
    name: cleanName(args.name),
    contentType: args.contentType,
    size: args.bytes.byteLength,
    kind,
    source: 'generated' as const,
    status: 'ready' as const,
    jobId: args.jobId,
    prompt: args.prompt ?? null,
    width: args.width ?? measured.width,
    height: args.height ?? measured.height,
    durationMs: args.durationMs ?? null,
    thumbnailKey,
    offline: args.offline ?? false,
  };
  const [row] = await services.db
    .insert(mediaFiles)
    .values({ userId: args.userId, r2Key, ...values })
    .onConflictDoUpdate({ target: mediaFiles.r2Key, set: { ...values, updatedAt: new Date() } })
    .returning();
  if (!row) throw new Error('saveGeneratedFile: no row returned');
  return row;
}

/** The caller's file by id; 404 when it is someone else's or (unless `anyStatus`) not ready. */
export async function requireMediaFile(
  db: Db,
  userId: string,
  id: string,
  options: { anyStatus?: boolean } = {},
): Promise<MediaFileRow> {
  const [row] = await db
    .select()
    .from(mediaFiles)
    .where(and(eq(mediaFiles.id, id), eq(mediaFiles.userId, userId)))
    .limit(1);
  if (!row || (!options.anyStatus && row.status !== 'ready')) throw notFound();
  return row;
}

/** One of the caller's ready files with its bytes (a source image for a variation, a photo for an ad). */
export async function readMediaFile(
  services: Pick<Services, 'db' | 'media'>,
  userId: string,
  id: string,
): Promise<{ row: MediaFileRow; bytes: Uint8Array }> {
  const row = await requireMediaFile(services.db, userId, id);
  const object = await services.media.get(row.r2Key);
  if (!object) throw notFound();
  return { row, bytes: new Uint8Array(await object.arrayBuffer()) };
}

/** The caller's folder, or 404. */
export async function requireFolder(db: Db, userId: string, id: string): Promise<MediaFolderRow> {
  const [row] = await db
    .select()
    .from(mediaFolders)
    .where(and(eq(mediaFolders.id, id), eq(mediaFolders.userId, userId)))
    .limit(1);
  if (!row) throw new ApiError('NOT_FOUND', 'No such folder.');
  return row;
}

/** `%` and `_` typed by the user match themselves, not any character. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface MediaListQuery {
  folderId?: string;
  q?: string;
  kind?: MediaKind;
  source?: 'upload' | 'generated';
  cursor?: string;
  limit: number;
}

/**
 * The caller's ready files, newest first, a page at a time: in one folder (`root` for the
 * top level) or everywhere, matching `q` in the name or the prompt.
 */
export async function listMediaFiles(
  services: Pick<Services, 'db' | 'secrets'>,
  userId: string,
  query: MediaListQuery,
): Promise<MediaFilePage> {
  if (query.folderId && query.folderId !== 'root') {
    await requireFolder(services.db, userId, query.folderId);
  }
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const conditions: (SQL | undefined)[] = [
    eq(mediaFiles.userId, userId),
    eq(mediaFiles.status, 'ready'),
    query.folderId === 'root'
      ? isNull(mediaFiles.folderId)
      : query.folderId
        ? eq(mediaFiles.folderId, query.folderId)
        : undefined,
    query.kind ? eq(mediaFiles.kind, query.kind) : undefined,
    query.source ? eq(mediaFiles.source, query.source) : undefined,
    query.q
      ? or(
          sql`${mediaFiles.name} ilike ${likePattern(query.q)}`,
          sql`${mediaFiles.prompt} ilike ${likePattern(query.q)}`,
        )
      : undefined,
    cursor
      ? sql`(${mediaFiles.createdAt}, ${mediaFiles.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
      : undefined,
  ];
  const rows = await services.db
    .select({ file: mediaFiles, exactAt: sql<string>`${mediaFiles.createdAt}::text` })
    .from(mediaFiles)
    .where(and(...conditions))
    .orderBy(desc(mediaFiles.createdAt), desc(mediaFiles.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: await Promise.all(page.map((row) => toMediaFile(services.secrets, row.file))),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ at: last.exactAt, id: last.file.id })
        : null,
  };
}

/** Renames a file and/or moves it to another of the caller's folders (null: the top level). */
export async function updateMediaFile(
  services: Pick<Services, 'db' | 'secrets'>,
  userId: string,
  id: string,
  patch: { name?: string; folderId?: string | null },
): Promise<MediaFile> {
  await requireMediaFile(services.db, userId, id);
  if (patch.folderId) await requireFolder(services.db, userId, patch.folderId);
  const [row] = await services.db
    .update(mediaFiles)
    .set({
      ...(patch.name !== undefined ? { name: cleanName(patch.name) } : {}),
      ...(patch.folderId !== undefined ? { folderId: patch.folderId } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(mediaFiles.id, id), eq(mediaFiles.userId, userId)))
    .returning();
  if (!row) throw notFound();
  return toMediaFile(services.secrets, row);
}

/** Removes a file's objects from R2 (aborting an unfinished multipart upload), then its row. */
export async function deleteMediaFile(
  services: Pick<Services, 'db' | 'media'>,
  userId: string,
  id: string,
): Promise<void> {
  const row = await requireMediaFile(services.db, userId, id, { anyStatus: true });
  await removeObjects(services.media, row);
  await services.db
    .delete(mediaFiles)
    .where(and(eq(mediaFiles.id, id), eq(mediaFiles.userId, userId)));
}

/** Deletes a file's R2 objects; an unfinished multipart upload is aborted instead. */
export async function removeObjects(bucket: R2Bucket, row: MediaFileRow): Promise<void> {
  if (row.status === 'uploading' && row.uploadId) {
    try {
      await bucket.resumeMultipartUpload(row.r2Key, row.uploadId).abort();
    } catch {
      // Already completed or aborted: the delete below covers the first case.
    }
  }
  await bucket.delete(row.thumbnailKey ? [row.r2Key, row.thumbnailKey] : [row.r2Key]);
}

/** Storage used and included, and how many ready files the caller has. */
export async function storageSummary(
  db: Database,
  userId: string,
): Promise<StorageStatus & { files: number }> {
  const [status, [files]] = await Promise.all([
    storageStatus(db, userId),
    db
      .select({ n: count() })
      .from(mediaFiles)
      .where(and(eq(mediaFiles.userId, userId), eq(mediaFiles.status, 'ready'))),
  ]);
  return { ...status, files: files?.n ?? 0 };
}
