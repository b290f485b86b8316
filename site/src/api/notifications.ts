import type {
  NotificationPage,
  NotificationPreferences,
  NotificationView,
} from '../../../functions/notifications/service';
import { bearer, client, sendJson, sendOk } from './client';

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { NotificationPage, NotificationPreferences, NotificationView };

/**
 * Trades the access token for a one-minute socket token; resolves to the path (with the
 * token in its query) to open the notification WebSocket on.
 */
export async function socketUrl(accessToken: string): Promise<string> {
  return (
    await sendJson(() =>
      client.api.notifications['socket-token'].$post(undefined, bearer(accessToken)),
    )
  ).url;
}

/** A page of the user's notifications, newest first, with the unread count. */
export async function listNotifications(
  accessToken: string,
  options: { unread?: boolean; cursor?: string; limit?: number } = {},
): Promise<NotificationPage> {
  const query: Record<string, string> = { limit: String(options.limit ?? 20) };
  if (options.unread) query.unread = 'true';
  if (options.cursor) query.cursor = options.cursor;
  return (await sendJson(() =>
    client.api.notifications.$get({ query }, bearer(accessToken)),
  )) as NotificationPage;
}

/** Marks one notification read; resolves to the unread count left. */
export async function markNotificationRead(accessToken: string, id: string): Promise<number> {
  return (
    await sendJson(() =>
      client.api.notifications[':id'].read.$post({ param: { id } }, bearer(accessToken)),
    )
  ).unread;
}

/** Marks every notification read. */
export async function markAllNotificationsRead(accessToken: string): Promise<void> {
  await sendOk(() => client.api.notifications['read-all'].$post(undefined, bearer(accessToken)));
}

/** Deletes one notification. */
export async function deleteNotification(accessToken: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.notifications[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
}

/** The user's notification choices. */
export async function getNotificationPreferences(
  accessToken: string,
): Promise<NotificationPreferences> {
  return await sendJson(() =>
    client.api.notifications.preferences.$get(undefined, bearer(accessToken)),
  );
}

/** Saves the user's notification choices. */
export async function saveNotificationPreferences(
  accessToken: string,
  prefs: NotificationPreferences,
): Promise<NotificationPreferences> {
  return await sendJson(() =>
    client.api.notifications.preferences.$put({ json: prefs }, bearer(accessToken)),
  );
}
