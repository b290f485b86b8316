import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../platform/middleware/auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { createFolder, deleteFolder, listFolders, updateFolder } from './folders';
import { MEDIA_WRITE_RULE } from './limits';
import {
  IdParamSchema,
  MediaFolderCreateSchema,
  MediaFolderListSchema,
  MediaFolderPatchSchema,
  MediaFolderSchema,
} from './schemas';

const tags = ['media'];
const security = [{ bearerAuth: [] }];
const folderResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: MediaFolderSchema } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/media/folders',
  tags,
  security,
  summary: 'All your folders, as a flat list (rebuild the tree from parentId)',
  middleware: [requireAuth] as const,
  responses: {
    200: {
      description: 'Folders by name',
      content: { 'application/json': { schema: MediaFolderListSchema } },
    },
    ...problemResponses(401),
  },
});

const createFolderRoute = createRoute({
  method: 'post',
  path: '/media/folders',
  tags,
  security,
  summary: 'Create a folder',
  description: 'Names are unique among the folders of one parent (409 otherwise).',
  middleware: [requireAuth, rateLimitByUser(MEDIA_WRITE_RULE)] as const,
  request: { body: jsonBody(MediaFolderCreateSchema) },
  responses: {
    201: folderResponse('Created'),
    ...problemResponses(400, 401, 404, 409, 413, 415, 429),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/media/folders/{id}',
  tags,
  security,
  summary: 'Rename a folder or move it into another (parentId null: the top level)',
  description: 'A folder cannot move into itself or one of its subfolders (400).',
  middleware: [requireAuth, rateLimitByUser(MEDIA_WRITE_RULE)] as const,
  request: { params: IdParamSchema, body: jsonBody(MediaFolderPatchSchema) },
  responses: {
    200: folderResponse('The updated folder'),
    ...problemResponses(400, 401, 404, 409, 413, 415, 429),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/media/folders/{id}',
  tags,
  security,
  summary: 'Delete a folder, keeping what is in it',
  description:
    'Its files and subfolders move up to its parent (or the top level) in one transaction. 409 when a subfolder has the name of a folder already there.',
  middleware: [requireAuth, rateLimitByUser(MEDIA_WRITE_RULE)] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 404, 409, 429) },
});

/** Folders of the media manager. */
export const mediaFolderRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json({ items: await listFolders(c.var.services.db, c.var.auth.userId) }, 200);
  })
  .openapi(createFolderRoute, async (c) => {
    const folder = await createFolder(c.var.services.db, c.var.auth.userId, c.req.valid('json'));
    return c.json(folder, 201);
  })
  .openapi(patchRoute, async (c) => {
    const folder = await updateFolder(
      c.var.services.db,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    return c.json(folder, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteFolder(c.var.services.db, c.var.auth.userId, c.req.valid('param').id);
    return c.body(null, 204);
  });
