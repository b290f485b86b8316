import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { mediaFiles } from '../../db/schema';
import { ApiError } from '../platform/errors';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { MEDIA_WRITE_RULE } from './limits';
import {
  IdParamSchema,
  MediaFileListQuerySchema,
  MediaFilePageSchema,
  MediaFilePatchSchema,
  MediaFileSchema,
  SignedQuerySchema,
  StorageSchema,
} from './schemas';
import { serveMedia } from './serve';
import {
  deleteMediaFile,
  listMediaFiles,
  requireMediaFile,
  storageSummary,
  toMediaFile,
  updateMediaFile,
} from './service';
import { verifyMediaSignature } from './signed-url';

const tags = ['media'];
const contentResponses = {
  200: {
    description: 'The whole file',
    content: { '*/*': { schema: z.string().openapi({ format: 'binary' }) } },
  },
  206: { description: 'The requested byte range' },
  304: { description: 'Unchanged since the ETag you sent' },
};

const listRoute = userRoute({
  method: 'get',
  path: '/media/files',
  tags,
  summary: 'Your files, newest first',
  description:
    'q finds part of a name or prompt. folderId "root" lists the top level; no folderId lists every file.',
  request: { query: MediaFileListQuerySchema },
  responses: {
    200: jsonResponse(MediaFilePageSchema, 'A page'),
    ...problemResponses(404),
  },
});

const getRoute = userRoute({
  method: 'get',
  path: '/media/files/{id}',
  tags,
  summary: 'One of your files',
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(MediaFileSchema, 'The file') },
});

const patchRoute = userRoute({
  method: 'patch',
  path: '/media/files/{id}',
  tags,
  summary: 'Rename a file or move it to a folder',
  rateLimit: rateLimitByUser(MEDIA_WRITE_RULE),
  request: { params: IdParamSchema, body: jsonBody(MediaFilePatchSchema) },
  responses: {
    200: jsonResponse(MediaFileSchema, 'The updated file'),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/media/files/{id}',
  tags,
  summary: 'Delete a file (also an unfinished upload)',
  rateLimit: rateLimitByUser(MEDIA_WRITE_RULE),
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted' } },
});

const contentRoute = userRoute({
  method: 'get',
  path: '/media/files/{id}/content',
  tags,
  summary: 'Download one of your files',
  description:
    'Supports one byte range (Range: bytes=a-b, bytes=a-, bytes=-n), ETag and If-None-Match.',
  request: { params: IdParamSchema },
  responses: { ...contentResponses, ...problemResponses(416) },
});

const signedRoute = publicRoute({
  method: 'get',
  path: '/media/signed/{id}',
  tags,
  summary: 'A file through a signed URL (no Authorization header)',
  description:
    'The URLs come from the url and thumbnailUrl fields of a file. 403 when the signature is wrong or expired.',
  request: { params: IdParamSchema, query: SignedQuerySchema },
  responses: { ...contentResponses, ...problemResponses(403, 416) },
});

const storageRoute = userRoute({
  method: 'get',
  path: '/media/storage',
  tags,
  summary: 'Storage used and included in your plan',
  responses: {
    200: jsonResponse(StorageSchema, 'Usage'),
  },
});

/** Files: list, read, rename and move, delete, download (authorised or signed), storage. */
export const mediaFileRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const page = await listMediaFiles(c.var.services, c.var.auth.userId, c.req.valid('query'));
    return c.json(page, 200);
  })
  .openapi(storageRoute, async (c) => {
    return c.json(await storageSummary(c.var.services.db, c.var.auth.userId), 200);
  })
  .openapi(getRoute, async (c) => {
    const row = await requireMediaFile(
      c.var.services.db,
      c.var.auth.userId,
      c.req.valid('param').id,
    );
    return c.json(await toMediaFile(c.var.services.secrets, row), 200);
  })
  .openapi(patchRoute, async (c) => {
    const file = await updateMediaFile(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    return c.json(file, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteMediaFile(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(contentRoute, async (c) => {
    const row = await requireMediaFile(
      c.var.services.db,
      c.var.auth.userId,
      c.req.valid('param').id,
    );
    const response = await serveMedia(
      c.var.services.media,
      row,
      'file',
      {
        range: c.req.header('Range'),
        ifNoneMatch: c.req.header('If-None-Match'),
        ifRange: c.req.header('If-Range'),
      },
      'private, no-cache',
    );
    response.headers.set('Vary', 'Authorization');
    return response;
  })
  .openapi(signedRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { v, exp, sig } = c.req.valid('query');
    const [row] = await c.var.services.db
      .select()
      .from(mediaFiles)
      .where(eq(mediaFiles.id, id))
      .limit(1);
    // A missing file and a bad signature look alike, so ids cannot be probed.
    if (!row || !(await verifyMediaSignature(c.var.services.secrets, row, v, exp, sig))) {
      throw new ApiError(
        'FORBIDDEN',
        'This link is invalid or has expired; reload the page for a new one.',
      );
    }
    const maxAge = Math.max(0, Math.min(3600, exp - Math.floor(Date.now() / 1000)));
    const response = await serveMedia(
      c.var.services.media,
      row,
      v,
      {
        range: c.req.header('Range'),
        ifNoneMatch: c.req.header('If-None-Match'),
        ifRange: c.req.header('If-Range'),
      },
      `private, max-age=${maxAge}`,
    );
    return response;
  });
