import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, type User } from '../api/client';
import {
  deleteAvatar,
  fetchAvatar,
  getProfile,
  getStats,
  NOTIFICATION_KEYS,
  type NotificationKey,
  type Profile,
  type ProfileStats,
  requestEmailChange,
  type Theme,
  updateProfile,
  uploadAvatar,
} from '../api/profile';
import { authed, updateUser } from '../auth';
import { localProblem, useAction } from '../components/account/action';
import { Notice } from '../components/account/notice';
import { splitFieldErrors } from '../components/form';
import { type Lang, type MessageKey, setLang, useI18n } from '../i18n';
import { Link } from '../router';
import { applyThemePreference } from '../theme';
import { attempt, Field, formatDate, ProblemAlert, usePageTitle, useResource } from '../ui';

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

const NOTIFICATION_LABEL: Record<NotificationKey, MessageKey> = {
  'email.security': 'profile.notify.email.security',
  'email.product': 'profile.notify.email.product',
  'email.billing': 'profile.notify.email.billing',
  'push.jobs': 'profile.notify.push.jobs',
};

function DetailsForm({ profile, onSaved }: { profile: Profile; onSaved(p: Profile): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(profile.name);
  const [locale, setLocale] = useState<Lang>(profile.locale);
  const [theme, setThemeChoice] = useState<Theme>(profile.theme);
  const [prefs, setPrefs] = useState(profile.notificationPrefs);
  const action = useAction();
  const pending = action.busy !== null;
  const { byField, other } = splitFieldErrors(action.problem, ['name']);

  function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    void action.run('save', async () => {
      const updated = await authed((token) =>
        updateProfile(token, { name, locale, theme, notificationPrefs: prefs }),
      );
      setLang(updated.locale);
      applyThemePreference(updated.theme);
      onSaved(updated);
      return t('profile.saved');
    });
  }

  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title">{t('profile.details')}</h2>
      {action.problem && <ProblemAlert problem={action.problem} other={other} />}
      <Notice>{action.message}</Notice>
      <form onSubmit={onSubmit} class="narrow">
        <Field
          id="name"
          label={t('auth.name')}
          value={name}
          onValue={setName}
          autocomplete="name"
          required
          maxLength={100}
          error={byField.name}
        />
        <Field<Lang>
          id="locale"
          kind="select"
          label={t('lang.label')}
          value={locale}
          onValue={setLocale}
          options={[
            { value: 'fr', label: t('lang.fr') },
            { value: 'en', label: t('lang.en') },
          ]}
        />
        <Field<Theme>
          id="theme"
          kind="select"
          label={t('profile.theme')}
          value={theme}
          onValue={setThemeChoice}
          options={[
            { value: 'system', label: t('profile.theme.system') },
            { value: 'light', label: t('profile.theme.light') },
            { value: 'dark', label: t('profile.theme.dark') },
          ]}
        />
        <fieldset class="checks">
          <legend>{t('profile.notifications')}</legend>
          {NOTIFICATION_KEYS.map((key) => (
            <Field
              key={key}
              id={`notify-${key.replace('.', '-')}`}
              kind="checkbox"
              label={t(NOTIFICATION_LABEL[key])}
              checked={prefs[key]}
              onChecked={(checked) => setPrefs((previous) => ({ ...previous, [key]: checked }))}
            />
          ))}
        </fieldset>
        <button type="submit" class="button button-primary" disabled={pending}>
          {pending ? t('profile.saving') : t('profile.save')}
        </button>
      </form>
    </section>
  );
}

/** Localised messages for the avatar errors, with the server's detail kept underneath. */
function avatarProblem(problem: ApiProblem, t: (key: MessageKey) => string): ApiProblem {
  const key: MessageKey | null =
    problem.status === 413
      ? 'profile.avatar.tooLarge'
      : problem.status === 415
        ? 'profile.avatar.wrongType'
        : problem.status === 422
          ? 'profile.avatar.invalid'
          : null;
  if (!key) return problem;
  return new ApiProblem({
    ...problem.problem,
    detail: `${t(key)} ${problem.problem.detail ?? ''}`.trim(),
  });
}

function AvatarSection({ profile, onChanged }: { profile: Profile; onChanged(): Promise<void> }) {
  const { t } = useI18n();
  const [preview, setPreview] = useState<string | null>(null);
  const action = useAction();
  const busy = action.busy !== null;
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const url = profile.avatarUrl;
    if (!url) {
      setPreview(null);
      return;
    }
    let objectUrl: string | null = null;
    let live = true;
    void attempt(async () => {
      const blob = await authed((token) => fetchAvatar(token, url));
      if (!live) return;
      objectUrl = URL.createObjectURL(blob);
      setPreview(objectUrl);
    }, action.setProblem);
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [profile.avatarUrl]);

  async function upload(file: File) {
    action.setMessage(null);
    if (!AVATAR_TYPES.includes(file.type)) {
      action.setProblem(localProblem(t('profile.avatar.wrongType')));
      return;
    }
    if (file.size > AVATAR_MAX_BYTES) {
      action.setProblem(localProblem(t('profile.avatar.tooLarge')));
      return;
    }
    await action.run('upload', async () => {
      try {
        await authed((token) => uploadAvatar(token, file));
      } catch (error) {
        throw error instanceof ApiProblem ? avatarProblem(error, t) : error;
      } finally {
        if (input.current) input.current.value = '';
      }
      await onChanged();
      return t('profile.avatar.saved');
    });
  }

  function remove() {
    void action.run('remove', async () => {
      await authed(deleteAvatar);
      await onChanged();
      return t('profile.avatar.removed');
    });
  }

  return (
    <section class="card" aria-labelledby="avatar-title">
      <h2 id="avatar-title">{t('profile.avatar')}</h2>
      {action.problem && <ProblemAlert problem={action.problem} other={[]} />}
      <Notice>{action.message}</Notice>
      <div class="avatar-row">
        {preview ? (
          <img class="avatar-preview" src={preview} alt={t('profile.avatar.alt')} />
        ) : (
          <span class="avatar avatar-large" aria-hidden="true">
            {profile.name.trim().charAt(0).toUpperCase() || '?'}
          </span>
        )}
        <div class="field">
          <label for="avatar-file">{t('profile.avatar.choose')}</label>
          <input
            ref={input}
            id="avatar-file"
            type="file"
            accept={AVATAR_TYPES.join(',')}
            disabled={busy}
            aria-describedby="avatar-hint"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) void upload(file);
            }}
          />
          <p class="field-hint" id="avatar-hint">
            {busy ? t('profile.avatar.uploading') : t('profile.avatar.hint')}
          </p>
          {profile.avatarUrl && (
            <button type="button" class="button" disabled={busy} onClick={remove}>
              {t('profile.avatar.remove')}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

function EmailSection({ profile }: { profile: Profile }) {
  const { t } = useI18n();
  const [newEmail, setNewEmail] = useState('');
  const action = useAction();
  const pending = action.busy !== null;
  const { byField, other } = splitFieldErrors(action.problem, ['newEmail']);

  function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const address = newEmail.trim();
    void action.run('send', async () => {
      await authed((token) => requestEmailChange(token, address));
      setNewEmail('');
      return t('profile.email.sent', { email: address });
    });
  }

  return (
    <section class="card" aria-labelledby="email-title">
      <h2 id="email-title">{t('profile.email')}</h2>
      <p>
        {profile.email}{' '}
        <span class="badge">
          {profile.emailVerified ? t('profile.email.verified') : t('profile.email.unverified')}
        </span>
      </p>
      {action.problem && <ProblemAlert problem={action.problem} other={other} />}
      <Notice>{action.message}</Notice>
      <form onSubmit={onSubmit} class="narrow">
        <Field
          id="newEmail"
          kind="email"
          label={t('profile.email.new')}
          value={newEmail}
          onValue={setNewEmail}
          autocomplete="email"
          required
          error={byField.newEmail}
          hint={t('profile.email.hint')}
        />
        <button type="submit" class="button" disabled={pending}>
          {pending ? t('profile.email.sending') : t('profile.email.submit')}
        </button>
      </form>
    </section>
  );
}

function StatsSection({ stats }: { stats: ProfileStats }) {
  const { t, lang } = useI18n();
  const date = (iso: string | null) => (iso ? formatDate(iso, lang) : t('profile.stats.never'));
  const facts: Array<[MessageKey, string | number]> = [
    ['profile.stats.memberSince', date(stats.memberSince)],
    ['profile.stats.lastSignIn', date(stats.lastSignInAt)],
    ['profile.stats.sessions', stats.activeSessions],
    ['profile.stats.signIns', stats.signInsLast30Days],
    ['profile.stats.failed', stats.failedSignInsLast30Days],
    [
      'profile.stats.twoFactor',
      stats.twoFactorEnabled ? t('profile.stats.on') : t('profile.stats.off'),
    ],
    ['profile.stats.passkeys', stats.passkeys],
    ['profile.stats.aiKeys', stats.aiKeys],
  ];
  return (
    <section class="card" aria-labelledby="stats-title">
      <h2 id="stats-title">{t('profile.stats')}</h2>
      <dl class="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="actions">
        <Link href="/activity" class="button">
          {t('area.activity')}
        </Link>
        <Link href="/keys" class="button">
          {t('area.keys')}
        </Link>
      </p>
    </section>
  );
}

/** The profile: details and preferences, avatar, e-mail address and account figures. */
export function ProfilePage({ user }: { user: User }) {
  const { t } = useI18n();
  usePageTitle(t('area.profile'));
  const profile = useResource(() => authed(getProfile), []);
  const stats = useResource(() => authed(getStats), []);
  const problem = profile.problem ?? stats.problem;

  async function reload() {
    await Promise.all([profile.reload(), stats.reload()]);
  }

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.profile')}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {profile.data === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <DetailsForm
            profile={profile.data}
            onSaved={(updated) => {
              profile.setData(updated);
              updateUser({ ...user, name: updated.name, email: updated.email });
            }}
          />
          <AvatarSection profile={profile.data} onChanged={reload} />
          <EmailSection profile={profile.data} />
          {stats.data && <StatsSection stats={stats.data} />}
        </>
      )}
    </div>
  );
}
