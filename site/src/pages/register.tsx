import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { signUp } from '../auth';
import { Field, ProblemAlert, splitFieldErrors } from '../components/form';
import { type MessageKey, useI18n } from '../i18n';
import { Link, navigate } from '../router';

const FIELDS = ['name', 'email', 'password'] as const;

const MIN_PASSWORD_LENGTH = 10;

type Strength = 'weak' | 'fair' | 'good' | 'strong';

/**
 * A rough strength estimate for the hint only: length counts most, then variety of
 * character classes. The server decides what it accepts.
 */
export function passwordStrength(password: string): Strength {
  if (password.length < MIN_PASSWORD_LENGTH) return 'weak';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const score = (password.length >= 12 ? 2 : 1) + (password.length >= 16 ? 1 : 0) + classes;
  if (score >= 6) return 'strong';
  if (score >= 4) return 'good';
  return 'fair';
}

const STRENGTH_LABEL: Record<Strength, MessageKey> = {
  weak: 'auth.strength.weak',
  fair: 'auth.strength.fair',
  good: 'auth.strength.good',
  strong: 'auth.strength.strong',
};

const STRENGTH_VALUE: Record<Strength, number> = { weak: 1, fair: 2, good: 3, strong: 4 };

/** The sign-up form; on success the new user lands on the dashboard. */
export function RegisterPage() {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const { byField, other } = splitFieldErrors(problem, FIELDS);
  const strength = passwordStrength(password);

  useEffect(() => {
    document.title = `${t('auth.register.title')} · WeBox`;
  }, [t]);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    try {
      await signUp(name.trim(), email.trim(), password);
      navigate('/', { replace: true });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error);
      setPending(false);
    }
  }

  return (
    <section class="auth-card" aria-labelledby="register-title">
      <h1 id="register-title" tabIndex={-1}>
        {t('auth.register.title')}
      </h1>
      {problem && <ProblemAlert problem={problem} other={other} />}
      <form onSubmit={onSubmit}>
        <Field
          id="name"
          type="text"
          label={t('auth.name')}
          autocomplete="name"
          required
          maxLength={100}
          value={name}
          onValue={setName}
          error={byField.name}
        />
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
          autocomplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={password}
          onValue={setPassword}
          error={byField.password}
          hint={t('auth.password.hint')}
        >
          <div class={`strength strength-${password ? strength : 'empty'}`}>
            {password && (
              <meter
                min={0}
                max={4}
                low={2}
                high={3}
                optimum={4}
                value={STRENGTH_VALUE[strength]}
                aria-hidden="true"
              />
            )}
            <p class="strength-label" aria-live="polite">
              {password && t('auth.strength.label', { level: t(STRENGTH_LABEL[strength]) })}
            </p>
          </div>
        </Field>
        <button type="submit" class="button button-primary" disabled={pending}>
          {pending ? t('auth.register.pending') : t('auth.register.submit')}
        </button>
      </form>
      <p class="auth-switch">
        {t('auth.register.hasAccount')} <Link href="/login">{t('auth.register.toLogin')}</Link>
      </p>
    </section>
  );
}
