import { type ActivityEvent, getActivity } from '../api/profile';
import { authed } from '../auth';
import { type MessageKey, useI18n } from '../i18n';
import { DataTable, formatDate, LoadMore, ProblemAlert, useCursorList, usePageTitle } from '../ui';

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
  usePageTitle(t('area.activity'));
  const events = useCursorList((after) => authed((token) => getActivity(token, after)), []);
  const page = events.data;

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.activity')}</h1>
      <p class="muted">{t('activity.intro')}</p>
      {events.problem && <ProblemAlert problem={events.problem} other={[]} />}
      {page === null ? (
        !events.problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <DataTable
          caption={t('area.activity')}
          hideCaption
          class="card"
          rows={page.items}
          rowKey={(event) => event.id}
          rowData={(event) => ({ action: event.action })}
          empty={t('activity.empty')}
          columns={[
            {
              key: 'when',
              header: t('activity.when'),
              cell: (event) => <time dateTime={event.at}>{formatDate(event.at, lang)}</time>,
            },
            {
              key: 'what',
              header: t('activity.what'),
              rowHeader: true,
              cell: (event) => {
                const label = ACTION_LABEL[event.action];
                const extra = details(event);
                return (
                  <>
                    {label ? t(label) : event.action}
                    {extra && <span class="muted activity-details"> ({extra})</span>}
                  </>
                );
              },
            },
            { key: 'device', header: t('activity.device'), cell: (event) => event.device ?? '—' },
            { key: 'ip', header: t('activity.ip'), cell: (event) => event.ip ?? '—' },
          ]}
        />
      )}
      <LoadMore list={events} label={t('activity.more')} />
    </div>
  );
}
