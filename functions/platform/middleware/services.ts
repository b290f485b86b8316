import { createMiddleware } from 'hono/factory';
import { type DbHandle, openDatabase } from '../../../db/client';
import { createCarts } from '../carts';
import { createChatSessions } from '../chat-sessions';
import { type AppEnv, type Secrets, type Services, secretsSchema } from '../env';
import { ApiError } from '../errors';
import { createLogger } from '../logging';
import { createMailer } from '../mailer';
import { createNotifier } from '../notifier';
import { createQueue } from '../queue';
import { createKeyValue, rememberRedisBindings } from '../redis';

/**
 * Builds the per-request services bundle once (Unkey's `init`). Secrets are checked here:
 * a missing one is a logged 500 BAD_ENVIRONMENT that names the variable, never its value.
 * The database connection opens on first use and closes after the response via waitUntil
 * (closing inline cancels the socket's stream in workerd).
 * In production a Hyperdrive binding (HYPERDRIVE) is preferred over DATABASE_URL: it answers the
 * connection start-up near the Worker and keeps warm connections to Postgres.
 */
export const servicesMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.get('requestId');
  const logger = createLogger({ requestId, method: c.req.method, path: c.req.path });
  const parsed = secretsSchema.safeParse(c.env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    logger.error('bad environment', { invalid: names });
    throw new ApiError(
      'BAD_ENVIRONMENT',
      `Server configuration is incomplete: ${names.join(', ')}.`,
    );
  }
  const secrets: Secrets = parsed.data;
  rememberRedisBindings(secrets);
  const config = {
    environment: c.env.ENVIRONMENT,
    appOrigin: c.env.APP_ORIGIN,
    jwtIssuer: c.env.JWT_ISSUER,
    jwtAudience: c.env.JWT_AUDIENCE,
    requireVerifiedEmail: c.env.REQUIRE_VERIFIED_EMAIL === 'true',
  };
  const hyperdrive = (c.env as { HYPERDRIVE?: Pick<Hyperdrive, 'connectionString'> }).HYPERDRIVE;
  const databaseUrl = hyperdrive?.connectionString ?? secrets.DATABASE_URL;
  let handle: DbHandle | undefined;
  const pending: Promise<unknown>[] = [];
  const services: Services = {
    background(task) {
      pending.push(
        task.catch((error: unknown) => logger.error('background task failed', { error })),
      );
    },
    get db() {
      // Up to 3 connections: reads a request runs side by side go out at once (a connection
      // answers one query at a time, so one connection would serialise them).
      handle ??= openDatabase(databaseUrl, { max: 3 });
      return handle.db;
    },
    get mailer() {
      return createMailer(this.db, logger, {
        apiUrl: secrets.MAIL_API_URL,
        apiKey: secrets.MAIL_API_KEY,
        from: secrets.MAIL_FROM,
      });
    },
    kv: createKeyValue({
      url: secrets.UPSTASH_REDIS_REST_URL,
      token: secrets.UPSTASH_REDIS_REST_TOKEN,
    }),
    queue: createQueue({
      url: secrets.QSTASH_URL,
      token: secrets.QSTASH_TOKEN,
      currentSigningKey: secrets.QSTASH_CURRENT_SIGNING_KEY,
      nextSigningKey: secrets.QSTASH_NEXT_SIGNING_KEY,
      appOrigin: config.appOrigin,
    }),
    notifier: createNotifier(c.env.NOTIFICATION_ROOM),
    chatSessions: createChatSessions(c.env.CHAT_SESSION),
    carts: createCarts(c.env.CART),
    media: c.env.MEDIA,
    logger,
    secrets,
    config,
  };
  c.set('services', services);
  try {
    await next();
  } finally {
    const settled = Promise.allSettled(pending);
    c.executionCtx.waitUntil(settled.then(() => handle?.close()));
  }
});
