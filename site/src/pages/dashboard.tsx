import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, me, type User } from '../api/client';
import { areasFor } from '../areas';
import { authed, updateUser } from '../auth';
import { VerificationNotice } from '../components/verification-notice';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { ProblemAlert } from '../ui';

/** The signed-in home: a greeting, the account's details (read fresh from /api/me) and the areas. */
export function DashboardPage({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    document.title = `${t('area.dashboard')} · WeBox`;
  }, [t]);

  useEffect(() => {
    let live = true;
    authed(me)
      .then(({ user: fresh }) => updateUser(fresh))
      .catch((error: unknown) => {
        // A 401 has already sent the browser to /login; anything else is worth showing.
        if (live && error instanceof ApiProblem && error.status !== 401) setProblem(error);
      });
    return () => {
      live = false;
    };
  }, []);

  const since = new Date(user.createdAt);
  const upcoming = areasFor(user).filter((area) => area.about);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('dashboard.greeting', { name: user.name })}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <VerificationNotice user={user} />
      <section class="card" aria-labelledby="account-title">
        <h2 id="account-title">{t('dashboard.account')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('dashboard.email')}</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>{t('dashboard.plan')}</dt>
            <dd>
              <span class={`badge badge-plan-${user.plan}`}>{t(`plan.${user.plan}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t('dashboard.role')}</dt>
            <dd>{t(`role.${user.role}`)}</dd>
          </div>
          {!Number.isNaN(since.getTime()) && (
            <div>
              <dt>{t('dashboard.since')}</dt>
              <dd>
                <time dateTime={user.createdAt}>
                  {new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(since)}
                </time>
              </dd>
            </div>
          )}
        </dl>
      </section>
      <section class="card" aria-labelledby="areas-title">
        <h2 id="areas-title">{t('dashboard.areas')}</h2>
        <p class="muted">{t('dashboard.areasIntro')}</p>
        <ul class="area-grid">
          {upcoming.map((area) => (
            <li key={area.id}>
              <Link href={area.path} class="area-tile">
                <span class="area-tile-title">{t(area.label)}</span>
                <span class="badge">{t('soon.badge')}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
