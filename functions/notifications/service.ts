import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { notificationPreferences, notifications, users } from '../../db/schema';
import type { NotificationEvent } from '../../durable-objects/notification-room';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import type { AppConfig, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import type { Logger } from '../platform/logging';
import { mailTemplate } from '../platform/mail-templates';

type NotificationRow = typeof notifications.$inferSelect;

/** A stored notification as the API and the live `notification` event carry it. */
export interface NotificationView {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
  readAt: string | null;
}

/** What a caller asks to notify. */
export interface NotificationInput {
  type: string;
  title: string;
  body?: string;
  link?: string;
  data?: Record<string, unknown>;
}

/** A user's notification choices (a missing row means DEFAULT_PREFERENCES). */
export interface NotificationPreferences {
  jobFinished: boolean;
  jobProgress: boolean;
  email: boolean;
}

export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
  unread: number;
}

export const DEFAULT_PREFERENCES: Readonly<NotificationPreferences> = Object.freeze({
  jobFinished: true,
  jobProgress: true,
  email: false,
});

/** Read notifications older than this are deleted by the daily cron. */
export const READ_RETENTION_DAYS = 90;
/** Users per insert-and-push round of an announcement to everyone. */
export const ANNOUNCEMENT_BATCH = 500;
/** Pushes in flight at once while fanning out: bounds open Durable Object calls. */
const PUSH_CONCURRENCY = 32;

type Db = Pick<Services, 'db'>;
/** What notifyUser needs; `config` (when given) makes the e-mailed link absolute. */
export type NotifyServices = Pick<
  Services,
  'db' | 'notifier' | 'logger' | 'mailer' | 'background'
> & {
  config?: Pick<AppConfig, 'appOrigin'>;
};
type LiveServices = Pick<Services, 'db' | 'notifier' | 'logger'>;

const notFound = () => new ApiError('NOT_FOUND', 'There is no such notification.');

function toView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    link: row.link,
    data: row.data ?? null,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
  };
}

function preferencesOf(
  row: Partial<NotificationPreferences> | null | undefined,
): NotificationPreferences {
  return {
    jobFinished: row?.jobFinished ?? DEFAULT_PREFERENCES.jobFinished,
    jobProgress: row?.jobProgress ?? DEFAULT_PREFERENCES.jobProgress,
    email: row?.email ?? DEFAULT_PREFERENCES.email,
  };
}

/** Publishes one event to one user's sockets; a failure is logged and counts as 0 reached. */
async function publishQuietly(
  services: Pick<Services, 'notifier' | 'logger'>,
  userId: string,
  event: NotificationEvent,
): Promise<number> {
  try {
    return await services.notifier.publish(userId, event);
  } catch (error) {
    services.logger.warn('notification publish failed', { userId, type: event.type, error });
    return 0;
  }
}

const notificationMail = mailTemplate((title: string, body: string, url: string | null) => ({
  en: {
    subject: `WeBox: ${title}`,
    body: [
      title,
      body,
      url ? `Open it: ${url}` : '',
      'You get this e-mail because e-mail notifications are on; you can turn them off on your notifications page.',
    ]
      .filter(Boolean)
      .join('\n\n'),
  },
  fr: {
    subject: `WeBox : ${title}`,
    body: [
      title,
      body,
      url ? `Pour l’ouvrir : ${url}` : '',
      'Vous recevez cet e-mail car les notifications par e-mail sont activées ; vous pouvez les désactiver sur votre page de notifications.',
    ]
      .filter(Boolean)
      .join('\n\n'),
  },
}));

/**
 * Notifies a user: stores the notification, pushes it live to their open sockets and, when
 * they asked for it, e-mails it (in the background). `job.*` notifications are skipped
 * entirely when the user turned `jobFinished` off. Publishing and mail failures are logged,
 * never thrown: the stored row is the record.
 */
export async function notifyUser(
  services: NotifyServices,
  userId: string,
  n: NotificationInput,
): Promise<void> {
  const [recipient] = await services.db
    .select({
      email: users.email,
      name: users.name,
      locale: users.locale,
      jobFinished: notificationPreferences.jobFinished,
      jobProgress: notificationPreferences.jobProgress,
      wantsEmail: notificationPreferences.email,
    })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  if (!recipient) {
    services.logger.warn('notification for an unknown user dropped', { userId, type: n.type });
    return;
  }
  const prefs = preferencesOf({
    jobFinished: recipient.jobFinished ?? undefined,
    jobProgress: recipient.jobProgress ?? undefined,
    email: recipient.wantsEmail ?? undefined,
  });
  if (n.type.startsWith('job.') && !prefs.jobFinished) return;
  const [row] = await services.db
    .insert(notifications)
    .values({
      userId,
      type: n.type,
      title: n.title,
      body: n.body ?? '',
      link: n.link ?? null,
      data: n.data ?? null,
    })
    .returning();
  if (!row) throw new Error('notification insert returned no row');
  const view = toView(row);
  await publishQuietly(services, userId, { type: 'notification', data: { ...view } });
  if (prefs.email) {
    const origin = services.config?.appOrigin;
    const url = view.link ? (origin ? new URL(view.link, origin).toString() : view.link) : null;
    services.background(
      services.mailer
        .send(
          notificationMail(
            recipient.email,
            recipient.name,
            recipient.locale,
            view.title,
            view.body,
            url,
          ),
        )
        .catch((error: unknown) =>
          services.logger.warn('notification mail failed', { userId, error }),
        ),
    );
  }
}

// One cache per services bundle (one request): a job step pushes progress many times, and the
// preference is read once. A WeakMap keeps the cache off the shared Services type.
const progressPreference = new WeakMap<object, Map<string, Promise<boolean>>>();

async function wantsProgress(services: LiveServices, userId: string): Promise<boolean> {
  let cache = progressPreference.get(services);
  if (!cache) {
    cache = new Map();
    progressPreference.set(services, cache);
  }
  let pending = cache.get(userId);
  if (!pending) {
    pending = services.db
      .select({ jobProgress: notificationPreferences.jobProgress })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId))
      .limit(1)
      .then(([row]) => row?.jobProgress ?? DEFAULT_PREFERENCES.jobProgress);
    cache.set(userId, pending);
  }
  try {
    return await pending;
  } catch (error) {
    cache.delete(userId);
    throw error;
  }
}

/**
 * Pushes a live-only event (job progress) to a user's sockets, unless they turned
 * `jobProgress` off. The preference is read once per services bundle. Never throws.
 */
export async function pushLive(
  services: LiveServices,
  userId: string,
  event: { type: string; data: Record<string, unknown> },
): Promise<void> {
  try {
    if (!(await wantsProgress(services, userId))) return;
  } catch (error) {
    services.logger.warn('progress preference read failed', { userId, error });
    return;
  }
  await publishQuietly(services, userId, event);
}

/** How many unread notifications the user has. */
export async function unreadCount(services: Db, userId: string): Promise<number> {
  const [row] = await services.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** The user's notifications, newest first, keyset-paged; with the unread count. */
export async function listNotifications(
  services: Db,
  userId: string,
  query: { unread?: boolean; cursor?: string; limit: number },
): Promise<NotificationPage> {
  const conditions = [eq(notifications.userId, userId)];
  if (query.unread) conditions.push(isNull(notifications.readAt));
  if (query.cursor) {
    const { at, id } = decodeCursor(query.cursor);
    // Compared as Postgres timestamps: a JS Date would drop the microseconds and repeat rows.
    conditions.push(
      sql`(${notifications.createdAt}, ${notifications.id}) < (${at}::timestamptz, ${id}::uuid)`,
    );
  }
  const [rows, unread] = await Promise.all([
    services.db
      .select({ row: notifications, exactAt: sql<string>`${notifications.createdAt}::text` })
      .from(notifications)
      .where(and(...conditions))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(query.limit + 1),
    unreadCount(services, userId),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toView(r.row)),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ at: last.exactAt, id: last.row.id })
        : null,
    unread,
  };
}

/** Marks one of the user's notifications read (idempotent); someone else's id is a 404. */
export async function markRead(
  services: Db,
  userId: string,
  id: string,
): Promise<NotificationView> {
  const [row] = await services.db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  if (!row) throw notFound();
  return toView(row);
}

/** Marks every unread notification of the user read; resolves to how many changed. */
export async function markAllRead(services: Db, userId: string): Promise<number> {
  const rows = await services.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** Deletes one of the user's notifications; someone else's id is a 404. */
export async function deleteNotification(services: Db, userId: string, id: string): Promise<void> {
  const rows = await services.db
    .delete(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  if (rows.length === 0) throw notFound();
}

/** The user's choices, or the defaults when they never saved any. */
export async function getPreferences(
  services: Db,
  userId: string,
): Promise<NotificationPreferences> {
  const [row] = await services.db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId))
    .limit(1);
  return preferencesOf(row);
}

/** Saves the user's choices (all three) and returns them as stored. */
export async function setPreferences(
  services: Db,
  userId: string,
  prefs: NotificationPreferences,
): Promise<NotificationPreferences> {
  const values = {
    jobFinished: prefs.jobFinished,
    jobProgress: prefs.jobProgress,
    email: prefs.email,
  };
  const [row] = await services.db
    .insert(notificationPreferences)
    .values({ userId, ...values })
    .onConflictDoUpdate({
      target: notificationPreferences.userId,
      set: { ...values, updatedAt: sql`now()` },
    })
    .returning();
  return preferencesOf(row);
}

/** Tells the user's other tabs that notifications were read, so their badges follow. */
export function publishReadState(
  services: Pick<Services, 'notifier' | 'logger'>,
  userId: string,
  data: { ids: string[] | 'all'; unread: number },
): Promise<number> {
  return publishQuietly(services, userId, { type: 'notification.read', data });
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) {
        results[i] = await task(items[i] as T);
      }
    }),
  );
  return results;
}

async function storeAndPush(
  services: Pick<Services, 'db' | 'notifier' | 'logger'>,
  userIds: string[],
  input: { title: string; body: string; link: string | null },
): Promise<{ recipients: number; delivered: number }> {
  if (userIds.length === 0) return { recipients: 0, delivered: 0 };
  const rows = await services.db
    .insert(notifications)
    .values(
      userIds.map((userId) => ({
        userId,
        type: 'announcement',
        title: input.title,
        body: input.body,
        link: input.link,
      })),
    )
    .returning();
  const reached = await pool(rows, PUSH_CONCURRENCY, (row) =>
    publishQuietly(services, row.userId, { type: 'notification', data: { ...toView(row) } }),
  );
  return { recipients: rows.length, delivered: reached.reduce((a, b) => a + b, 0) };
}

/**
 * An administrator's announcement: one stored `announcement` notification per recipient
 * (whatever their preferences), each pushed live. With `userIds`, the active accounts among
 * them; without, every active account, a batch at a time. Resolves to how many were stored
 * and how many sockets were reached.
 */
export async function announce(
  services: Pick<Services, 'db' | 'notifier' | 'logger'>,
  input: { title: string; body: string; link?: string; userIds?: string[] },
): Promise<{ recipients: number; delivered: number }> {
  const content = { title: input.title, body: input.body, link: input.link ?? null };
  const active = eq(users.status, 'active');
  if (input.userIds) {
    const ids = [...new Set(input.userIds)];
    const found = await services.db
      .select({ id: users.id })
      .from(users)
      .where(and(active, inArray(users.id, ids)));
    return storeAndPush(
      services,
      found.map((u) => u.id),
      content,
    );
  }
  let total = { recipients: 0, delivered: 0 };
  let after: string | null = null;
  for (;;) {
    const batch: { id: string }[] = await services.db
      .select({ id: users.id })
      .from(users)
      .where(after ? and(active, gt(users.id, after)) : active)
      .orderBy(asc(users.id))
      .limit(ANNOUNCEMENT_BATCH);
    if (batch.length === 0) break;
    const done = await storeAndPush(
      services,
      batch.map((u) => u.id),
      content,
    );
    total = {
      recipients: total.recipients + done.recipients,
      delivered: total.delivered + done.delivered,
    };
    after = batch.at(-1)?.id ?? null;
    if (batch.length < ANNOUNCEMENT_BATCH) break;
  }
  return total;
}

/** Deletes read notifications older than READ_RETENTION_DAYS; resolves to how many. */
export async function purgeReadNotifications(db: Database, logger?: Logger): Promise<number> {
  const cutoff = new Date(Date.now() - READ_RETENTION_DAYS * 24 * 3600 * 1000);
  const rows = await db
    .delete(notifications)
    .where(and(isNotNull(notifications.readAt), lt(notifications.createdAt, cutoff)))
    .returning({ id: notifications.id });
  logger?.info('read notifications purged', { deleted: rows.length });
  return rows.length;
}
