import {
  listSessions,
  revokeOtherSessions,
  revokeSession,
  type SessionSummary,
} from '../api/account';
import { authed } from '../auth';
import { useAction } from '../components/account/action';
import { Notice } from '../components/account/notice';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';
import {
  ConfirmAction,
  DataTable,
  dateColumn,
  formatDate,
  ProblemAlert,
  usePageTitle,
  useResource,
} from '../ui';

const METHOD_LABEL: Record<string, MessageKey> = {
  password: 'sessions.method.password',
  'password+totp': 'sessions.method.password+totp',
  'password+recovery': 'sessions.method.password+recovery',
  passkey: 'sessions.method.passkey',
};

/** The signed-in devices of the account: sign one out, or every other one. */
export function SessionsPage() {
  const { t, lang } = useI18n();
  usePageTitle(t('sessions.title'));
  const sessions = useResource(() => authed(listSessions), []);
  const action = useAction();
  const problem = action.problem ?? sessions.problem;
  const items = sessions.data;
  const others = items?.filter((item) => !item.current) ?? [];
  const busy = action.busy !== null || sessions.loading;
  const time = (iso: string | null) => iso && <time dateTime={iso}>{formatDate(iso, lang)}</time>;

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('sessions.title')}</h1>
      <p class="muted">{t('sessions.intro')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <Notice>{action.message}</Notice>
      {items === null ? (
        <p role="status">{t('sessions.loading')}</p>
      ) : (
        <DataTable
          caption={t('sessions.title')}
          hideCaption
          class="session-table"
          rows={items}
          rowKey={(item) => item.id}
          rowClass={(item) => (item.current ? 'session-current' : undefined)}
          columns={[
            {
              key: 'device',
              header: t('sessions.device'),
              rowHeader: true,
              cell: (item) => (
                <>
                  {item.device}
                  {item.current && <span class="badge">{t('sessions.current')}</span>}
                </>
              ),
            },
            {
              key: 'where',
              header: t('sessions.where'),
              cell: (item) =>
                [item.location ?? t('sessions.unknownPlace'), item.ip].filter(Boolean).join(' · '),
            },
            {
              key: 'method',
              header: t('sessions.method'),
              cell: (item) =>
                METHOD_LABEL[item.method]
                  ? t(METHOD_LABEL[item.method] as MessageKey)
                  : item.method,
            },
            dateColumn<SessionSummary>('createdAt', t('sessions.signedIn'), time),
            dateColumn<SessionSummary>('lastUsedAt', t('sessions.lastUsed'), time),
          ]}
          actions={(item) =>
            !item.current && (
              <ConfirmAction
                label={t('sessions.revoke')}
                ariaLabel={t('sessions.revokeNamed', { device: item.device })}
                question={t('sessions.revokeQuestion', { device: item.device })}
                confirmLabel={t('sessions.revoke')}
                danger={false}
                disabled={busy}
                onConfirm={() =>
                  void action.run(item.id, async () => {
                    await authed((token) => revokeSession(token, item.id));
                    await sessions.reload();
                  })
                }
              />
            )
          }
        />
      )}
      {items !== null && others.length === 0 && <p class="muted">{t('sessions.none')}</p>}
      <p class="actions">
        {others.length > 0 && (
          <ConfirmAction
            label={t('sessions.revokeOthers')}
            question={t('sessions.revokeOthersQuestion')}
            confirmLabel={t('sessions.revoke')}
            danger={false}
            disabled={busy}
            onConfirm={() =>
              void action.run('others', async () => {
                const count = await authed(revokeOtherSessions);
                await sessions.reload();
                return t('sessions.revokedOthers', { count });
              })
            }
          />
        )}
        <Link href="/password" class="button">
          {t('sessions.changePassword')}
        </Link>
      </p>
    </div>
  );
}
