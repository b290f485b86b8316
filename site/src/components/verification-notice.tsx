import { useState } from 'preact/hooks';
import { requestVerification, resendVerification } from '../api/account';
import { ApiProblem, type User } from '../api/client';
import { authed } from '../auth';
import { useI18n } from '../i18n';
import { ProblemAlert } from '../ui';

type SendState = 'idle' | 'sending' | 'sent';

/** Runs a send action, tracking its state and the problem it failed with. */
function useSend(action: () => Promise<void>) {
  const [state, setState] = useState<SendState>('idle');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  async function run() {
    setState('sending');
    setProblem(null);
    try {
      await action();
      setState('sent');
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error);
      setState('idle');
    }
  }
  return { state, problem, run };
}

/** The dashboard's reminder to confirm the address, with a button to send the link again. */
export function VerificationNotice({ user }: { user: User }) {
  const { t } = useI18n();
  const send = useSend(() => authed(resendVerification));
  if (user.emailVerified) return null;
  return (
    <section class="card notice" aria-labelledby="verify-notice-title">
      <h2 id="verify-notice-title">{t('verify.notice.title')}</h2>
      <p>{t('verify.notice.body', { email: user.email })}</p>
      {send.problem && <ProblemAlert problem={send.problem} other={[]} />}
      {send.state === 'sent' ? (
        <p class="alert alert-info" role="status">
          {t('verify.notice.sent', { email: user.email })}
        </p>
      ) : (
        <button
          type="button"
          class="button"
          disabled={send.state === 'sending'}
          onClick={() => void send.run()}
        >
          {send.state === 'sending' ? t('verify.notice.sending') : t('verify.notice.resend')}
        </button>
      )}
    </section>
  );
}

/** On the login page, after EMAIL_NOT_VERIFIED: sends a new link to the address typed. */
export function VerificationRequest({ email }: { email: string }) {
  const { t } = useI18n();
  const send = useSend(() => requestVerification(email.trim()));
  if (send.state === 'sent') {
    return (
      <p class="alert alert-info" role="status">
        {t('auth.login.verificationSent')}
      </p>
    );
  }
  return (
    <>
      {send.problem && <ProblemAlert problem={send.problem} other={[]} />}
      <p>
        <button
          type="button"
          class="button"
          disabled={send.state === 'sending'}
          onClick={() => void send.run()}
        >
          {send.state === 'sending'
            ? t('verify.notice.sending')
            : t('auth.login.resendVerification')}
        </button>
      </p>
    </>
  );
}
