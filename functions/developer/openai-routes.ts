import {
  listModels,
  modelSlug,
  type RegistrySource,
  registryVersion,
  requireModel,
} from '../models/service';
import { ApiError } from '../platform/errors';
import { limitBody } from '../platform/middleware/body-limit';
import {
  apiTokenRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { requireApiToken } from './api-auth';
import { completeOnce, prepareCompletion, startStream } from './completions';
import { API_CHAT_RULE } from './limits';
import { openAiErrorHandler } from './openai-errors';
import {
  ChatCompletionRequestSchema,
  ChatCompletionSchema,
  OpenAiModelListSchema,
  OpenAiModelParamSchema,
  OpenAiModelSchema,
  OpenAiModelSlugParamSchema,
} from './schemas';

/** Largest /v1 request body: images travel inline as data URLs, so this bounds them too. */
export const API_MAX_BODY_BYTES = 1024 * 1024;

/** Every /v1 route reads the model registry: its version is read with the token's marks. */
const tokenAuth = requireApiToken({ prefetch: [registryVersion] });

const listModelsRoute = apiTokenRoute({
  method: 'get',
  path: '/models',
  middleware: [tokenAuth],
  tags: ['openai-compatible'],
  summary: 'List models (OpenAI-compatible)',
  description: 'The enabled registry models; `id` is the slug to send as `model`.',
  responses: {
    200: jsonResponse(OpenAiModelListSchema, 'Models'),
  },
});

const modelResponses = { 200: jsonResponse(OpenAiModelSchema, 'The model') };

const getModelRoute = apiTokenRoute({
  method: 'get',
  path: '/models/{model}',
  middleware: [tokenAuth],
  tags: ['openai-compatible'],
  summary: 'One model (OpenAI-compatible)',
  description:
    'The slug URL-encoded as one segment (openai%2Fgpt-4o-mini), as OpenAI SDKs send it.',
  request: { params: OpenAiModelSlugParamSchema },
  responses: modelResponses,
});

const getModelByPartsRoute = apiTokenRoute({
  method: 'get',
  path: '/models/{provider}/{model}',
  middleware: [tokenAuth],
  tags: ['openai-compatible'],
  summary: 'One model by provider and model id (OpenAI-compatible)',
  request: { params: OpenAiModelParamSchema },
  responses: modelResponses,
});

const chatRoute = apiTokenRoute({
  method: 'post',
  path: '/chat/completions',
  tags: ['openai-compatible'],
  summary: 'Create a chat completion (OpenAI-compatible)',
  description:
    'OpenAI’s request shape with a registry slug as `model`. Uses your own provider key, else the platform’s (424 when neither). Paid models count against your quota (429 QUOTA_EXCEEDED); offline models are free. Errors are problem+json with an OpenAI-style `error` member.',
  // The limit is counted in the token check's Redis round trip; rateLimitByUser applies it.
  middleware: [requireApiToken({ limit: API_CHAT_RULE, prefetch: [registryVersion] })],
  rateLimit: rateLimitByUser(API_CHAT_RULE),
  request: { body: jsonBody(ChatCompletionRequestSchema) },
  responses: {
    200: jsonResponse(
      ChatCompletionSchema,
      'The completion (or, with stream: true, text/event-stream chunks)',
    ),
    ...problemResponses(503),
    422: { description: 'Unknown or disabled model' },
    424: { description: 'No key for the model’s provider' },
    502: { description: 'The provider failed' },
    504: { description: 'The provider did not answer in time' },
  },
});

const toOpenAiModel = (row: Awaited<ReturnType<typeof requireModel>>) => ({
  id: modelSlug(row),
  object: 'model' as const,
  created: Math.floor(row.createdAt.getTime() / 1000),
  owned_by: row.provider,
});

/** An enabled model in OpenAI's shape; 404 (not 422) here, as OpenAI answers for a lookup. */
async function findModel(source: RegistrySource, slug: string) {
  try {
    return toOpenAiModel(await requireModel(source, slug));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'MODEL_UNAVAILABLE') {
      throw new ApiError('NOT_FOUND', `No model "${slug}"; see GET /v1/models.`);
    }
    throw error;
  }
}

const v1 = createRouter();
v1.use('*', limitBody(API_MAX_BODY_BYTES));
v1.onError(openAiErrorHandler);

/**
 * WeBox's OpenAI-compatible API, mounted at /v1 and authenticated with personal API tokens,
 * so OpenAI SDKs and tools work with `baseURL` set to `<origin>/v1`.
 */
export const openAiRoutes = v1
  .openapi(listModelsRoute, async (c) => {
    const rows = await listModels(c.var.services);
    return c.json({ object: 'list' as const, data: rows.map(toOpenAiModel) }, 200);
  })
  .openapi(getModelRoute, async (c) => {
    return c.json(await findModel(c.var.services, c.req.valid('param').model), 200);
  })
  .openapi(getModelByPartsRoute, async (c) => {
    const { provider, model } = c.req.valid('param');
    return c.json(await findModel(c.var.services, `${provider}/${model}`), 200);
  })
  .openapi(chatRoute, async (c) => {
    const { services, auth } = c.var;
    const body = c.req.valid('json');
    const prepared = await prepareCompletion(services, auth.userId, body);
    if (!body.stream) {
      return c.json(await completeOnce(services, auth.userId, prepared, c.req.raw.signal), 200);
    }
    const { body: stream, done } = await startStream(services, auth.userId, prepared, {
      includeUsage: body.stream_options?.include_usage === true,
    });
    services.background(done);
    return c.body(stream, 200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
  });

// Unknown /v1 paths answer here, so their 404 carries the OpenAI-style error too.
v1.all('*', tokenAuth, (c) => {
  throw new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path} in the WeBox API.`);
});

v1.openAPIRegistry.registerComponent('securitySchemes', 'apiToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'A personal API token (wbx_…) from POST /api/tokens',
});
