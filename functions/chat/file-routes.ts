import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/errors';
import { limitBody } from '../platform/middleware/body-limit';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  readAttachment,
  saveAttachment,
} from './attachments';
import {
  ConversationFileSchema,
  exportConversation,
  IMPORT_MAX_BYTES,
  importConversation,
} from './export';
import { CHAT_IMPORT_RULE, CHAT_UPLOAD_RULE } from './limits';
import { ConversationParamSchema, ConversationSchema, ExportQuerySchema } from './schemas';

const tags = ['chat'];
const binary = z.string().openapi({ format: 'binary' });
// JSON files are accepted too, but declaring application/json here would make the router
// parse and validate them as a JSON request body.
const fileContent = Object.fromEntries(
  ATTACHMENT_TYPES.filter((type) => type !== 'application/json').map((type) => [
    type,
    { schema: binary },
  ]),
);

const AttachmentSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    kind: z.enum(['image', 'text']),
  })
  .openapi('ChatAttachment');

const uploadRoute = userRoute({
  method: 'post',
  path: '/chat/attachments',
  tags,
  summary: 'Upload a file to attach to a message',
  description: `The raw file is the body, at most ${ATTACHMENT_MAX_BYTES} bytes: images (PNG, JPEG, WebP, GIF) for vision models, or text, Markdown, CSV, JSON and PDF files whose text is given to the model. The type is checked against the content.`,
  middleware: [limitBody(ATTACHMENT_MAX_BYTES)],
  rateLimit: rateLimitByUser(CHAT_UPLOAD_RULE),
  request: {
    query: z.object({ name: z.string().max(200).optional() }),
    body: { required: true, content: fileContent },
  },
  responses: {
    201: jsonResponse(AttachmentSchema, 'Stored'),
    ...problemResponses(413, 415, 422),
  },
});

const readRoute = userRoute({
  method: 'get',
  path: '/chat/attachments/{id}',
  tags,
  summary: 'One of your attachments',
  request: { params: ConversationParamSchema },
  responses: {
    200: { description: 'The file', content: fileContent },
  },
});

const exportRoute = userRoute({
  method: 'get',
  path: '/conversations/{id}/export',
  tags,
  summary: 'Download a conversation as Markdown, JSON or PDF',
  description:
    'Markdown and PDF hold the visible branch; JSON holds every branch and can be imported.',
  request: { params: ConversationParamSchema, query: ExportQuerySchema },
  responses: {
    200: {
      description: 'The file',
      content: {
        'text/markdown': { schema: z.string() },
        'application/json': { schema: ConversationFileSchema },
        'application/pdf': { schema: binary },
      },
    },
  },
});

const importRoute = userRoute({
  method: 'post',
  path: '/conversations/import', // IMPORT_PATH
  tags,
  summary: 'Import a conversation exported as JSON',
  middleware: [limitBody(IMPORT_MAX_BYTES)],
  rateLimit: rateLimitByUser(CHAT_IMPORT_RULE),
  request: { body: jsonBody(ConversationFileSchema) },
  responses: {
    201: jsonResponse(ConversationSchema, 'Imported'),
  },
});

export const chatFileRoutes = createRouter()
  .openapi(uploadRoute, async (c) => {
    const contentType =
      (c.req.header('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(ATTACHMENT_TYPES as readonly string[]).includes(contentType)) {
      throw new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Attach ${ATTACHMENT_TYPES.join(', ')}; got "${contentType || 'no Content-Type'}".`,
      );
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const attachment = await saveAttachment(c.var.services, c.var.auth.userId, {
      bytes,
      contentType,
      name: c.req.valid('query').name,
    });
    return c.json(attachment, 201);
  })
  .openapi(readRoute, async (c) => {
    const { row, object } = await readAttachment(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
    );
    return c.body(object.body, 200, {
      'Content-Type': row.contentType,
      'Content-Length': String(row.size),
      'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(row.name)}`,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    });
  })
  .openapi(exportRoute, async (c) => {
    const file = await exportConversation(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('query').format,
    );
    return c.body(file.body, 200, {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
      'Cache-Control': 'no-store',
    });
  })
  .openapi(importRoute, async (c) => {
    const conversation = await importConversation(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('json'),
    );
    return c.json(conversation, 201);
  });
