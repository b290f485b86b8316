import { useState } from 'preact/hooks';
import { ApiProblem, type TwoFactorChallenge } from '../api/client';
import { factorFrom, PasskeyPromptError } from '../api/security';
import { completeSignIn, signIn, signInWithPasskey, useSession } from '../auth';
import { AuthCard, EmailField, PasswordField, useApiForm } from '../components/form';
import { VerificationRequest } from '../components/verification-notice';
import { useI18n } from '../i18n';
import { Link, navigate, safeNext, useLocation } from '../router';
import { Field, ProblemAlert } from '../ui';

/** "Sign in with a passkey": the browser offers the passkeys it holds for this site. */
function PasskeySignIn({ onSignedIn }: { onSignedIn(): void }) {
  const { t } = useI18n();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function start() {
    setPending(true);
    setProblem(null);
    try {
      await signInWithPasskey();
      onSignedIn();
    } catch (error) {
      setPending(false);
      if (error instanceof ApiProblem) setProblem(error);
      else if (error instanceof PasskeyPromptError) {
        setProblem(
          new ApiProblem({
            type: 'about:blank',
            title: t('auth.passkey.failed'),
            status: 400,
            detail: t('auth.passkey.failed'),
          }),
        );
      } else throw error;
    }
  }

  return (
    <div class="auth-alt">
      <p class="auth-or">{t('auth.or')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <button type="button" class="button" disabled={pending} onClick={() => void start()}>
        {pending ? t('auth.passkey.pending') : t('auth.passkey.submit')}
      </button>
    </div>
  );
}

/** The second step for an account with two-factor sign-in on: a code or a recovery code. */
function CodeStep({
  challenge,
  onDone,
  onRestart,
}: {
  challenge: TwoFactorChallenge;
  onDone(): void;
  onRestart(problem: ApiProblem | null): void;
}) {
  const { t } = useI18n();
  const form = useApiForm({ code: '' }, async ({ code }) => {
    try {
      await completeSignIn(challenge.challengeToken, factorFrom(code));
    } catch (error) {
      // The challenge expired, was burnt by wrong codes or already used: back to the password.
      if (error instanceof ApiProblem && error.problem.code === 'UNAUTHORIZED') {
        onRestart(error);
        return;
      }
      throw error;
    }
    onDone();
  });
  return (
    <AuthCard
      page="twoFactor"
      form={form}
      notice={<p class="muted">{t('auth.twoFactor.intro')}</p>}
      footer={
        <button type="button" class="link-button" onClick={() => onRestart(null)}>
          {t('auth.twoFactor.back')}
        </button>
      }
    >
      <Field
        {...form.field('code')}
        label={t('auth.twoFactor.code')}
        hint={t('auth.twoFactor.hint')}
        autocomplete="one-time-code"
        maxLength={40}
        required
      />
    </AuthCard>
  );
}

/** E-mail and password; answers a session, or the challenge of the code step. */
function PasswordStep({
  initialEmail,
  restartProblem,
  onChallenge,
  onDone,
}: {
  initialEmail: string;
  restartProblem: ApiProblem | null;
  onChallenge(challenge: TwoFactorChallenge, email: string): void;
  onDone(): void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const form = useApiForm({ email: initialEmail, password: '' }, async ({ email, password }) => {
    const pending = await signIn(email, password);
    if (pending) onChallenge(pending, email);
    else onDone();
  });
  const showRestart = restartProblem && !form.problem && !form.pending;

  return (
    <AuthCard
      page="login"
      form={form}
      notice={
        <>
          {showRestart && <ProblemAlert problem={restartProblem} other={[]} />}
          {session.status === 'signed-out' &&
            session.reason === 'expired' &&
            !form.problem &&
            !restartProblem && (
              <p class="alert alert-info" role="status">
                {t('auth.sessionEnded')}
              </p>
            )}
        </>
      }
      after={<PasskeySignIn onSignedIn={onDone} />}
      footer={
        <>
          {t('auth.login.noAccount')} <Link href="/register">{t('auth.login.toRegister')}</Link>
        </>
      }
    >
      <EmailField {...form.field('email')} />
      <PasswordField {...form.field('password')} autocomplete="current-password" />
      <p class="forgot-link">
        <Link href="/forgot">{t('auth.login.forgot')}</Link>
      </p>
      {form.problem?.problem.code === 'EMAIL_NOT_VERIFIED' && (
        <VerificationRequest email={form.values.email} />
      )}
    </AuthCard>
  );
}

/**
 * The login page: password (or a passkey), then the code step when the account has
 * two-factor sign-in on. On success it goes to `?next=` (a local path) or the dashboard.
 */
export function LoginPage() {
  const { search } = useLocation();
  const [challenge, setChallenge] = useState<TwoFactorChallenge | null>(null);
  const [email, setEmail] = useState('');
  const [restartProblem, setRestartProblem] = useState<ApiProblem | null>(null);
  const done = () => navigate(safeNext(search), { replace: true });

  if (challenge) {
    return (
      <CodeStep
        challenge={challenge}
        onDone={done}
        onRestart={(problem) => {
          setRestartProblem(problem);
          setChallenge(null);
        }}
      />
    );
  }
  return (
    <PasswordStep
      initialEmail={email}
      restartProblem={restartProblem}
      onChallenge={(next, typed) => {
        setEmail(typed);
        setRestartProblem(null);
        setChallenge(next);
      }}
      onDone={done}
    />
  );
}
