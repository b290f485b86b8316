import { createRouter } from '../platform/openapi';
import { openAiRoutes } from './openai-routes';
import { tokenRoutes } from './token-routes';

/**
 * The developer domain, mounted at the root because it spans two prefixes: personal API
 * tokens under /api, and the OpenAI-compatible API under /v1 (its own body limit, token auth
 * and error shape, set on its router).
 */
export const developerRoutes = createRouter().route('/api', tokenRoutes).route('/v1', openAiRoutes);
