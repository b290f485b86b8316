import { useEffect, useState } from 'preact/hooks';
import {
  type AdminUser,
  type AdminUserPage,
  listUsers,
  setUserEnabled,
  type UserSearch,
} from '../api/admin-users';
import { ApiProblem, type User } from '../api/client';
import { authed } from '../auth';
import { ProblemAlert } from '../components/form';
import { useI18n } from '../i18n';

const PAGE_SIZE = 20;

/** Admins search users and disable or re-enable accounts. */
export function AdminUsersPage({ user: me }: { user: User }) {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<UserSearch>({ query: '', status: '', page: 1 });
  const [search, setSearch] = useState<UserSearch>(draft);
  const [result, setResult] = useState<AdminUserPage | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('adminUsers.title')} · WeBox`;
  }, [t]);

  useEffect(() => {
    let live = true;
    setProblem(null);
    authed((token) => listUsers(token, search, PAGE_SIZE))
      .then((page) => {
        if (live) setResult(page);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiProblem)) throw error;
        if (live && error.status !== 401) setProblem(error);
      });
    return () => {
      live = false;
    };
  }, [search]);

  async function toggle(target: AdminUser) {
    setBusy(target.id);
    setProblem(null);
    try {
      const updated = await authed((token) =>
        setUserEnabled(token, target.id, target.status === 'disabled'),
      );
      setResult(
        (page) =>
          page && {
            ...page,
            items: page.items.map((item) => (item.id === updated.id ? updated : item)),
          },
      );
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    } finally {
      setBusy(null);
    }
  }

  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('adminUsers.title')}</h1>
      <form
        class="card toolbar"
        aria-label={t('adminUsers.search')}
        onSubmit={(event) => {
          event.preventDefault();
          setSearch({ ...draft, page: 1 });
        }}
      >
        <div class="field">
          <label for="user-query">{t('adminUsers.search')}</label>
          <input
            id="user-query"
            type="search"
            value={draft.query}
            maxLength={100}
            onInput={(event) => setDraft({ ...draft, query: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="user-status">{t('adminUsers.status')}</label>
          <select
            id="user-status"
            value={draft.status}
            onChange={(event) =>
              setDraft({ ...draft, status: event.currentTarget.value as UserSearch['status'] })
            }
          >
            <option value="">{t('adminUsers.status.all')}</option>
            <option value="active">{t('adminUsers.status.active')}</option>
            <option value="disabled">{t('adminUsers.status.disabled')}</option>
          </select>
        </div>
        <button type="submit" class="button button-primary">
          {t('adminUsers.submit')}
        </button>
      </form>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {result === null ? (
        <p role="status">{t('adminUsers.loading')}</p>
      ) : (
        <section class="card">
          <p class="muted" role="status">
            {t('adminUsers.total', { total: result.total })}
          </p>
          {result.items.length === 0 ? (
            <p>{t('adminUsers.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('adminUsers.name')}</th>
                    <th scope="col">{t('adminUsers.email')}</th>
                    <th scope="col">{t('adminUsers.status')}</th>
                    <th scope="col">{t('adminUsers.verified')}</th>
                    <th scope="col">{t('adminUsers.created')}</th>
                    <th scope="col">{t('adminUsers.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((item) => (
                    <tr key={item.id}>
                      <td>{item.name}</td>
                      <td>{item.email}</td>
                      <td>
                        <span class={`badge badge-status-${item.status}`}>
                          {t(`adminUsers.status.${item.status}`)}
                        </span>
                      </td>
                      <td>{item.emailVerified ? t('adminUsers.yes') : t('adminUsers.no')}</td>
                      <td>
                        <time dateTime={item.createdAt}>
                          {day.format(new Date(item.createdAt))}
                        </time>
                      </td>
                      <td>
                        {item.id !== me.id && (
                          <button
                            type="button"
                            class="button"
                            disabled={busy !== null}
                            aria-label={t(
                              item.status === 'disabled'
                                ? 'adminUsers.enable'
                                : 'adminUsers.disable',
                              { name: item.name },
                            )}
                            onClick={() => void toggle(item)}
                          >
                            {item.status === 'disabled'
                              ? t('adminUsers.enableShort')
                              : t('adminUsers.disableShort')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pager" aria-label={t('adminUsers.page', { page: search.page, pages })}>
            <button
              type="button"
              class="button"
              disabled={search.page <= 1}
              onClick={() => setSearch({ ...search, page: search.page - 1 })}
            >
              {t('adminUsers.previous')}
            </button>
            <span>{t('adminUsers.page', { page: search.page, pages })}</span>
            <button
              type="button"
              class="button"
              disabled={search.page >= pages}
              onClick={() => setSearch({ ...search, page: search.page + 1 })}
            >
              {t('adminUsers.next')}
            </button>
          </nav>
        </section>
      )}
    </div>
  );
}
