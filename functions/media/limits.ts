import { rule } from '../platform/rate-limit';

/** Largest file sent in one request to POST /api/media/files; larger ones go multipart. */
export const SIMPLE_UPLOAD_MAX_BYTES = 25 * 1024 * 1024;
/** Largest file a multipart upload may declare. */
export const MULTIPART_MAX_BYTES = 2 * 1024 * 1024 * 1024;
/**
 * Every part but the last has exactly this size: R2 wants parts of at least 5 MiB, all the
 * same size except the last.
 */
export const PART_SIZE = 8 * 1024 * 1024;
/** Longest file or folder name, in characters. */
export const NAME_MAX = 200;

/** Simple uploads and multipart starts, per account. */
export const MEDIA_UPLOAD_RULE = rule('media-upload', 120, 600);
/** Parts of multipart uploads (a 2 GiB file is 256 of them). */
export const MEDIA_PART_RULE = rule('media-part', 1200, 600);
/** Renames, moves, deletes and folder changes. */
export const MEDIA_WRITE_RULE = rule('media-write', 300, 600);
