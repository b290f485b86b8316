import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import {
  getNotificationPreferences,
  listNotifications,
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
import { ProblemAlert } from '../ui';

const PAGE_SIZE = 20;

const PREFERENCE_LABEL: Record<keyof NotificationPreferences, MessageKey> = {
  jobFinished: 'notifications.prefs.jobFinished',
  jobProgress: 'notifications.prefs.jobProgress',
  email: 'notifications.prefs.email',
};

/** Turns anything but an ApiProblem back into a thrown error; 401 is handled by sign-in. */
function asProblem(error: unknown): ApiProblem | null {
  if (!(error instanceof ApiProblem)) throw error;
  return error.status === 401 ? null : error;
}

function NotificationList() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<NotificationView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [unread, setUnread] = useState(0);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function load(after?: string) {
    setLoading(true);
    setProblem(null);
    try {
      const page = await authed((token) =>
        listNotifications(token, { unread: unreadOnly, cursor: after, limit: PAGE_SIZE }),
      );
      setItems((previous) => [...(after ? (previous ?? []) : []), ...page.items]);
      setCursor(page.nextCursor);
      setUnread(page.unread);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load();
  }, [unreadOnly]);

  // New ones appear on top as they arrive.
  useEffect(
    () =>
      onSocketEvent('notification', (data) => {
        if (typeof data.id !== 'string' || typeof data.title !== 'string') return;
        const item = data as unknown as NotificationView;
        setItems((previous) =>
          previous && !previous.some((n) => n.id === item.id) ? [item, ...previous] : previous,
        );
        setUnread((n) => n + 1);
      }),
    [],
  );

  async function act(run: () => Promise<void>) {
    setProblem(null);
    try {
      await run();
    } catch (error) {
      setProblem(asProblem(error));
    }
  }

  const readNow = (ids: 'all' | string) => {
    const now = new Date().toISOString();
    setItems((previous) =>
      (previous ?? []).map((n) =>
        n.readAt === null && (ids === 'all' || n.id === ids) ? { ...n, readAt: now } : n,
      ),
    );
  };

  return (
    <section class="card" aria-labelledby="notifications-list">
      <div class="notification-page-head">
        <h2 id="notifications-list">{t('notifications.list')}</h2>
        <label class="field-check">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(event) => setUnreadOnly(event.currentTarget.checked)}
          />
          {t('notifications.unreadOnly')}
        </label>
        <button
          type="button"
          class="button"
          disabled={unread === 0}
          onClick={() =>
            void act(async () => {
              await markAllRead();
              readNow('all');
              setUnread(0);
            })
          }
        >
          {t('notifications.markAllRead')}
        </button>
      </div>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {items === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p class="muted">
          {unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')}
        </p>
      ) : (
        <ul class="notification-list notification-list-page">
          {items.map((item) => {
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
                        void act(async () => {
                          await markRead(item.id);
                          readNow(item.id);
                          setUnread((n) => Math.max(0, n - 1));
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
                      void act(async () => {
                        await removeNotification(item.id);
                        setItems((previous) => (previous ?? []).filter((n) => n.id !== item.id));
                        if (isUnread) setUnread((n) => Math.max(0, n - 1));
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
      {cursor && (
        <p class="pager">
          <button type="button" class="button" disabled={loading} onClick={() => void load(cursor)}>
            {loading ? t('app.loading') : t('notifications.more')}
          </button>
        </p>
      )}
    </section>
  );
}

function PreferencesForm() {
  const { t } = useI18n();
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    authed((token) => getNotificationPreferences(token))
      .then(setPrefs)
      .catch((error: unknown) => setProblem(asProblem(error)));
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!prefs) return;
    setPending(true);
    setSaved(false);
    setProblem(null);
    try {
      setPrefs(await authed((token) => saveNotificationPreferences(token, prefs)));
      setSaved(true);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setPending(false);
    }
  }

  return (
    <section class="card" aria-labelledby="notifications-prefs">
      <h2 id="notifications-prefs">{t('notifications.prefs.title')}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {prefs === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <fieldset class="checks">
            <legend>{t('notifications.prefs.legend')}</legend>
            {(Object.keys(PREFERENCE_LABEL) as Array<keyof NotificationPreferences>).map((key) => (
              <label key={key} class="field-check">
                <input
                  type="checkbox"
                  checked={prefs[key]}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    setSaved(false);
                    setPrefs((previous) => (previous ? { ...previous, [key]: checked } : previous));
                  }}
                />
                {t(PREFERENCE_LABEL[key])}
              </label>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit" class="button" disabled={pending}>
              {pending ? t('notifications.prefs.saving') : t('notifications.prefs.save')}
            </button>
            <span role="status">{saved ? t('notifications.prefs.saved') : ''}</span>
          </div>
        </form>
      )}
    </section>
  );
}

/** Every notification, with paging, an unread filter and deletion, and the user's choices. */
export function NotificationsPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('notifications.title')} · WeBox`;
  }, [t]);
  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('notifications.title')}</h1>
      <p class="muted">{t('notifications.intro')}</p>
      <NotificationList />
      <PreferencesForm />
    </div>
  );
}
