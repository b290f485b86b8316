import { z } from '@hono/zod-openapi';
import { MULTIPART_MAX_BYTES, NAME_MAX } from './limits';

const nameField = z
  .string()
  .trim()
  .min(1, 'Give it a name')
  .max(NAME_MAX, `Use at most ${NAME_MAX} characters`)
  .openapi({ example: 'holiday.png' });

const kindEnum = z.enum(['image', 'audio', 'video', 'document', 'other']);
const sourceEnum = z.enum(['upload', 'generated']);

export const MediaFileSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    contentType: z.string().openapi({ example: 'image/png' }),
    size: z.number().int().openapi({ description: 'Bytes' }),
    kind: kindEnum,
    source: sourceEnum,
    status: z.enum(['uploading', 'ready']),
    folderId: z.uuid().nullable(),
    jobId: z.uuid().nullable().openapi({ description: 'The generation job that made it' }),
    prompt: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    offline: z
      .boolean()
      .openapi({ description: 'Made by WeBox’s offline generator, no AI provider called' }),
    url: z
      .string()
      .nullable()
      .openapi({ description: 'Signed URL for <img>/<audio>/<video>/links, valid about an hour' }),
    thumbnailUrl: z.string().nullable().openapi({ description: 'Signed preview URL (images)' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('MediaFile');

export const MediaFilePageSchema = z
  .object({ items: z.array(MediaFileSchema), nextCursor: z.string().nullable() })
  .openapi('MediaFilePage');

export const MediaFileListQuerySchema = z.object({
  folderId: z
    .union([z.literal('root'), z.uuid()])
    .optional()
    .openapi({ description: '"root" for the top level, a folder id, or nothing for every file' }),
  q: z.string().trim().max(200).optional().openapi({ description: 'Part of a name or prompt' }),
  kind: kindEnum.optional(),
  source: sourceEnum.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const IdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const FileIdParamSchema = z.object({
  fileId: z.uuid().openapi({ param: { name: 'fileId', in: 'path' } }),
});

export const PartParamSchema = z.object({
  fileId: z.uuid().openapi({ param: { name: 'fileId', in: 'path' } }),
  n: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .openapi({ param: { name: 'n', in: 'path' }, description: 'Part number, from 1' }),
});

export const MediaFilePatchSchema = z
  .strictObject({
    name: nameField.optional(),
    folderId: z.uuid().nullable().optional().openapi({ description: 'null: the top level' }),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send name or folderId' })
  .openapi('MediaFilePatch');

export const SimpleUploadQuerySchema = z.object({
  name: z.string().max(NAME_MAX).optional(),
  folderId: z.uuid().optional(),
});

export const MultipartStartSchema = z
  .strictObject({
    name: nameField,
    contentType: z.string().min(3).max(100).openapi({ example: 'video/mp4' }),
    size: z
      .number()
      .int()
      .min(1, 'The file is empty')
      .max(MULTIPART_MAX_BYTES, `Files are at most ${MULTIPART_MAX_BYTES} bytes`),
    folderId: z.uuid().nullable().optional(),
  })
  .openapi('MultipartStart');

export const MultipartStartedSchema = z
  .object({
    fileId: z.uuid(),
    uploadId: z.string(),
    partSize: z.number().int().openapi({ description: 'Bytes of every part but the last' }),
    parts: z.number().int().openapi({ description: 'How many parts to send' }),
  })
  .openapi('MultipartStarted');

const PartSchema = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  etag: z.string().min(1).max(200),
});

export const UploadedPartSchema = PartSchema.openapi('UploadedPart');

export const MultipartCompleteSchema = z
  .strictObject({ parts: z.array(PartSchema).min(1).max(10_000) })
  .openapi('MultipartComplete');

export const SignedQuerySchema = z.object({
  v: z.enum(['file', 'thumbnail']).default('file'),
  exp: z.coerce.number().int(),
  sig: z.string().min(1).max(200),
});

export const MediaFolderSchema = z
  .object({
    id: z.uuid(),
    parentId: z.uuid().nullable(),
    name: z.string(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('MediaFolder');

export const MediaFolderListSchema = z
  .object({ items: z.array(MediaFolderSchema) })
  .openapi('MediaFolderList');

export const MediaFolderCreateSchema = z
  .strictObject({ name: nameField, parentId: z.uuid().nullable().optional() })
  .openapi('MediaFolderCreate');

export const MediaFolderPatchSchema = z
  .strictObject({ name: nameField.optional(), parentId: z.uuid().nullable().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send name or parentId' })
  .openapi('MediaFolderPatch');

export const StorageSchema = z
  .object({
    plan: z.enum(['free', 'pro', 'business']),
    usedBytes: z.number().int(),
    limitBytes: z.number().int(),
    files: z.number().int(),
  })
  .openapi('MediaStorage');
