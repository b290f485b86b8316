import { and, eq, isNotNull, lt, or } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { authTokens, conversations, emailOutbox, messages, sessions } from '../../db/schema';
import { sweepPendingOrders } from '../commerce/bank-transfer';
import { sweepStuckJobs } from '../generation/engine';
import { sweepStaleUploads } from '../media/uploads';
import { purgeReadNotifications } from '../notifications/service';
import { secretsSchema } from '../platform/env';
import { createLogger } from '../platform/logging';
import { createMailer } from '../platform/mailer';
import { createNotifier } from '../platform/notifier';

/** Ended sessions are kept this long for the user's session history, then deleted. */
const SESSION_RETENTION_DAYS = 7;
/** Sent e-mails are kept this long in the outbox. */
const OUTBOX_RETENTION_DAYS = 30;
/** Deleted conversations can be restored by support this long, then are purged. */
const CONVERSATION_RETENTION_DAYS = 30;
/**
 * A reply still "streaming" this long after it started lost its ChatSession object (whose
 * own watchdog ends turns after 10 minutes): it is failed so it never spins forever.
 */
const STUCK_REPLY_HOURS = 1;

export interface SweepResult {
  sessionsDeleted: number;
  emailsDeleted: number;
  tokensDeleted: number;
  conversationsPurged: number;
  repliesFailed: number;
}

/** The daily trigger in wrangler.toml; old read notifications are purged only then. */
const DAILY_CRON = '0 3 * * *';

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);

/** Deletes sessions that ended (expired or revoked) long enough ago, and old sent mail. */
export async function sweep(
  databaseUrl: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<SweepResult> {
  const handle = openDatabase(databaseUrl);
  try {
    const cutoff = daysAgo(SESSION_RETENTION_DAYS);
    const deletedSessions = await handle.db
      .delete(sessions)
      .where(
        or(
          lt(sessions.expiresAt, cutoff),
          and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, cutoff)),
        ),
      )
      .returning({ id: sessions.id });
    const deletedEmails = await handle.db
      .delete(emailOutbox)
      .where(
        and(isNotNull(emailOutbox.sentAt), lt(emailOutbox.sentAt, daysAgo(OUTBOX_RETENTION_DAYS))),
      )
      .returning({ id: emailOutbox.id });
    // E-mailed tokens are useless once used or expired; a day's grace keeps support able to
    // tell "expired" from "never sent".
    const deletedTokens = await handle.db
      .delete(authTokens)
      .where(or(lt(authTokens.expiresAt, daysAgo(1)), lt(authTokens.usedAt, daysAgo(1))))
      .returning({ id: authTokens.id });
    const purged = await handle.db
      .delete(conversations)
      .where(
        and(
          isNotNull(conversations.deletedAt),
          lt(conversations.deletedAt, daysAgo(CONVERSATION_RETENTION_DAYS)),
        ),
      )
      .returning({ id: conversations.id });
    const stuck = await handle.db
      .update(messages)
      .set({
        status: 'failed',
        error: { code: 'TURN_LOST', message: 'The reply was interrupted and could not finish.' },
        completedAt: new Date(),
      })
      .where(
        and(
          eq(messages.status, 'streaming'),
          lt(messages.createdAt, new Date(Date.now() - STUCK_REPLY_HOURS * 3600 * 1000)),
        ),
      )
      .returning({ id: messages.id });
    return {
      conversationsPurged: purged.length,
      repliesFailed: stuck.length,
      sessionsDeleted: deletedSessions.length,
      emailsDeleted: deletedEmails.length,
      tokensDeleted: deletedTokens.length,
    };
  } finally {
    waitUntil(handle.close());
  }
}

/** The Worker's `scheduled` entry: every cron trigger runs the sweep and logs what it did. */
export async function runScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const logger = createLogger({ cron: controller.cron });
  const secrets = secretsSchema.safeParse(env);
  if (!secrets.success) {
    logger.error('bad environment for cron');
    return;
  }
  const result = await sweep(secrets.data.DATABASE_URL, (p) => ctx.waitUntil(p));
  logger.info('sweep done', { ...result });
  const orderHandle = openDatabase(secrets.data.DATABASE_URL);
  try {
    const mailer = createMailer(orderHandle.db, logger, {
      apiUrl: secrets.data.MAIL_API_URL,
      apiKey: secrets.data.MAIL_API_KEY,
      from: secrets.data.MAIL_FROM,
    });
    const orders = await sweepPendingOrders(
      { db: orderHandle.db, mailer, appOrigin: env.APP_ORIGIN },
      logger,
    );
    logger.info('order sweep done', { ...orders });
    const jobsFailed = await sweepStuckJobs({
      db: orderHandle.db,
      mailer,
      logger,
      notifier: createNotifier(env.NOTIFICATION_ROOM),
      background: (task) => ctx.waitUntil(task.catch(() => undefined)),
    });
    const uploadsAborted = await sweepStaleUploads({ db: orderHandle.db, media: env.MEDIA });
    logger.info('generation sweep done', { jobsFailed, uploadsAborted });
    if (controller.cron === DAILY_CRON) await purgeReadNotifications(orderHandle.db, logger);
  } finally {
    ctx.waitUntil(orderHandle.close());
  }
}
