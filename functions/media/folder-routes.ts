import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
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
const listRoute = userRoute({
  method: 'get',
  path: '/media/folders',
  tags,
  summary: 'All your folders, as a flat list (rebuild the tree from parentId)',
  responses: {
    200: jsonResponse(MediaFolderListSchema, 'Folders by name'),
  },
});

const createFolderRoute = userRoute({
  method: 'post',
  path: '/media/folders',
  tags,
  summary: 'Create a folder',
  description: 'Names are unique among the folders of one parent (409 otherwise).',
  rateLimit: rateLimitByUser(MEDIA_WRITE_RULE),
  request: { body: jsonBody(MediaFolderCreateSchema) },
  responses: {
    201: jsonResponse(MediaFolderSchema, 'Created'),
    ...problemResponses(404, 409),
  },
});

const patchRoute = userRoute({
  method: 'patch',
  path: '/media/folders/{id}',
  tags,
  summary: 'Rename a folder or move it into another (parentId null: the top level)',
  description: 'A folder cannot move into itself or one of its subfolders (400).',
  rateLimit: rateLimitByUser(MEDIA_WRITE_RULE),
  request: { params: IdParamSchema, body: jsonBody(MediaFolderPatchSchema) },
  responses: {
    200: jsonResponse(MediaFolderSchema, 'The updated folder'),
    ...problemResponses(409),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/media/folders/{id}',
  tags,
  summary: 'Delete a folder, keeping what is in it',
  description:
    'Its files and subfolders move up to its parent (or the top level) in one transaction. 409 when a subfolder has the name of a folder already there.',
  rateLimit: rateLimitByUser(MEDIA_WRITE_RULE),
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(409) },
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
