import { useEffect, useRef, useState } from 'preact/hooks';
import { verifyEmail } from '../api/account';
import { ApiProblem, me } from '../api/client';
import { authed, updateUser, useSession } from '../auth';
import { OutcomeCard, type TokenOutcome } from '../components/account/outcome';
import { useI18n } from '../i18n';
import { useLocation } from '../router';

/** Opened from the confirmation e-mail: spends the token and says how it went. */
export function VerifyPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const token = new URLSearchParams(search).get('token') ?? '';
  const [outcome, setOutcome] = useState<TokenOutcome>({ status: 'pending' });
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
  return (
    <OutcomeCard
      id="verify-title"
      title={title}
      outcome={outcome}
      doneText={(email) => t('verify.done', { email })}
      next={{ href: signedIn ? '/' : '/login', label: t('verify.continue') }}
    >
      <p role="status">{t('verify.pending')}</p>
    </OutcomeCard>
  );
}
