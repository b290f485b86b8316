import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { listOutbox, type OutboxMessage } from '../api/admin-outbox';
import { ApiProblem } from '../api/client';
import { authed } from '../auth';
import { ProblemAlert } from '../components/form';
import { useI18n } from '../i18n';

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
  const [items, setItems] = useState<OutboxMessage[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    document.title = `${t('adminOutbox.title')} · WeBox`;
  }, [t]);

  const load = useCallback(async () => {
    setLoading(true);
    setProblem(null);
    try {
      setItems(await authed((token) => listOutbox(token, LIMIT)));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('adminOutbox.title')}</h1>
      <p class="muted">{t('adminOutbox.intro')}</p>
      <p>
        <button type="button" class="button" disabled={loading} onClick={() => void load()}>
          {loading ? t('adminOutbox.refreshing') : t('adminOutbox.refresh')}
        </button>
      </p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {items === null ? (
        !problem && <p role="status">{t('adminOutbox.loading')}</p>
      ) : items.length === 0 ? (
        <p class="card">{t('adminOutbox.empty')}</p>
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
              <dl class="facts">
                <div>
                  <dt>{t('adminOutbox.to')}</dt>
                  <dd>{item.to}</dd>
                </div>
                <div>
                  <dt>{t('adminOutbox.created')}</dt>
                  <dd>
                    <time dateTime={item.createdAt}>{when.format(new Date(item.createdAt))}</time>
                  </dd>
                </div>
                <div>
                  <dt>{t('adminOutbox.sent')}</dt>
                  <dd>
                    {item.sentAt ? (
                      <time dateTime={item.sentAt}>{when.format(new Date(item.sentAt))}</time>
                    ) : (
                      '—'
                    )}
                  </dd>
                </div>
                {item.status === 'failed' && item.lastError && (
                  <div>
                    <dt>{t('adminOutbox.error', { attempts: item.attempts })}</dt>
                    <dd>{item.lastError}</dd>
                  </div>
                )}
              </dl>
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
