import { useEffect, useState } from 'preact/hooks';
import {
  listSessions,
  revokeOtherSessions,
  revokeSession,
  type SessionSummary,
} from '../api/account';
import { ApiProblem } from '../api/client';
import { authed } from '../auth';
import { ProblemAlert } from '../components/form';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';

const METHOD_LABEL: Record<string, MessageKey> = {
  password: 'sessions.method.password',
  'password+totp': 'sessions.method.password+totp',
  'password+recovery': 'sessions.method.password+recovery',
  passkey: 'sessions.method.passkey',
};

/** The signed-in devices of the account: sign one out, or every other one. */
export function SessionsPage() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<SessionSummary[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('sessions.title')} · WeBox`;
  }, [t]);

  async function run(key: string, action: () => Promise<string | null>) {
    setBusy(key);
    setProblem(null);
    setMessage(null);
    try {
      const note = await action();
      setItems(await authed(listSessions));
      setMessage(note);
    } catch (error) {
      // A 401 has already sent the browser to /login; anything else is worth showing.
      if (error instanceof ApiProblem && error.status !== 401) setProblem(error);
      else if (!(error instanceof ApiProblem)) throw error;
    } finally {
      setBusy(null);
    }
  }

  useEffect(() => {
    void run('load', async () => null);
  }, []);

  const when = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const others = items?.filter((item) => !item.current) ?? [];

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('sessions.title')}</h1>
      <p class="muted">{t('sessions.intro')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
      {items === null ? (
        <p role="status">{t('sessions.loading')}</p>
      ) : (
        <ul class="session-list" aria-label={t('sessions.title')}>
          {items.map((item) => (
            <li key={item.id} class="card session" aria-current={item.current ? 'true' : undefined}>
              <div class="session-head">
                <h2>{item.device}</h2>
                {item.current && <span class="badge">{t('sessions.current')}</span>}
              </div>
              <dl class="facts">
                <div>
                  <dt>{t('sessions.where')}</dt>
                  <dd>
                    {[item.location ?? t('sessions.unknownPlace'), item.ip]
                      .filter(Boolean)
                      .join(' · ')}
                  </dd>
                </div>
                <div>
                  <dt>{t('sessions.method')}</dt>
                  <dd>
                    {METHOD_LABEL[item.method]
                      ? t(METHOD_LABEL[item.method] as MessageKey)
                      : item.method}
                  </dd>
                </div>
                <div>
                  <dt>{t('sessions.signedIn')}</dt>
                  <dd>
                    <time dateTime={item.createdAt}>{when(item.createdAt)}</time>
                  </dd>
                </div>
                <div>
                  <dt>{t('sessions.lastUsed')}</dt>
                  <dd>
                    <time dateTime={item.lastUsedAt}>{when(item.lastUsedAt)}</time>
                  </dd>
                </div>
              </dl>
              {!item.current && (
                <button
                  type="button"
                  class="button"
                  disabled={busy !== null}
                  aria-label={t('sessions.revokeNamed', { device: item.device })}
                  onClick={() =>
                    void run(item.id, async () => {
                      await authed((token) => revokeSession(token, item.id));
                      return null;
                    })
                  }
                >
                  {t('sessions.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {items !== null && others.length === 0 && <p class="muted">{t('sessions.none')}</p>}
      <p class="actions">
        {others.length > 0 && (
          <button
            type="button"
            class="button"
            disabled={busy !== null}
            onClick={() =>
              void run('others', async () => {
                const count = await authed(revokeOtherSessions);
                return t('sessions.revokedOthers', { count });
              })
            }
          >
            {t('sessions.revokeOthers')}
          </button>
        )}
        <Link href="/password" class="button">
          {t('sessions.changePassword')}
        </Link>
      </p>
    </div>
  );
}
