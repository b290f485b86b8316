import { app } from './app';

export { Cart } from '../durable-objects/cart';
export { ChatSession } from '../durable-objects/chat-session';
export { NotificationRoom } from '../durable-objects/notification-room';

/**
 * Entry of the edge Worker (`webox`, wrangler.toml). The cron sweeps reach into generation,
 * media and the shop, so the triggers are handed to the jobs Worker (functions/jobs-index.ts).
 */
export default {
  fetch: app.fetch,
  scheduled: (controller, env) => env.JOBS.runCron(controller.cron, controller.scheduledTime),
} satisfies ExportedHandler<Env>;
