import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, me } from '../api/client';
import { confirmEmailChange } from '../api/profile';
import { authed, updateUser, useSession } from '../auth';
import { ProblemAlert } from '../components/form';
import { useI18n } from '../i18n';
import { Link, useLocation } from '../router';

type Outcome =
  | { status: 'ready' }
  | { status: 'pending' }
  | { status: 'done'; email: string }
  | { status: 'failed'; problem: ApiProblem };

/**
 * Opened from the link mailed to a new address. The change waits for a click, so a mail
 * scanner that opens links cannot spend the token on the user's behalf.
 */
export function ConfirmEmailPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const token = new URLSearchParams(search).get('token') ?? '';
  const [outcome, setOutcome] = useState<Outcome>({ status: 'ready' });

  const title =
    outcome.status === 'done'
      ? t('confirmEmail.doneTitle')
      : outcome.status === 'failed'
        ? t('confirmEmail.failedTitle')
        : t('confirmEmail.title');
  useEffect(() => {
    document.title = `${title} · WeBox`;
  }, [title]);

  async function confirm() {
    setOutcome({ status: 'pending' });
    try {
      const { email } = await confirmEmailChange(token);
      setOutcome({ status: 'done', email });
      if (signedIn) {
        const { user } = await authed(me);
        updateUser(user);
      }
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setOutcome({ status: 'failed', problem: error });
    }
  }

  return (
    <section class="auth-card" aria-labelledby="confirm-email-title">
      <h1 id="confirm-email-title" tabIndex={-1}>
        {title}
      </h1>
      {(outcome.status === 'ready' || outcome.status === 'pending') && (
        <>
          <p>{t('confirmEmail.intro')}</p>
          <button
            type="button"
            class="button button-primary"
            disabled={outcome.status === 'pending' || !token}
            onClick={() => void confirm()}
          >
            {outcome.status === 'pending' ? t('confirmEmail.pending') : t('confirmEmail.submit')}
          </button>
        </>
      )}
      {outcome.status === 'done' && (
        <p class="alert alert-info" role="status">
          {t('confirmEmail.done', { email: outcome.email })}
        </p>
      )}
      {outcome.status === 'failed' && <ProblemAlert problem={outcome.problem} other={[]} />}
      {(outcome.status === 'done' || outcome.status === 'failed') && (
        <Link href={signedIn ? '/profile' : '/login'} class="button button-primary">
          {t('confirmEmail.continue')}
        </Link>
      )}
    </section>
  );
}
