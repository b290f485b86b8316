import { requestMeta } from '../auth/request-meta';
import {
  adminRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser, rule } from '../platform/rate-limit';
import { recordEvent } from '../profile/audit';
import { adminListModels, createModel, modelsForUser, updateModel } from './registry';
import {
  AdminModelCreateSchema,
  AdminModelListSchema,
  AdminModelParamSchema,
  AdminModelPatchSchema,
  AdminModelSchema,
  ModelListSchema,
} from './schemas';

/** Registry edits are rare; the allowance only stops a runaway script. */
const MODEL_WRITE_RULE = rule('model-write', 120, 3600);

const listRoute = userRoute({
  method: 'get',
  path: '/models',
  tags: ['models'],
  summary: 'Models you can pick',
  description:
    'The enabled registry models in display order, with prices (micro-dollars and dollars per million tokens) and, for you, where a call would take its key from.',
  responses: {
    200: jsonResponse(ModelListSchema, 'Models'),
  },
});

const adminListRoute = adminRoute({
  method: 'get',
  path: '/admin/models',
  tags: ['admin'],
  summary: 'The whole model registry',
  description: 'Every registry entry, disabled ones included.',
  responses: {
    200: jsonResponse(AdminModelListSchema, 'Registry entries'),
  },
});

const adminCreateRoute = adminRoute({
  method: 'post',
  path: '/admin/models',
  tags: ['admin'],
  summary: 'Add a model to the registry',
  description: 'Provider and model id together are unique: adding one twice is a 409.',
  rateLimit: rateLimitByUser(MODEL_WRITE_RULE),
  request: { body: jsonBody(AdminModelCreateSchema) },
  responses: {
    201: jsonResponse(AdminModelSchema, 'Added'),
    ...problemResponses(409),
  },
});

const adminPatchRoute = adminRoute({
  method: 'patch',
  path: '/admin/models/{id}',
  tags: ['admin'],
  summary: 'Edit a registry entry',
  description:
    'Display name, prices, context window, capabilities, enabled and sort order. A disabled model disappears from GET /api/models and calls to it answer 422.',
  rateLimit: rateLimitByUser(MODEL_WRITE_RULE),
  request: { params: AdminModelParamSchema, body: jsonBody(AdminModelPatchSchema) },
  responses: {
    200: jsonResponse(AdminModelSchema, 'The entry after the change'),
  },
});

/** The model registry: what users can pick, and its administration. */
export const modelRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json({ items: await modelsForUser(c.var.services, c.var.auth.userId) }, 200);
  })
  .openapi(adminListRoute, async (c) => {
    return c.json({ items: await adminListModels(c.var.services) }, 200);
  })
  .openapi(adminCreateRoute, async (c) => {
    const { services } = c.var;
    const model = await createModel(services, c.req.valid('json'));
    await recordEvent(services.db, c.var.auth.userId, 'admin.model.created', requestMeta(c), {
      model: model.slug,
    });
    return c.json(model, 201);
  })
  .openapi(adminPatchRoute, async (c) => {
    const { services } = c.var;
    const patch = c.req.valid('json');
    const model = await updateModel(services, c.req.valid('param').id, patch);
    await recordEvent(services.db, c.var.auth.userId, 'admin.model.updated', requestMeta(c), {
      model: model.slug,
      fields: Object.keys(patch).join(','),
    });
    return c.json(model, 200);
  });
