import { useEffect, useState } from 'preact/hooks';
import { changePassword } from '../api/account';
import { ApiProblem } from '../api/client';
import { factorFrom, reauthenticate, twoFactorStatus } from '../api/security';
import { authed, authedConfirm } from '../auth';
import { asksForCode } from '../components/account/action';
import { Notice } from '../components/account/notice';
import { useApiForm } from '../components/form';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { Field, ProblemAlert, usePageTitle } from '../ui';

/**
 * Changes the password. The API wants a recent sign-in; when it asks (REAUTH_REQUIRED), the
 * current password typed here (and, with two-factor sign-in on, the code) re-authenticates the
 * session and the change is retried.
 */
export function PasswordPage() {
  const { t } = useI18n();
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [done, setDone] = useState<string | null>(null);
  const [needsCode, setNeedsCode] = useState(false);
  const form = useApiForm(
    { currentPassword: '', newPassword: '', code: '' },
    async ({ code, ...passwords }) => {
      setDone(null);
      const input = { ...passwords, signOutOtherSessions: signOutOthers };
      const change = () => authedConfirm((token) => changePassword(token, input));
      let result: { otherSessionsRevoked: number };
      try {
        result = await change();
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.problem.code !== 'REAUTH_REQUIRED') throw error;
        const password = passwords.currentPassword;
        try {
          await authedConfirm((token) =>
            reauthenticate(token, needsCode ? { password, ...factorFrom(code) } : { password }),
          );
        } catch (reauthError) {
          // Two-factor sign-in was turned on elsewhere, or its status could not be read.
          if (asksForCode(reauthError)) setNeedsCode(true);
          throw reauthError;
        }
        result = await change();
      }
      setDone(
        result.otherSessionsRevoked > 0
          ? t('password.doneOthers', { count: result.otherSessionsRevoked })
          : t('password.done'),
      );
    },
  );

  useEffect(() => {
    authed(twoFactorStatus).then(
      (status) => setNeedsCode(status.enabled),
      () => {
        // The field then stays hidden until the API asks for a code.
      },
    );
  }, []);

  usePageTitle(t('password.title'));

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('password.title')}</h1>
      <section class="card narrow">
        {form.problem && <ProblemAlert problem={form.problem} other={form.other} />}
        <Notice>{done}</Notice>
        <form onSubmit={form.onSubmit}>
          <Field
            {...form.field('currentPassword')}
            kind="password"
            label={t('password.current')}
            autocomplete="current-password"
            required
          />
          <Field
            {...form.field('newPassword')}
            kind="password"
            label={t('password.new')}
            autocomplete="new-password"
            minLength={10}
            hint={t('auth.password.hint')}
            required
          />
          {needsCode && (
            <Field
              {...form.field('code')}
              label={t('auth.twoFactor.code')}
              hint={t('auth.twoFactor.hint')}
              autocomplete="one-time-code"
              maxLength={20}
              required
            />
          )}
          <div class="field field-check">
            <input
              id="signOutOthers"
              type="checkbox"
              checked={signOutOthers}
              onChange={(event) => setSignOutOthers(event.currentTarget.checked)}
            />
            <label for="signOutOthers">{t('password.signOutOthers')}</label>
          </div>
          <button
            type="submit"
            class="button button-primary"
            disabled={form.pending && done === null}
          >
            {form.pending && done === null ? t('password.pending') : t('password.submit')}
          </button>
        </form>
        <p>
          <Link href="/sessions">{t('password.toSessions')}</Link>
        </p>
      </section>
    </div>
  );
}
