import { useState } from 'preact/hooks';
import { resetPassword } from '../api/account';
import { AuthCard, useApiForm } from '../components/form';
import { useI18n } from '../i18n';
import { Link, useLocation } from '../router';
import { Field, usePageTitle } from '../ui';

/** Opened from the reset e-mail: sets a new password with the link's token. */
export function ResetPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const token = new URLSearchParams(search).get('token') ?? '';
  const [done, setDone] = useState(false);
  const form = useApiForm({ password: '' }, async ({ password }) => {
    await resetPassword(token, password);
    setDone(true);
  });

  usePageTitle(t('auth.reset.title'));

  if (done || !token) {
    return (
      <section class="auth-card" aria-labelledby="reset-title">
        <h1 id="reset-title" tabIndex={-1}>
          {t('auth.reset.title')}
        </h1>
        <p class={done ? 'alert alert-info' : 'alert alert-error'} role="status">
          {done ? t('auth.reset.done') : t('auth.reset.noToken')}
        </p>
        <Link href={done ? '/login' : '/forgot'} class="button button-primary">
          {done ? t('auth.reset.toLogin') : t('auth.reset.again')}
        </Link>
      </section>
    );
  }

  return (
    <AuthCard page="reset" form={form} footer={<Link href="/forgot">{t('auth.reset.again')}</Link>}>
      <Field
        {...form.field('password')}
        kind="password"
        label={t('auth.reset.newPassword')}
        autocomplete="new-password"
        minLength={10}
        hint={t('auth.password.hint')}
        required
      />
    </AuthCard>
  );
}
