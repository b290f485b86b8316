import { useEffect, useRef, useState } from 'preact/hooks';
import type { NotificationView } from '../../api/notifications';
import { useI18n } from '../../i18n';
import { markAllRead, markRead, useNotificationCenter } from '../../notification-center';
import { Link } from '../../router';
import { relativeTime } from './relative-time';

/** Only paths on this site are followed; anything else shows without a link. */
export function sitePath(link: string | null): string | null {
  return link && /^\/(?![/\\])/.test(link) ? link : null;
}

function Item({ item, onOpen }: { item: NotificationView; onOpen(): void }) {
  const { t, lang } = useI18n();
  const unread = item.readAt === null;
  const content = (
    <>
      <span class="notification-title">
        {unread && <span class="notification-dot" title={t('notifications.unread')} />}
        {item.title}
        {unread && <span class="visually-hidden"> ({t('notifications.unread')})</span>}
      </span>
      {item.body && <span class="notification-body">{item.body}</span>}
      <time class="notification-time" dateTime={item.createdAt}>
        {relativeTime(item.createdAt, lang)}
      </time>
    </>
  );
  const open = () => {
    if (unread) void markRead(item.id).catch(() => {});
    onOpen();
  };
  const href = sitePath(item.link);
  return (
    <li class={`notification-item${unread ? ' is-unread' : ''}`}>
      {href ? (
        <Link href={href} onClick={open}>
          {content}
        </Link>
      ) : (
        <button type="button" onClick={open}>
          {content}
        </button>
      )}
    </li>
  );
}

/** The header's bell: an unread badge and a panel with the newest notifications, kept live. */
export function NotificationBell() {
  const { t } = useI18n();
  const { items, unread, loaded } = useNotificationCenter();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        toggle.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const label =
    unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');
  return (
    <div class="notification-bell" ref={root}>
      <button
        ref={toggle}
        type="button"
        class="icon-button"
        aria-expanded={open}
        aria-controls="notification-panel"
        aria-label={label}
        title={label}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"
          />
        </svg>
        {unread > 0 && (
          <span class="notification-badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <section
        id="notification-panel"
        class="notification-panel"
        hidden={!open}
        aria-label={t('notifications.panel')}
      >
        <div class="notification-panel-head">
          <h2>{t('notifications.title')}</h2>
          <button
            type="button"
            class="link-button"
            disabled={unread === 0}
            onClick={() => void markAllRead().catch(() => {})}
          >
            {t('notifications.markAllRead')}
          </button>
        </div>
        {!loaded ? (
          <p class="muted">{t('app.loading')}</p>
        ) : items.length === 0 ? (
          <p class="muted">{t('notifications.empty')}</p>
        ) : (
          <ul class="notification-list">
            {items.map((item) => (
              <Item key={item.id} item={item} onOpen={() => setOpen(false)} />
            ))}
          </ul>
        )}
        <Link href="/notifications" class="notification-all" onClick={() => setOpen(false)}>
          {t('notifications.seeAll')}
        </Link>
      </section>
    </div>
  );
}
