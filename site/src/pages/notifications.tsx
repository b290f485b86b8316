import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  getNotificationPreferences,
  listNotifications,
  type NotificationPage,
  type NotificationPreferences,
  type NotificationView,
  saveNotificationPreferences,
} from '../api/notifications';
import { authed } from '../auth';
import { sitePath } from '../components/notifications/bell';
import { relativeTime } from '../components/notifications/relative-time';
import { type MessageKey, useI18n } from '../i18n';
import { markAllRead, markRead, removeNotification } from '../notification-center';
import { onSocketEvent } from '../notifications';
import { Link } from '../router';
import {
  attempt,
  EmptyState,
  Field,
  FilterBar,
  LiveMessage,
  LoadMore,
  ProblemAlert,
  useCursorList,
  usePageTitle,
  useResource,
} from '../ui';

const PAGE_SIZE = 20;

const PREFERENCE_LABEL: Record<keyof NotificationPreferences, MessageKey> = {
  jobFinished: 'notifications.prefs.jobFinished',
  jobProgress: 'notifications.prefs.jobProgress',
  email: 'notifications.prefs.email',
};

function NotificationList() {
  const { t, lang } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [actionProblem, setActionProblem] = useState<ApiProblem | null>(null);
  const list = useCursorList(
    (cursor) =>
      authed((token) => listNotifications(token, { unread: unreadOnly, cursor, limit: PAGE_SIZE })),
    [unreadOnly],
  );
  const { data: page, setData } = list;
  const problem = actionProblem ?? list.problem;
  const unread = page?.unread ?? 0;

  const update = (change: (page: NotificationPage) => NotificationPage) =>
    setData((old) => (old ? change(old) : old));

  // New ones appear on top as they arrive.
  useEffect(
    () =>
      onSocketEvent('notification', (data) => {
        if (typeof data.id !== 'string' || typeof data.title !== 'string') return;
        const item = data as unknown as NotificationView;
        update((old) =>
          old.items.some((n) => n.id === item.id)
            ? old
            : { ...old, items: [item, ...old.items], unread: old.unread + 1 },
        );
      }),
    [],
  );

  function act(run: () => Promise<void>) {
    setActionProblem(null);
    void attempt(run, setActionProblem);
  }

  /** Marks `ids` read in the list and lowers the unread count by `read`. */
  const readNow = (ids: 'all' | string) => {
    const now = new Date().toISOString();
    update((old) => {
      const items = old.items.map((n) =>
        n.readAt === null && (ids === 'all' || n.id === ids) ? { ...n, readAt: now } : n,
      );
      return { ...old, items, unread: ids === 'all' ? 0 : Math.max(0, old.unread - 1) };
    });
  };

  return (
    <section class="card" aria-labelledby="notifications-list">
      <div class="notification-page-head">
        <h2 id="notifications-list">{t('notifications.list')}</h2>
        <FilterBar>
          <Field
            id="notifications-unread-only"
            kind="checkbox"
            label={t('notifications.unreadOnly')}
            checked={unreadOnly}
            onChecked={setUnreadOnly}
          />
        </FilterBar>
        <button
          type="button"
          class="button"
          disabled={unread === 0}
          onClick={() =>
            act(async () => {
              await markAllRead();
              readNow('all');
            })
          }
        >
          {t('notifications.markAllRead')}
        </button>
      </div>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {page === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : page.items.length === 0 ? (
        <EmptyState>
          {unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')}
        </EmptyState>
      ) : (
        <ul class="notification-list notification-list-page">
          {page.items.map((item) => {
            const href = sitePath(item.link);
            const isUnread = item.readAt === null;
            return (
              <li key={item.id} class={`notification-item${isUnread ? ' is-unread' : ''}`}>
                <div class="notification-text">
                  <span class="notification-title">
                    {isUnread && (
                      <span class="notification-dot" title={t('notifications.unread')} />
                    )}
                    {item.title}
                    {isUnread && (
                      <span class="visually-hidden"> ({t('notifications.unread')})</span>
                    )}
                  </span>
                  {item.body && <span class="notification-body">{item.body}</span>}
                  <time class="notification-time" dateTime={item.createdAt}>
                    {relativeTime(item.createdAt, lang)}
                  </time>
                </div>
                <div class="actions">
                  {href && (
                    <Link
                      href={href}
                      class="button"
                      onClick={() => {
                        if (isUnread) void markRead(item.id).catch(() => {});
                      }}
                    >
                      {t('notifications.open')}
                    </Link>
                  )}
                  {isUnread && (
                    <button
                      type="button"
                      class="button"
                      onClick={() =>
                        act(async () => {
                          await markRead(item.id);
                          readNow(item.id);
                        })
                      }
                    >
                      {t('notifications.markRead')}
                    </button>
                  )}
                  <button
                    type="button"
                    class="button button-danger"
                    aria-label={t('notifications.deleteNamed', { title: item.title })}
                    onClick={() =>
                      act(async () => {
                        await removeNotification(item.id);
                        update((old) => ({
                          ...old,
                          items: old.items.filter((n) => n.id !== item.id),
                          unread: isUnread ? Math.max(0, old.unread - 1) : old.unread,
                        }));
                      })
                    }
                  >
                    {t('notifications.delete')}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <LoadMore list={list} label={t('notifications.more')} />
    </section>
  );
}

function PreferencesForm() {
  const { t } = useI18n();
  const prefs = useResource(() => authed((token) => getNotificationPreferences(token)), []);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveProblem, setSaveProblem] = useState<ApiProblem | null>(null);
  const problem = saveProblem ?? prefs.problem;
  const current = prefs.data;

  async function submit(event: Event) {
    event.preventDefault();
    if (!current) return;
    setPending(true);
    setSaved(false);
    setSaveProblem(null);
    try {
      const ok = await attempt(async () => {
        prefs.setData(await authed((token) => saveNotificationPreferences(token, current)));
      }, setSaveProblem);
      setSaved(ok);
    } finally {
      setPending(false);
    }
  }

  return (
    <section class="card" aria-labelledby="notifications-prefs">
      <h2 id="notifications-prefs">{t('notifications.prefs.title')}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {current === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <fieldset class="checks">
            <legend>{t('notifications.prefs.legend')}</legend>
            {(Object.keys(PREFERENCE_LABEL) as Array<keyof NotificationPreferences>).map((key) => (
              <Field
                key={key}
                id={`notifications-pref-${key}`}
                kind="checkbox"
                label={t(PREFERENCE_LABEL[key])}
                checked={current[key]}
                onChecked={(checked) => {
                  setSaved(false);
                  prefs.setData((old) => (old ? { ...old, [key]: checked } : old));
                }}
              />
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit" class="button" disabled={pending}>
              {pending ? t('notifications.prefs.saving') : t('notifications.prefs.save')}
            </button>
            <LiveMessage class="">{saved ? t('notifications.prefs.saved') : ''}</LiveMessage>
          </div>
        </form>
      )}
    </section>
  );
}

/** Every notification, with paging, an unread filter and deletion, and the user's choices. */
export function NotificationsPage() {
  const { t } = useI18n();
  usePageTitle(t('notifications.title'));
  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('notifications.title')}</h1>
      <p class="muted">{t('notifications.intro')}</p>
      <NotificationList />
      <PreferencesForm />
    </div>
  );
}
