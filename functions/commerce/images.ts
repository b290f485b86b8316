import { and, eq, sql } from 'drizzle-orm';
import { imageSize } from 'image-size';
import { products } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { IMAGE_TYPES, type ImageType, isCompleteImage, sniffImageType } from '../profile/avatar';
import { productImageUrl } from './products';

export const PRODUCT_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const PRODUCT_IMAGE_MAX_SIDE = 6000;
export const PRODUCT_IMAGE_MIN_SIDE = 16;
/** Images per product. */
export const PRODUCT_IMAGE_MAX_COUNT = 12;
export { IMAGE_TYPES as PRODUCT_IMAGE_TYPES };

/** The upload path, which takes a raw body and so sets its own body limit in app.ts. */
export const PRODUCT_IMAGE_UPLOAD_PATH = /^\/api\/admin\/products\/[^/]+\/images$/;

const keyFor = (productId: string, imageId: string) => `products/${productId}/${imageId}`;

export interface CheckedProductImage {
  type: ImageType;
  width: number;
  height: number;
}

/**
 * Checks an uploaded product image: declared type accepted and matching the bytes (else
 * 415), file whole and within size bounds (else 422). Stored as sent, never resized.
 */
export function checkProductImage(
  declared: string | undefined,
  bytes: Uint8Array,
): CheckedProductImage {
  const declaredType = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!IMAGE_TYPES.includes(declaredType as ImageType)) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the image as the body with Content-Type image/png, image/jpeg, image/webp or image/gif.',
    );
  }
  if (bytes.length === 0) throw new ApiError('BAD_REQUEST', 'The body is empty.');
  const type = sniffImageType(bytes);
  if (type !== declaredType) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      type ? `This file is ${type}, not ${declaredType}.` : 'This file is not an image we take.',
    );
  }
  let size: { width?: number; height?: number } = {};
  try {
    if (isCompleteImage(type, bytes)) size = imageSize(bytes);
  } catch {
    size = {};
  }
  const { width, height } = size;
  if (!width || !height) throw new ApiError('INVALID_IMAGE', 'This image is truncated or damaged.');
  const max = PRODUCT_IMAGE_MAX_SIDE;
  const min = PRODUCT_IMAGE_MIN_SIDE;
  if (width > max || height > max || width < min || height < min) {
    throw new ApiError(
      'INVALID_IMAGE',
      `The image is ${width}×${height} pixels; use from ${min}×${min} to ${max}×${max}.`,
    );
  }
  return { type, width, height };
}

/**
 * Stores a checked image in R2 under `products/<id>/<uuid>` and appends its key to the
 * product in one conditional UPDATE (product exists, fewer than the maximum images), so two
 * uploads racing cannot exceed it. The object is removed again when the row refuses it.
 */
export async function addProductImage(
  services: Services,
  productId: string,
  image: CheckedProductImage & { bytes: Uint8Array },
) {
  const imageId = crypto.randomUUID();
  const key = keyFor(productId, imageId);
  const [exists] = await services.db
    .select({ id: products.id })
    .from(products)
    .where(eq(products.id, productId))
    .limit(1);
  if (!exists) throw new ApiError('NOT_FOUND', 'No such product.');
  await services.media.put(key, image.bytes, {
    httpMetadata: { contentType: image.type, cacheControl: 'public, max-age=31536000, immutable' },
    customMetadata: { width: String(image.width), height: String(image.height) },
  });
  let keys: string[] | undefined;
  try {
    const [row] = await services.db
      .update(products)
      .set({ imageKeys: sql`array_append(${products.imageKeys}, ${key})`, updatedAt: new Date() })
      .where(
        and(
          eq(products.id, productId),
          sql`cardinality(${products.imageKeys}) < ${PRODUCT_IMAGE_MAX_COUNT}`,
        ),
      )
      .returning({ imageKeys: products.imageKeys });
    keys = row?.imageKeys;
  } finally {
    if (!keys) await services.media.delete(key);
  }
  if (!keys) {
    throw new ApiError(
      'CONFLICT',
      `A product has at most ${PRODUCT_IMAGE_MAX_COUNT} images; delete one first.`,
    );
  }
  return {
    id: imageId,
    url: productImageUrl(productId, key),
    contentType: image.type,
    width: image.width,
    height: image.height,
    bytes: image.bytes.length,
    imageUrls: keys.map((k) => productImageUrl(productId, k)),
  };
}

/** Removes one image from a product and from R2; 404 when the product has no such image. */
export async function deleteProductImage(
  services: Services,
  productId: string,
  imageId: string,
): Promise<void> {
  const key = keyFor(productId, imageId);
  const rows = await services.db
    .update(products)
    .set({ imageKeys: sql`array_remove(${products.imageKeys}, ${key})`, updatedAt: new Date() })
    .where(and(eq(products.id, productId), sql`${key} = any(${products.imageKeys})`))
    .returning({ id: products.id });
  if (rows.length === 0) throw new ApiError('NOT_FOUND', 'No such image.');
  await services.media.delete(key);
}

/**
 * A product image, only if the product lists it: no path can reach another R2 object.
 * Returns the object without a body when `ifNoneMatch` still matches.
 */
export async function readProductImage(
  services: Services,
  productId: string,
  imageId: string,
  ifNoneMatch: string | undefined,
): Promise<R2Object | R2ObjectBody | null> {
  const key = keyFor(productId, imageId);
  const [row] = await services.db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, productId), sql`${key} = any(${products.imageKeys})`))
    .limit(1);
  if (!row) return null;
  const onlyIf = ifNoneMatch ? new Headers({ 'If-None-Match': ifNoneMatch }) : undefined;
  return services.media.get(key, onlyIf ? { onlyIf } : undefined);
}
