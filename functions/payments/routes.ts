import { createRouter } from '../platform/openapi';
import { webhookRoutes } from './webhook-routes';

/** The payments domain: the providers' signed webhooks. */
export const paymentRoutes = createRouter().route('/', webhookRoutes);
