import { useState } from 'preact/hooks';
import { forgotPassword } from '../api/account';
import { AuthCard, EmailField, useApiForm } from '../components/form';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { LiveMessage } from '../ui';

/** Asks for a password-reset link; the answer is the same whether the address exists or not. */
export function ForgotPage() {
  const { t } = useI18n();
  const [sent, setSent] = useState(false);
  const form = useApiForm({ email: '' }, async ({ email }) => {
    setSent(false);
    await forgotPassword(email.trim());
    setSent(true);
  });
  return (
    <AuthCard
      page="forgot"
      form={{ ...form, pending: form.pending && !sent }}
      notice={
        <>
          {!sent && <p class="muted">{t('auth.forgot.intro')}</p>}
          <LiveMessage class={sent ? 'alert alert-info' : 'visually-hidden'}>
            {sent ? t('auth.forgot.sent') : ''}
          </LiveMessage>
        </>
      }
      footer={<Link href="/login">{t('auth.forgot.back')}</Link>}
    >
      <EmailField {...form.field('email')} />
    </AuthCard>
  );
}
