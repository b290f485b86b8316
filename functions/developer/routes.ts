import { createRouter } from '../platform/openapi';
import { tokenRoutes } from './token-routes';

/** The developer domain under /api: personal API tokens (the /v1 API is in openai-routes.ts). */
export const developerRoutes = createRouter().route('/', tokenRoutes);
