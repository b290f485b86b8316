import { createRouter } from '../platform/openapi';
import { mediaFileRoutes } from './file-routes';
import { mediaFolderRoutes } from './folder-routes';
import { mediaUploadRoutes } from './upload-routes';

export { MEDIA_RAW_BODY_PATH } from './upload-routes';

/** The media manager: files, uploads (simple and multipart), folders, storage. */
export const mediaRoutes = createRouter()
  .route('/', mediaUploadRoutes)
  .route('/', mediaFileRoutes)
  .route('/', mediaFolderRoutes);
