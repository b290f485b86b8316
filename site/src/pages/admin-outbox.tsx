import type { ComponentChildren } from 'preact';
import { listOutbox } from '../api/admin-outbox';
import { authed } from '../auth';
import { useI18n } from '../i18n';
import { EmptyState, formatDate, ProblemAlert, usePageTitle, useResource } from '../ui';
import { Facts } from '../ui/facts';

const LIMIT = 50;

/** Only http(s) links become anchors; anything else in a mail body stays plain text. */
const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/** The text body with its links clickable, so verification and reset links can be followed. */
function Linkified({ text }: { text: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(
      <a key={start} href={match[0]} rel="noreferrer noopener">
        {match[0]}
      </a>,
    );
    last = start + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <pre class="outbox-body">{parts}</pre>;
}

/** Admins read the e-mails WeBox sent or tried to send, newest first. */
export function AdminOutboxPage() {
  const { t, lang } = useI18n();
  usePageTitle(t('adminOutbox.title'));
  const outbox = useResource(() => authed((token) => listOutbox(token, LIMIT)), []);
  const items = outbox.data;
  const when = (iso: string) => <time dateTime={iso}>{formatDate(iso, lang)}</time>;

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('adminOutbox.title')}</h1>
      <p class="muted">{t('adminOutbox.intro')}</p>
      <p>
        <button
          type="button"
          class="button"
          disabled={outbox.loading}
          onClick={() => void outbox.reload()}
        >
          {outbox.loading ? t('adminOutbox.refreshing') : t('adminOutbox.refresh')}
        </button>
      </p>
      {outbox.problem && <ProblemAlert problem={outbox.problem} other={[]} />}
      {items === null ? (
        !outbox.problem && <p role="status">{t('adminOutbox.loading')}</p>
      ) : items.length === 0 ? (
        <div class="card">
          <EmptyState>{t('adminOutbox.empty')}</EmptyState>
        </div>
      ) : (
        <ul class="outbox-list">
          {items.map((item) => (
            <li key={item.id} class="card outbox-item">
              <div class="outbox-head">
                <h2>{item.subject}</h2>
                <span class={`badge badge-mail-${item.status}`}>
                  {t(`adminOutbox.status.${item.status}`)}
                </span>
              </div>
              <Facts
                items={[
                  { label: t('adminOutbox.to'), value: item.to },
                  { label: t('adminOutbox.created'), value: when(item.createdAt) },
                  { label: t('adminOutbox.sent'), value: item.sentAt ? when(item.sentAt) : '—' },
                  item.status === 'failed' &&
                    item.lastError && {
                      label: t('adminOutbox.error', { attempts: item.attempts }),
                      value: item.lastError,
                    },
                ]}
              />
              <details>
                <summary>{t('adminOutbox.body')}</summary>
                <Linkified text={item.text} />
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
