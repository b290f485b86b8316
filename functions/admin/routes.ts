import { createRouter } from '../platform/openapi';
import { outboxRoutes } from './outbox-routes';
import { adminUserRoutes } from './users-routes';

/** The admin domain: the mail outbox and user management. */
export const adminRoutes = createRouter().route('/', outboxRoutes).route('/', adminUserRoutes);
