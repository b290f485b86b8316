import { useEffect } from 'preact/hooks';
import {
  deleteNotification,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationView,
} from './api/notifications';
import { authed } from './auth';
import { onSocketEvent } from './notifications';
import { createStore, useStore } from './store';

/** What the header bell shows: the newest notifications and the unread count. */
export interface CenterState {
  items: readonly NotificationView[];
  unread: number;
  loaded: boolean;
}

/** How many notifications the bell's panel lists. */
export const RECENT_COUNT = 8;

const EMPTY: CenterState = { items: [], unread: 0, loaded: false };
const centerStore = createStore<CenterState>(EMPTY);
// Bumped when the bell goes away (sign-out), so a late answer for the previous user is dropped.
let generation = 0;
// How many mounted components use the centre; events are ignored while none does.
let users = 0;
const isActive = () => users > 0;

function isNotification(
  value: Record<string, unknown>,
): value is Record<string, unknown> & NotificationView {
  return (
    typeof value.id === 'string' &&
    typeof value.type === 'string' &&
    typeof value.title === 'string' &&
    typeof value.createdAt === 'string'
  );
}

function update(change: (state: CenterState) => CenterState): void {
  centerStore.set(change(centerStore.get()));
}

/** Reloads the newest notifications and the unread count from the API. */
export async function refreshCenter(): Promise<void> {
  const current = generation;
  const page = await authed((token) => listNotifications(token, { limit: RECENT_COUNT }));
  if (current !== generation) return;
  update((state) => {
    // Pushed while the list was loading and newer than anything in it: keep them.
    const known = new Set(page.items.map((n) => n.id));
    const newest = page.items[0]?.createdAt ?? '';
    const extra = state.items.filter((n) => !known.has(n.id) && n.createdAt > newest);
    return {
      items: [...extra, ...page.items].slice(0, RECENT_COUNT),
      unread: page.unread + extra.filter((n) => n.readAt === null).length,
      loaded: true,
    };
  });
}

onSocketEvent('notification', (data) => {
  if (!isActive() || !isNotification(data)) return;
  const item: NotificationView = {
    id: data.id,
    type: data.type,
    title: data.title,
    body: typeof data.body === 'string' ? data.body : '',
    link: typeof data.link === 'string' ? data.link : null,
    data: null,
    createdAt: data.createdAt,
    readAt: typeof data.readAt === 'string' ? data.readAt : null,
  };
  update((state) => {
    if (state.items.some((n) => n.id === item.id)) return state;
    return {
      ...state,
      items: [item, ...state.items].slice(0, RECENT_COUNT),
      unread: state.unread + (item.readAt === null ? 1 : 0),
    };
  });
});

// Another tab (or this one) read or deleted notifications: follow the server's count.
onSocketEvent('notification.read', (data) => {
  if (!isActive()) return;
  const ids = Array.isArray(data.ids) ? new Set(data.ids) : null;
  const now = new Date().toISOString();
  update((state) => ({
    ...state,
    items: state.items.map((n) =>
      n.readAt === null && (data.ids === 'all' || ids?.has(n.id)) ? { ...n, readAt: now } : n,
    ),
    unread: typeof data.unread === 'number' ? data.unread : state.unread,
  }));
});

// Every (re)connection may have missed events while the socket was down.
onSocketEvent('hello', () => {
  if (isActive()) void refreshCenter().catch(() => {});
});

/** Marks one notification read, at once on screen, then on the server. */
export async function markRead(id: string): Promise<void> {
  const now = new Date().toISOString();
  update((state) => {
    const wasUnread = state.items.some((n) => n.id === id && n.readAt === null);
    return {
      ...state,
      items: state.items.map((n) => (n.id === id && n.readAt === null ? { ...n, readAt: now } : n)),
      unread: wasUnread ? Math.max(0, state.unread - 1) : state.unread,
    };
  });
  const unread = await authed((token) => markNotificationRead(token, id));
  update((state) => ({ ...state, unread }));
}

/** Marks every notification read. */
export async function markAllRead(): Promise<void> {
  const now = new Date().toISOString();
  update((state) => ({
    ...state,
    items: state.items.map((n) => (n.readAt === null ? { ...n, readAt: now } : n)),
    unread: 0,
  }));
  await authed((token) => markAllNotificationsRead(token));
}

/** Deletes one notification, then reloads the count (it may have been unread). */
export async function removeNotification(id: string): Promise<void> {
  await authed((token) => deleteNotification(token, id));
  update((state) => ({ ...state, items: state.items.filter((n) => n.id !== id) }));
  if (isActive()) await refreshCenter();
}

/** The bell's state, loaded when first used and kept live by the socket. */
export function useNotificationCenter(): CenterState {
  useEffect(() => {
    users += 1;
    if (users === 1) void refreshCenter().catch(() => {});
    return () => {
      users -= 1;
      if (users > 0) return;
      generation += 1;
      centerStore.set(EMPTY);
    };
  }, []);
  return useStore(centerStore);
}
