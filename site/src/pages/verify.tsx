import { verifyEmail } from '../api/account';
import { me } from '../api/client';
import { authed, updateUser, useSession } from '../auth';
import { OutcomeCard, spendToken } from '../components/account/outcome';
import { useI18n } from '../i18n';
import { useLocation } from '../router';
import { useResource } from '../ui';

/** Opened from the confirmation e-mail: spends the token and says how it went. */
export function VerifyPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const token = new URLSearchParams(search).get('token') ?? '';
  const spent = useResource(async () => {
    const outcome = await spendToken(() => verifyEmail(token));
    // The session's user now counts as verified; refreshing it is not part of the outcome.
    if (outcome.status === 'done' && signedIn) void authed(me).then(({ user }) => updateUser(user));
    return outcome;
  }, [token]);
  const outcome = spent.data ?? { status: 'pending' };

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
