import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
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

const listRoute = userRoute({
  method: 'get',
  path: '/prompts',
  tags: ['prompts'],
  summary: 'Your prompts and the public library',
  description:
    'Newest first, a page at a time. q searches the title and body (whole words, quoted phrases, -excluded words, or any part of a word).',
  request: { query: PromptListQuerySchema },
  responses: {
    200: jsonResponse(PromptPageSchema, 'A page'),
  },
});

const categoriesRoute = userRoute({
  method: 'get',
  path: '/prompts/categories',
  tags: ['prompts'],
  summary: 'Categories of the prompts you can see, with counts',
  responses: {
    200: jsonResponse(PromptCategoriesSchema, 'Categories, largest first'),
  },
});

const createPromptRoute = userRoute({
  method: 'post',
  path: '/prompts',
  tags: ['prompts'],
  summary: 'Save a prompt',
  description: 'isPublic: true is for administrators only (403 otherwise).',
  rateLimit: rateLimitByUser(PROMPT_WRITE_RULE),
  request: { body: jsonBody(PromptCreateSchema) },
  responses: {
    201: jsonResponse(PromptSchema, 'Saved'),
    ...problemResponses(403, 409),
  },
});

const getRoute = userRoute({
  method: 'get',
  path: '/prompts/{id}',
  tags: ['prompts'],
  summary: 'One prompt you can see',
  request: { params: PromptIdParamSchema },
  responses: {
    200: jsonResponse(PromptSchema, 'The prompt'),
  },
});

const patchRoute = userRoute({
  method: 'patch',
  path: '/prompts/{id}',
  tags: ['prompts'],
  summary: 'Change your prompt (administrators: also public ones)',
  rateLimit: rateLimitByUser(PROMPT_WRITE_RULE),
  request: { params: PromptIdParamSchema, body: jsonBody(PromptPatchSchema) },
  responses: {
    200: jsonResponse(PromptSchema, 'The updated prompt'),
    ...problemResponses(403),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/prompts/{id}',
  tags: ['prompts'],
  summary: 'Delete your prompt (administrators: also public ones)',
  rateLimit: rateLimitByUser(PROMPT_WRITE_RULE),
  request: { params: PromptIdParamSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(403),
  },
});

const favoriteRoute = userRoute({
  method: 'put',
  path: '/prompts/{id}/favorite',
  tags: ['prompts'],
  summary: 'Mark a prompt you can see as a favourite',
  rateLimit: rateLimitByUser(PROMPT_FAVORITE_RULE),
  request: { params: PromptIdParamSchema },
  responses: {
    204: { description: 'Marked (or already was)' },
  },
});

const unfavoriteRoute = userRoute({
  method: 'delete',
  path: '/prompts/{id}/favorite',
  tags: ['prompts'],
  summary: 'Remove a prompt from your favourites',
  rateLimit: rateLimitByUser(PROMPT_FAVORITE_RULE),
  request: { params: PromptIdParamSchema },
  responses: {
    204: { description: 'Removed (or was not a favourite)' },
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
