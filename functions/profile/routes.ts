import { createRouter } from '../platform/openapi';
import { accountRoutes } from './account-routes';
import { activityRoutes } from './activity-routes';
import { avatarRoutes } from './avatar-routes';
import { keyRoutes } from './keys-routes';

/** The profile domain: account details, avatar, statistics, activity and own AI keys. */
export const profileRoutes = createRouter()
  .route('/', accountRoutes)
  .route('/', avatarRoutes)
  .route('/', activityRoutes)
  .route('/', keyRoutes);
