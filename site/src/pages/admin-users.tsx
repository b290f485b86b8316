import { useState } from 'preact/hooks';
import { type AdminUser, listUsers, setUserEnabled, type UserSearch } from '../api/admin-users';
import type { User } from '../api/client';
import { authed } from '../auth';
import { useI18n } from '../i18n';
import {
  DataTable,
  Field,
  FilterBar,
  formatDate,
  Pager,
  ProblemAlert,
  usePageTitle,
  useResource,
} from '../ui';
import { useRowActions } from '../ui/row-actions';

const PAGE_SIZE = 20;

/** Admins search users and disable or re-enable accounts. */
export function AdminUsersPage({ user: me }: { user: User }) {
  const { t, lang } = useI18n();
  usePageTitle(t('adminUsers.title'));
  const [draft, setDraft] = useState<UserSearch>({ query: '', status: '', page: 1 });
  const [search, setSearch] = useState<UserSearch>(draft);
  const result = useResource(
    () => authed((token) => listUsers(token, search, PAGE_SIZE)),
    [search],
  );
  const { busy, problem, run } = useRowActions();

  const toggle = (target: AdminUser) =>
    run(target.id, async () => {
      const updated = await authed((token) =>
        setUserEnabled(token, target.id, target.status === 'disabled'),
      );
      result.setData(
        (page) =>
          page && {
            ...page,
            items: page.items.map((item) => (item.id === updated.id ? updated : item)),
          },
      );
    });

  const shownProblem = problem ?? result.problem;
  const pages = result.data ? Math.max(1, Math.ceil(result.data.total / PAGE_SIZE)) : 1;

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('adminUsers.title')}</h1>
      <FilterBar
        label={t('adminUsers.search')}
        applyLabel={t('adminUsers.submit')}
        onApply={() => setSearch({ ...draft, page: 1 })}
      >
        <Field
          id="user-query"
          kind="search"
          label={t('adminUsers.search')}
          value={draft.query}
          maxLength={100}
          onValue={(query) => setDraft({ ...draft, query })}
        />
        <Field<UserSearch['status']>
          id="user-status"
          kind="select"
          label={t('adminUsers.status')}
          value={draft.status}
          onValue={(status) => setDraft({ ...draft, status })}
          options={[
            { value: '', label: t('adminUsers.status.all') },
            { value: 'active', label: t('adminUsers.status.active') },
            { value: 'disabled', label: t('adminUsers.status.disabled') },
          ]}
        />
      </FilterBar>
      {shownProblem && <ProblemAlert problem={shownProblem} other={[]} />}
      {result.data === null ? (
        <p role="status">{t('adminUsers.loading')}</p>
      ) : (
        <section class="card">
          <p class="muted" role="status">
            {t('adminUsers.total', { total: result.data.total })}
          </p>
          <DataTable
            caption={t('adminUsers.title')}
            hideCaption
            rows={result.data.items}
            rowKey={(item) => item.id}
            empty={t('adminUsers.empty')}
            columns={[
              {
                key: 'name',
                header: t('adminUsers.name'),
                rowHeader: true,
                cell: (item) => item.name,
              },
              { key: 'email', header: t('adminUsers.email'), cell: (item) => item.email },
              {
                key: 'status',
                header: t('adminUsers.status'),
                cell: (item) => (
                  <span class={`badge badge-status-${item.status}`}>
                    {t(`adminUsers.status.${item.status}`)}
                  </span>
                ),
              },
              {
                key: 'verified',
                header: t('adminUsers.verified'),
                cell: (item) => (item.emailVerified ? t('adminUsers.yes') : t('adminUsers.no')),
              },
              {
                key: 'created',
                header: t('adminUsers.created'),
                cell: (item) => (
                  <time dateTime={item.createdAt}>{formatDate(item.createdAt, lang, false)}</time>
                ),
              },
            ]}
            actions={(item) =>
              item.id !== me.id && (
                <button
                  type="button"
                  class="button"
                  disabled={busy !== null}
                  aria-label={t(
                    item.status === 'disabled' ? 'adminUsers.enable' : 'adminUsers.disable',
                    { name: item.name },
                  )}
                  onClick={() => void toggle(item)}
                >
                  {item.status === 'disabled'
                    ? t('adminUsers.enableShort')
                    : t('adminUsers.disableShort')}
                </button>
              )
            }
          />
          <Pager
            page={search.page}
            pages={pages}
            onPage={(page) => setSearch({ ...search, page })}
          />
        </section>
      )}
    </div>
  );
}
