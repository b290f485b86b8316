import { signUp } from '../auth';
import { AuthCard, EmailField, PasswordField, useApiForm } from '../components/form';
import { type MessageKey, useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { Field } from '../ui';

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
  const form = useApiForm({ name: '', email: '', password: '' }, async (values) => {
    await signUp(values.name.trim(), values.email.trim(), values.password);
    navigate('/', { replace: true });
  });
  const { password } = form.values;
  const strength = passwordStrength(password);

  return (
    <AuthCard
      page="register"
      form={form}
      footer={
        <>
          {t('auth.register.hasAccount')} <Link href="/login">{t('auth.register.toLogin')}</Link>
        </>
      }
    >
      <Field
        {...form.field('name')}
        label={t('auth.name')}
        autocomplete="name"
        required
        maxLength={100}
      />
      <EmailField {...form.field('email')} />
      <PasswordField
        {...form.field('password')}
        autocomplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
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
      </PasswordField>
    </AuthCard>
  );
}
