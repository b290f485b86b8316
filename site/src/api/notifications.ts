import type {
  NotificationPage,
  NotificationPreferences,
  NotificationView,
} from '../../../functions/notifications/service';
import { bearer, client, problemFrom, send } from './client';

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { NotificationPage, NotificationPreferences, NotificationView };

/**
 * Trades the access token for a one-minute socket token; resolves to the path (with the
 * token in its query) to open the notification WebSocket on.
 */
export async function socketUrl(accessToken: string): Promise<string> {
  const res = await send(() =>
    client.api.notifications['socket-token'].$post(undefined, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()).url;
}

/** A page of the user's notifications, newest first, with the unread count. */
export async function listNotifications(
  accessToken: string,
  options: { unread?: boolean; cursor?: string; limit?: number } = {},
): Promise<NotificationPage> {
  const query: Record<string, string> = { limit: String(options.limit ?? 20) };
  if (options.unread) query.unread = 'true';
  if (options.cursor) query.cursor = options.cursor;
  const res = await send(() => client.api.notifications.$get({ query }, bearer(accessToken)));
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()) as NotificationPage;
}

/** Marks one notification read; resolves to the unread count left. */
export async function markNotificationRead(accessToken: string, id: string): Promise<number> {
  const res = await send(() =>
    client.api.notifications[':id'].read.$post({ param: { id } }, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()).unread;
}

/** Marks every notification read. */
export async function markAllNotificationsRead(accessToken: string): Promise<void> {
  const res = await send(() =>
    client.api.notifications['read-all'].$post(undefined, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
}

/** Deletes one notification. */
export async function deleteNotification(accessToken: string, id: string): Promise<void> {
  const res = await send(() =>
    client.api.notifications[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
}

/** The user's notification choices. */
export async function getNotificationPreferences(
  accessToken: string,
): Promise<NotificationPreferences> {
  const res = await send(() =>
    client.api.notifications.preferences.$get(undefined, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}

/** Saves the user's notification choices. */
export async function saveNotificationPreferences(
  accessToken: string,
  prefs: NotificationPreferences,
): Promise<NotificationPreferences> {
  const res = await send(() =>
    client.api.notifications.preferences.$put({ json: prefs }, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}
