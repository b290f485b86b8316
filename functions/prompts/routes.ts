import { createRoute } from '@hono/zod-openapi';
import { requireAuth } from '../platform/middleware/auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { PROMPT_FAVORITE_RULE, PROMPT_WRITE_RULE } from './limits';
import {
  PromptCategoriesSchema,
  PromptCreateSchema,
  PromptIdParamSchema,
  PromptListQuerySchema,
  PromptPageSchema,
  PromptPatchSchema,
  PromptSchema,
} from './schemas';
import {
  createPrompt,
  deletePrompt,
  getPrompt,
  listCategories,
  listPrompts,
  setFavorite,
  updatePrompt,
} from './service';

const security = [{ bearerAuth: [] }];
const promptResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: PromptSchema } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/prompts',
  tags: ['prompts'],
  summary: 'Your prompts and the public library',
  description:
    'Newest first, a page at a time. q searches the title and body (whole words, quoted phrases, -excluded words, or any part of a word).',
  security,
  middleware: [requireAuth] as const,
  request: { query: PromptListQuerySchema },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: PromptPageSchema } } },
    ...problemResponses(400, 401),
  },
});

const categoriesRoute = createRoute({
  method: 'get',
  path: '/prompts/categories',
  tags: ['prompts'],
  summary: 'Categories of the prompts you can see, with counts',
  security,
  middleware: [requireAuth] as const,
  responses: {
    200: {
      description: 'Categories, largest first',
      content: { 'application/json': { schema: PromptCategoriesSchema } },
    },
    ...problemResponses(401),
  },
});

const createPromptRoute = createRoute({
  method: 'post',
  path: '/prompts',
  tags: ['prompts'],
  summary: 'Save a prompt',
  description: 'isPublic: true is for administrators only (403 otherwise).',
  security,
  middleware: [requireAuth, rateLimitByUser(PROMPT_WRITE_RULE)] as const,
  request: { body: jsonBody(PromptCreateSchema) },
  responses: {
    201: promptResponse('Saved'),
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/prompts/{id}',
  tags: ['prompts'],
  summary: 'One prompt you can see',
  security,
  middleware: [requireAuth] as const,
  request: { params: PromptIdParamSchema },
  responses: {
    200: promptResponse('The prompt'),
    ...problemResponses(400, 401, 404),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/prompts/{id}',
  tags: ['prompts'],
  summary: 'Change your prompt (administrators: also public ones)',
  security,
  middleware: [requireAuth, rateLimitByUser(PROMPT_WRITE_RULE)] as const,
  request: { params: PromptIdParamSchema, body: jsonBody(PromptPatchSchema) },
  responses: {
    200: promptResponse('The updated prompt'),
    ...problemResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/prompts/{id}',
  tags: ['prompts'],
  summary: 'Delete your prompt (administrators: also public ones)',
  security,
  middleware: [requireAuth, rateLimitByUser(PROMPT_WRITE_RULE)] as const,
  request: { params: PromptIdParamSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(400, 401, 403, 404, 429),
  },
});

const favoriteRoute = createRoute({
  method: 'put',
  path: '/prompts/{id}/favorite',
  tags: ['prompts'],
  summary: 'Mark a prompt you can see as a favourite',
  security,
  middleware: [requireAuth, rateLimitByUser(PROMPT_FAVORITE_RULE)] as const,
  request: { params: PromptIdParamSchema },
  responses: {
    204: { description: 'Marked (or already was)' },
    ...problemResponses(400, 401, 404, 429),
  },
});

const unfavoriteRoute = createRoute({
  method: 'delete',
  path: '/prompts/{id}/favorite',
  tags: ['prompts'],
  summary: 'Remove a prompt from your favourites',
  security,
  middleware: [requireAuth, rateLimitByUser(PROMPT_FAVORITE_RULE)] as const,
  request: { params: PromptIdParamSchema },
  responses: {
    204: { description: 'Removed (or was not a favourite)' },
    ...problemResponses(400, 401, 404, 429),
  },
});

/** The prompt library: your prompts, the public ones, search, categories and favourites. */
export const promptRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await listPrompts(c.var.services, c.var.auth, c.req.valid('query')), 200);
  })
  .openapi(categoriesRoute, async (c) => {
    return c.json({ items: await listCategories(c.var.services, c.var.auth) }, 200);
  })
  .openapi(createPromptRoute, async (c) => {
    return c.json(await createPrompt(c.var.services, c.var.auth, c.req.valid('json')), 201);
  })
  .openapi(getRoute, async (c) => {
    return c.json(await getPrompt(c.var.services, c.var.auth, c.req.valid('param').id), 200);
  })
  .openapi(patchRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await updatePrompt(c.var.services, c.var.auth, id, c.req.valid('json')), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deletePrompt(c.var.services, c.var.auth, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(favoriteRoute, async (c) => {
    await setFavorite(c.var.services, c.var.auth, c.req.valid('param').id, true);
    return c.body(null, 204);
  })
  .openapi(unfavoriteRoute, async (c) => {
    await setFavorite(c.var.services, c.var.auth, c.req.valid('param').id, false);
    return c.body(null, 204);
  });
