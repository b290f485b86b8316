import { me, type User } from '../api/client';
import { areasFor } from '../areas';
import { authed, updateUser } from '../auth';
import { VerificationNotice } from '../components/verification-notice';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { formatDate, ProblemAlert, usePageTitle, useResource } from '../ui';
import { Facts } from '../ui/facts';

/** The signed-in home: a greeting, the account's details (read fresh from /api/me) and the areas. */
export function DashboardPage({ user }: { user: User }) {
  const { t, lang } = useI18n();
  usePageTitle(t('area.dashboard'));
  // The fresh account goes to the app's user (this page re-renders from it); a 401 has already
  // sent the browser to /login.
  const { problem } = useResource(async () => updateUser((await authed(me)).user), []);

  const since = new Date(user.createdAt);
  const upcoming = areasFor(user).filter((area) => area.about);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('dashboard.greeting', { name: user.name })}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <VerificationNotice user={user} />
      <section class="card" aria-labelledby="account-title">
        <h2 id="account-title">{t('dashboard.account')}</h2>
        <Facts
          items={[
            { label: t('dashboard.email'), value: user.email },
            {
              label: t('dashboard.plan'),
              value: <span class={`badge badge-plan-${user.plan}`}>{t(`plan.${user.plan}`)}</span>,
            },
            { label: t('dashboard.role'), value: t(`role.${user.role}`) },
            !Number.isNaN(since.getTime()) && {
              label: t('dashboard.since'),
              value: <time dateTime={user.createdAt}>{formatDate(since, lang, false)}</time>,
            },
          ]}
        />
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
