import { z } from '@hono/zod-openapi';
import { requestMeta } from '../auth/request-meta';
import { ApiError } from '../platform/errors';
import { limitBody } from '../platform/middleware/body-limit';
import { createRouter, jsonResponse, problemResponses, userRoute } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import {
  AVATAR_MAX_BYTES,
  checkAvatar,
  deleteAvatar,
  IMAGE_TYPES,
  readAvatar,
  saveAvatar,
} from './avatar';
import { AVATAR_UPLOAD_RULE } from './limits';
import { AvatarQuerySchema, AvatarUploadedSchema } from './schemas';

const binary = z.string().openapi({ format: 'binary' });
const imageContent = Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: binary }]));

const putAvatarRoute = userRoute({
  method: 'put',
  path: '/profile/avatar',
  tags: ['profile'],
  summary: 'Upload your avatar',
  description: `The raw image is the body: PNG, JPEG, WebP or GIF, at most ${AVATAR_MAX_BYTES} bytes, from 16×16 to 4096×4096 pixels. The type is read from the file itself and must match Content-Type. Images are stored as sent: WeBox does not resize them.`,
  middleware: [limitBody(AVATAR_MAX_BYTES)],
  rateLimit: rateLimitByUser(AVATAR_UPLOAD_RULE),
  request: { body: { required: true, content: imageContent } },
  responses: {
    200: jsonResponse(AvatarUploadedSchema, 'Stored'),
    ...problemResponses(400, 413, 415, 422),
  },
});

const getAvatarRoute = userRoute({
  method: 'get',
  path: '/profile/avatar',
  tags: ['profile'],
  summary: 'Your avatar image',
  description: 'Only ever your own: no parameter selects another account’s image.',
  request: { query: AvatarQuerySchema },
  responses: {
    200: { description: 'The image', content: imageContent },
    304: { description: 'Unchanged since the ETag you sent' },
    ...problemResponses(404),
  },
});

const deleteAvatarRoute = userRoute({
  method: 'delete',
  path: '/profile/avatar',
  tags: ['profile'],
  summary: 'Remove your avatar',
  responses: {
    204: { description: 'Removed (or there was none)' },
  },
});

/** The caller's avatar, stored in R2. */
export const avatarRoutes = createRouter()
  .openapi(putAvatarRoute, async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    // The body limit trusts Content-Length when there is one; the bytes read are checked too.
    if (bytes.length > AVATAR_MAX_BYTES) {
      throw new ApiError('PAYLOAD_TOO_LARGE', `The body is larger than ${AVATAR_MAX_BYTES} bytes.`);
    }
    const image = checkAvatar(c.req.header('Content-Type'), bytes);
    const saved = await saveAvatar(
      c.var.services,
      c.env.MEDIA,
      c.var.auth.userId,
      { ...image, bytes },
      requestMeta(c),
    );
    return c.json(saved, 200);
  })
  .openapi(getAvatarRoute, async (c) => {
    const object = await readAvatar(
      c.var.services,
      c.env.MEDIA,
      c.var.auth.userId,
      c.req.header('If-None-Match'),
    );
    if (!object) throw new ApiError('NOT_FOUND', 'You have no avatar.');
    const headers = {
      ETag: object.httpEtag,
      'Cache-Control': 'private, no-cache',
      Vary: 'Authorization',
    };
    if (!('body' in object)) return c.body(null, 304, headers);
    return c.body(object.body, 200, {
      ...headers,
      'Content-Type': object.httpMetadata?.contentType ?? 'application/octet-stream',
      'Content-Length': String(object.size),
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
  })
  .openapi(deleteAvatarRoute, async (c) => {
    await deleteAvatar(c.var.services, c.env.MEDIA, c.var.auth.userId, requestMeta(c));
    return c.body(null, 204);
  });
