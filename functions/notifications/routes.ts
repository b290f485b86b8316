import { createRouter } from '../platform/openapi';
import { adminAnnouncementRoutes } from './admin-routes';
import { inboxRoutes } from './inbox-routes';

/** The notifications domain: socket, inbox, preferences and admin announcements. */
export const notificationRoutes = createRouter()
  .route('/', inboxRoutes)
  .route('/', adminAnnouncementRoutes);
