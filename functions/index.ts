import { app } from './app';
import { runScheduled } from './cron/service';

export { Cart } from '../durable-objects/cart';
export { ChatSession } from '../durable-objects/chat-session';
export { NotificationRoom } from '../durable-objects/notification-room';

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env>;
