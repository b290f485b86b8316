import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { signIn, useSession } from '../auth';
import { Field, ProblemAlert, splitFieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { Link, navigate, safeNext, useLocation } from '../router';

const FIELDS = ['email', 'password'] as const;

/** The login form; on success it goes to `?next=` (a local path) or the dashboard. */
export function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const { byField, other } = splitFieldErrors(problem, FIELDS);

  useEffect(() => {
    document.title = `${t('auth.login.title')} · WeBox`;
  }, [t]);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    try {
      await signIn(email, password);
      navigate(safeNext(search), { replace: true });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error);
      setPending(false);
    }
  }

  return (
    <section class="auth-card" aria-labelledby="login-title">
      <h1 id="login-title" tabIndex={-1}>
        {t('auth.login.title')}
      </h1>
      {session.status === 'signed-out' && session.reason === 'expired' && !problem && (
        <p class="alert alert-info" role="status">
          {t('auth.sessionEnded')}
        </p>
      )}
      {problem && <ProblemAlert problem={problem} other={other} />}
      <form onSubmit={onSubmit}>
        <Field
          id="email"
          type="email"
          label={t('auth.email')}
          autocomplete="email"
          required
          value={email}
          onValue={setEmail}
          error={byField.email}
        />
        <Field
          id="password"
          type="password"
          label={t('auth.password')}
          autocomplete="current-password"
          required
          value={password}
          onValue={setPassword}
          error={byField.password}
        />
        <button type="submit" class="button button-primary" disabled={pending}>
          {pending ? t('auth.login.pending') : t('auth.login.submit')}
        </button>
      </form>
      <p class="auth-switch">
        {t('auth.login.noAccount')} <Link href="/register">{t('auth.login.toRegister')}</Link>
      </p>
    </section>
  );
}
