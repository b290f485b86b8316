import { useState } from 'preact/hooks';
import { me } from '../api/client';
import { confirmEmailChange } from '../api/profile';
import { authed, updateUser, useSession } from '../auth';
import { OutcomeCard, spendToken, type TokenOutcome } from '../components/account/outcome';
import { useI18n } from '../i18n';
import { useLocation } from '../router';
import { attempt } from '../ui';

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
  const [outcome, setOutcome] = useState<TokenOutcome>({ status: 'ready' });

  const title =
    outcome.status === 'done'
      ? t('confirmEmail.doneTitle')
      : outcome.status === 'failed'
        ? t('confirmEmail.failedTitle')
        : t('confirmEmail.title');
  async function confirm() {
    setOutcome({ status: 'pending' });
    const settled = await spendToken(() => confirmEmailChange(token));
    setOutcome(settled);
    if (settled.status === 'done' && signedIn) {
      // The new address shows in the session's user; a problem here is the session's to handle.
      await attempt(
        async () => updateUser((await authed(me)).user),
        () => {},
      );
    }
  }

  return (
    <OutcomeCard
      id="confirm-email-title"
      title={title}
      outcome={outcome}
      doneText={(email) => t('confirmEmail.done', { email })}
      next={{ href: signedIn ? '/profile' : '/login', label: t('confirmEmail.continue') }}
    >
      <p>{t('confirmEmail.intro')}</p>
      <button
        type="button"
        class="button button-primary"
        disabled={outcome.status === 'pending' || !token}
        onClick={() => void confirm()}
      >
        {outcome.status === 'pending' ? t('confirmEmail.pending') : t('confirmEmail.submit')}
      </button>
    </OutcomeCard>
  );
}
