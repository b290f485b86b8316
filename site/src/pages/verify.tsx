import { useEffect, useRef, useState } from 'preact/hooks';
import { verifyEmail } from '../api/account';
import { ApiProblem, me } from '../api/client';
import { authed, updateUser, useSession } from '../auth';
import { ProblemAlert } from '../components/form';
import { useI18n } from '../i18n';
import { Link, useLocation } from '../router';

type Outcome =
  | { status: 'pending' }
  | { status: 'done'; email: string }
  | { status: 'failed'; problem: ApiProblem };

/** Opened from the confirmation e-mail: spends the token and says how it went. */
export function VerifyPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const token = new URLSearchParams(search).get('token') ?? '';
  const [outcome, setOutcome] = useState<Outcome>({ status: 'pending' });
  const signedInNow = useRef(signedIn);
  signedInNow.current = signedIn;

  useEffect(() => {
    let live = true;
    verifyEmail(token)
      .then(({ email }) => {
        if (live) setOutcome({ status: 'done', email });
        if (signedInNow.current) void authed(me).then(({ user }) => updateUser(user));
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiProblem)) throw error;
        if (live) setOutcome({ status: 'failed', problem: error });
      });
    return () => {
      live = false;
    };
  }, [token]);

  const title =
    outcome.status === 'done'
      ? t('verify.doneTitle')
      : outcome.status === 'failed'
        ? t('verify.failedTitle')
        : t('verify.title');
  useEffect(() => {
    document.title = `${title} · WeBox`;
  }, [title]);

  return (
    <section class="auth-card" aria-labelledby="verify-title">
      <h1 id="verify-title" tabIndex={-1}>
        {title}
      </h1>
      {outcome.status === 'pending' && <p role="status">{t('verify.pending')}</p>}
      {outcome.status === 'done' && (
        <p class="alert alert-info" role="status">
          {t('verify.done', { email: outcome.email })}
        </p>
      )}
      {outcome.status === 'failed' && <ProblemAlert problem={outcome.problem} other={[]} />}
      {outcome.status !== 'pending' && (
        <Link href={signedIn ? '/' : '/login'} class="button button-primary">
          {t('verify.continue')}
        </Link>
      )}
    </section>
  );
}
