import { eq } from 'drizzle-orm';
import { imageSize } from 'image-size';
import { users } from '../../db/schema';
import type { RequestMeta } from '../auth/request-meta';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { recordEvent } from './audit';

/** The one avatar route; it takes a raw image body, so it sets its own body limit. */
export const AVATAR_PATH = '/api/profile/avatar';
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
export const AVATAR_MAX_SIDE = 4096;
export const AVATAR_MIN_SIDE = 16;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const EXTENSION: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

const NAME: Record<ImageType, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
};

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image type from the file's magic bytes, whatever the client declared. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

const u32be = (b: Uint8Array, at: number) =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>>
  0;
const u32le = (b: Uint8Array, at: number) =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>>
  0;

/**
 * Whether the file is whole: a PNG's chunks run from IHDR to IEND, a JPEG ends with its EOI
 * marker, a GIF with its trailer, a WebP's RIFF size matches the bytes. Reading the header
 * alone would accept a truncated upload that no browser can draw.
 */
export function isCompleteImage(type: ImageType, bytes: Uint8Array): boolean {
  switch (type) {
    case 'image/png': {
      let at = PNG_SIGNATURE.length;
      let first = true;
      while (at + 12 <= bytes.length) {
        const length = u32be(bytes, at);
        const chunk = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
        if (first && chunk !== 'IHDR') return false;
        first = false;
        at += 12 + length;
        if (at > bytes.length) return false;
        if (chunk === 'IEND') return true;
      }
      return false;
    }
    case 'image/jpeg': {
      let end = bytes.length;
      // Some encoders pad the file after the end-of-image marker.
      while (end > 2 && bytes[end - 1] === 0x00) end--;
      return bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
    }
    case 'image/gif':
      return bytes.length > 13 && bytes[bytes.length - 1] === 0x3b;
    case 'image/webp': {
      const riff = u32le(bytes, 4) + 8;
      return riff === bytes.length || riff + 1 === bytes.length;
    }
  }
}

export interface CheckedImage {
  type: ImageType;
  width: number;
  height: number;
}

/**
 * Checks an uploaded avatar: the declared type must be one we take and must match what the
 * bytes are (else 415), the file must be whole and its size within bounds (else 422). WeBox
 * does not resize: image codecs need WebAssembly compiled at run time, which workerd forbids.
 */
export function checkAvatar(declared: string | undefined, bytes: Uint8Array): CheckedImage {
  const declaredType = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!IMAGE_TYPES.includes(declaredType as ImageType)) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the image as the body with Content-Type image/png, image/jpeg, image/webp or image/gif.',
    );
  }
  if (bytes.length === 0) {
    throw new ApiError('BAD_REQUEST', 'The body is empty: send the image file as the body.');
  }
  const type = sniffImageType(bytes);
  if (!type) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'This file is not a PNG, JPEG, WebP or GIF image.',
    );
  }
  if (type !== declaredType) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      `This file is a ${NAME[type]} image but was sent as ${declaredType}.`,
    );
  }
  let size: { width?: number; height?: number };
  try {
    size = isCompleteImage(type, bytes) ? imageSize(bytes) : {};
  } catch {
    size = {};
  }
  const { width, height } = size;
  if (!width || !height) {
    throw new ApiError('INVALID_IMAGE', `This ${NAME[type]} file is truncated or damaged.`);
  }
  if (width > AVATAR_MAX_SIDE || height > AVATAR_MAX_SIDE) {
    throw new ApiError(
      'INVALID_IMAGE',
      `The image is ${width}×${height} pixels; use at most ${AVATAR_MAX_SIDE}×${AVATAR_MAX_SIDE}. WeBox keeps avatars as sent and does not resize them.`,
    );
  }
  if (width < AVATAR_MIN_SIDE || height < AVATAR_MIN_SIDE) {
    throw new ApiError(
      'INVALID_IMAGE',
      `The image is ${width}×${height} pixels; use at least ${AVATAR_MIN_SIDE}×${AVATAR_MIN_SIDE}.`,
    );
  }
  return { type, width, height };
}

const keyPrefix = (userId: string) => `users/${userId}/avatar/`;

/** The avatar URL for the profile, with the object's id as a cache buster; null when none. */
export function avatarUrl(avatarKey: string | null): string | null {
  if (!avatarKey) return null;
  const id = avatarKey.slice(avatarKey.lastIndexOf('/') + 1).split('.')[0] ?? '';
  return `${AVATAR_PATH}?v=${encodeURIComponent(id)}`;
}

/** A stored key is only ever used if it sits under its owner's prefix. */
function ownedKey(userId: string, key: string | null): string | null {
  return key?.startsWith(keyPrefix(userId)) ? key : null;
}

/**
 * Stores a checked avatar in R2 under the user's prefix, points the user at it and deletes
 * the previous one. The row is locked while it is swapped, so two uploads racing each delete
 * exactly the object they replaced.
 */
export async function saveAvatar(
  services: Services,
  bucket: R2Bucket,
  userId: string,
  image: CheckedImage & { bytes: Uint8Array },
  meta: RequestMeta,
): Promise<{
  avatarUrl: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}> {
  const key = `${keyPrefix(userId)}${crypto.randomUUID()}.${EXTENSION[image.type]}`;
  await bucket.put(key, image.bytes, {
    httpMetadata: { contentType: image.type, cacheControl: 'private, no-cache' },
    customMetadata: { width: String(image.width), height: String(image.height) },
  });
  let previous: string | null;
  try {
    previous = await services.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ avatarKey: users.avatarKey })
        .from(users)
        .where(eq(users.id, userId))
        .for('update');
      if (!row) throw new ApiError('UNAUTHORIZED', 'This account is not available.');
      await tx
        .update(users)
        .set({ avatarKey: key, updatedAt: new Date() })
        .where(eq(users.id, userId));
      await recordEvent(tx, userId, 'avatar.updated', meta, {
        contentType: image.type,
        width: image.width,
        height: image.height,
        bytes: image.bytes.length,
      });
      return row.avatarKey;
    });
  } catch (err) {
    await bucket.delete(key);
    throw err;
  }
  const old = ownedKey(userId, previous);
  if (old) await bucket.delete(old);
  return {
    avatarUrl: avatarUrl(key) ?? AVATAR_PATH,
    contentType: image.type,
    width: image.width,
    height: image.height,
    bytes: image.bytes.length,
  };
}

/**
 * The caller's own avatar object (with its body unless `ifNoneMatch` still matches), or null.
 * The key comes from the caller's row only: no parameter can name another user's object.
 */
export async function readAvatar(
  services: Services,
  bucket: R2Bucket,
  userId: string,
  ifNoneMatch: string | undefined,
): Promise<R2Object | R2ObjectBody | null> {
  const [row] = await services.db
    .select({ avatarKey: users.avatarKey })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const key = ownedKey(userId, row?.avatarKey ?? null);
  if (!key) return null;
  const onlyIf = ifNoneMatch ? new Headers({ 'If-None-Match': ifNoneMatch }) : undefined;
  return bucket.get(key, onlyIf ? { onlyIf } : undefined);
}

/** Removes the caller's avatar, if any; idempotent. */
export async function deleteAvatar(
  services: Services,
  bucket: R2Bucket,
  userId: string,
  meta: RequestMeta,
): Promise<void> {
  const previous = await services.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ avatarKey: users.avatarKey })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!row?.avatarKey) return null;
    await tx
      .update(users)
      .set({ avatarKey: null, updatedAt: new Date() })
      .where(eq(users.id, userId));
    await recordEvent(tx, userId, 'avatar.deleted', meta);
    return row.avatarKey;
  });
  const old = ownedKey(userId, previous);
  if (old) await bucket.delete(old);
}
