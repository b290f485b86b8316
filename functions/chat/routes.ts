import { createRouter } from '../platform/openapi';
import { conversationRoutes } from './conversation-routes';
import { chatFileRoutes } from './file-routes';

/** The chat domain: attachments, export and import, then conversations and their replies. */
export const chatRoutes = createRouter().route('/', chatFileRoutes).route('/', conversationRoutes);
