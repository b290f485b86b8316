import { z } from '@hono/zod-openapi';
import { limitBody } from '../platform/middleware/body-limit';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { MEDIA_PART_RULE, MEDIA_UPLOAD_RULE, PART_SIZE, SIMPLE_UPLOAD_MAX_BYTES } from './limits';
import {
  FileIdParamSchema,
  MediaFileSchema,
  MultipartCompleteSchema,
  MultipartStartedSchema,
  MultipartStartSchema,
  PartParamSchema,
  SimpleUploadQuerySchema,
  UploadedPartSchema,
} from './schemas';
import { ACCEPTED_MEDIA_TYPES } from './sniff';
import {
  abortMultipart,
  completeMultipart,
  saveUpload,
  startMultipart,
  uploadPart,
} from './uploads';

/** Paths that take a raw body and set their own body limit (see app.ts). */
export const MEDIA_RAW_BODY_PATH = /^\/api\/media\/(files|uploads\/[^/]+\/parts\/[^/]+)$/;

const tags = ['media'];
const binary = z.string().openapi({ format: 'binary' });
// JSON files are accepted too, but declaring application/json here would make the router
// parse and validate them as a JSON request body.
const fileContent = Object.fromEntries(
  ACCEPTED_MEDIA_TYPES.filter((type) => type !== 'application/json').map((type) => [
    type,
    { schema: binary },
  ]),
);
const simpleUploadRoute = userRoute({
  method: 'post',
  path: '/media/files',
  tags,
  summary: 'Upload a file in one request',
  description: `The raw file is the body and its Content-Type the file's type, at most ${SIMPLE_UPLOAD_MAX_BYTES} bytes (use the multipart upload for larger files). The type is checked against the content: images, audio, video, PDF, EPUB, ZIP and UTF-8 text, Markdown, CSV, JSON.`,
  middleware: [limitBody(SIMPLE_UPLOAD_MAX_BYTES)],
  rateLimit: rateLimitByUser(MEDIA_UPLOAD_RULE),
  request: {
    query: SimpleUploadQuerySchema,
    body: { required: true, content: fileContent },
  },
  responses: {
    201: jsonResponse(MediaFileSchema, 'Stored'),
    ...problemResponses(404, 413, 415),
  },
});

const startRoute = userRoute({
  method: 'post',
  path: '/media/uploads',
  tags,
  summary: 'Start a multipart upload (large files)',
  description: `Answers how many parts to send and their size: every part but the last is exactly partSize (${PART_SIZE}) bytes. The declared size counts against your storage until the upload is completed or aborted.`,
  rateLimit: rateLimitByUser(MEDIA_UPLOAD_RULE),
  request: { body: jsonBody(MultipartStartSchema) },
  responses: {
    201: jsonResponse(MultipartStartedSchema, 'Started'),
    ...problemResponses(404),
  },
});

const partRoute = userRoute({
  method: 'put',
  path: '/media/uploads/{fileId}/parts/{n}',
  tags,
  summary: 'Send one part of a multipart upload',
  description:
    'The raw bytes of the part are the body. Part 1 is checked against the declared type.',
  middleware: [limitBody(PART_SIZE)],
  rateLimit: rateLimitByUser(MEDIA_PART_RULE),
  request: {
    params: PartParamSchema,
    body: { required: true, content: { 'application/octet-stream': { schema: binary } } },
  },
  responses: {
    200: jsonResponse(UploadedPartSchema, 'Stored; keep the etag for completing'),
    ...problemResponses(409, 413, 415),
  },
});

const completeRoute = userRoute({
  method: 'post',
  path: '/media/uploads/{fileId}/complete',
  tags,
  summary: 'Finish a multipart upload',
  rateLimit: rateLimitByUser(MEDIA_PART_RULE),
  request: { params: FileIdParamSchema, body: jsonBody(MultipartCompleteSchema) },
  responses: {
    200: jsonResponse(MediaFileSchema, 'The finished file'),
    ...problemResponses(409),
  },
});

const abortRoute = userRoute({
  method: 'delete',
  path: '/media/uploads/{fileId}',
  tags,
  summary: 'Abort a multipart upload',
  rateLimit: rateLimitByUser(MEDIA_PART_RULE),
  request: { params: FileIdParamSchema },
  responses: {
    204: { description: 'Aborted' },
    ...problemResponses(409),
  },
});

/** Uploads: one request up to 25 MiB, or R2 multipart up to 2 GiB. */
export const mediaUploadRoutes = createRouter()
  .openapi(simpleUploadRoute, async (c) => {
    const query = c.req.valid('query');
    const file = await saveUpload(c.var.services, c.var.auth.userId, {
      bytes: new Uint8Array(await c.req.arrayBuffer()),
      declaredType: c.req.header('Content-Type') ?? '',
      name: query.name,
      folderId: query.folderId,
    });
    return c.json(file, 201);
  })
  .openapi(startRoute, async (c) => {
    const started = await startMultipart(c.var.services, c.var.auth.userId, c.req.valid('json'));
    return c.json(started, 201);
  })
  .openapi(partRoute, async (c) => {
    const { fileId, n } = c.req.valid('param');
    const part = await uploadPart(
      c.var.services,
      c.var.auth.userId,
      fileId,
      n,
      new Uint8Array(await c.req.arrayBuffer()),
    );
    return c.json(part, 200);
  })
  .openapi(completeRoute, async (c) => {
    const file = await completeMultipart(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').fileId,
      c.req.valid('json').parts,
    );
    return c.json(file, 200);
  })
  .openapi(abortRoute, async (c) => {
    await abortMultipart(c.var.services, c.var.auth.userId, c.req.valid('param').fileId);
    return c.body(null, 204);
  });
