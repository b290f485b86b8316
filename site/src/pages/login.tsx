import { signIn, useSession } from '../auth';
import { AuthCard, EmailField, PasswordField, useApiForm } from '../components/form';
import { useI18n } from '../i18n';
import { Link, navigate, safeNext, useLocation } from '../router';

/** The login form; on success it goes to `?next=` (a local path) or the dashboard. */
export function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const form = useApiForm({ email: '', password: '' }, async ({ email, password }) => {
    await signIn(email, password);
    navigate(safeNext(search), { replace: true });
  });

  return (
    <AuthCard
      page="login"
      form={form}
      notice={
        session.status === 'signed-out' &&
        session.reason === 'expired' &&
        !form.problem && (
          <p class="alert alert-info" role="status">
            {t('auth.sessionEnded')}
          </p>
        )
      }
      footer={
        <>
          {t('auth.login.noAccount')} <Link href="/register">{t('auth.login.toRegister')}</Link>
        </>
      }
    >
      <EmailField {...form.field('email')} />
      <PasswordField {...form.field('password')} autocomplete="current-password" />
    </AuthCard>
  );
}
