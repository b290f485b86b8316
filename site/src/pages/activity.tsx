import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { type ActivityEvent, getActivity } from '../api/profile';
import { authed } from '../auth';
import { type MessageKey, useI18n } from '../i18n';
import { ProblemAlert } from '../ui';

/** Readable names for the events WeBox records; others show their code. */
const ACTION_LABEL: Record<string, MessageKey> = {
  'account.created': 'activity.action.account.created',
  'login.succeeded': 'activity.action.login.succeeded',
  'login.failed': 'activity.action.login.failed',
  logout: 'activity.action.logout',
  'profile.updated': 'activity.action.profile.updated',
  'email.change_requested': 'activity.action.email.change_requested',
  'email.changed': 'activity.action.email.changed',
  'email.verified': 'activity.action.email.verified',
  'password.changed': 'activity.action.password.changed',
  'password.reset': 'activity.action.password.reset',
  'avatar.updated': 'activity.action.avatar.updated',
  'avatar.deleted': 'activity.action.avatar.deleted',
  'key.added': 'activity.action.key.added',
  'key.replaced': 'activity.action.key.replaced',
  'key.deleted': 'activity.action.key.deleted',
  'key.tested': 'activity.action.key.tested',
  'totp.enabled': 'activity.action.totp.enabled',
  'totp.disabled': 'activity.action.totp.disabled',
  'passkey.added': 'activity.action.passkey.added',
  'passkey.removed': 'activity.action.passkey.removed',
  'keys.rotated': 'activity.action.keys.rotated',
  'api_token.created': 'activity.action.api_token.created',
  'api_token.revoked': 'activity.action.api_token.revoked',
  'admin.model.created': 'activity.action.admin.model.created',
  'admin.model.updated': 'activity.action.admin.model.updated',
  'session.revoked': 'activity.action.session.revoked',
};

function details(event: ActivityEvent): string {
  return Object.entries(event.metadata)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
}

/** The account's events, newest first, twenty at a time. */
export function ActivityPage() {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<ActivityEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    document.title = `${t('area.activity')} · WeBox`;
  }, [t]);

  async function load(after?: string) {
    setLoading(true);
    setProblem(null);
    try {
      const page = await authed((token) => getActivity(token, after));
      setItems((previous) => [...(after ? (previous ?? []) : []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load();
  }, []);

  const when = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' }).format(
      new Date(iso),
    );

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.activity')}</h1>
      <p class="muted">{t('activity.intro')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {items === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p class="muted">{t('activity.empty')}</p>
      ) : (
        <div class="card table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('activity.when')}</th>
                <th scope="col">{t('activity.what')}</th>
                <th scope="col">{t('activity.device')}</th>
                <th scope="col">{t('activity.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((event) => {
                const label = ACTION_LABEL[event.action];
                const extra = details(event);
                return (
                  <tr key={event.id} data-action={event.action}>
                    <td>
                      <time dateTime={event.at}>{when(event.at)}</time>
                    </td>
                    <td>
                      {label ? t(label) : event.action}
                      {extra && <span class="muted activity-details"> ({extra})</span>}
                    </td>
                    <td>{event.device ?? '—'}</td>
                    <td>{event.ip ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <p class="pager">
          <button type="button" class="button" disabled={loading} onClick={() => void load(cursor)}>
            {loading ? t('app.loading') : t('activity.more')}
          </button>
        </p>
      )}
    </div>
  );
}
