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
import { Field, ProblemAlert, splitFieldErrors } from '../components/form';
import { type Lang, type MessageKey, setLang, useI18n } from '../i18n';
import { Link } from '../router';
import { applyThemePreference } from '../theme';

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

const NOTIFICATION_LABEL: Record<NotificationKey, MessageKey> = {
  'email.security': 'profile.notify.email.security',
  'email.product': 'profile.notify.email.product',
  'email.billing': 'profile.notify.email.billing',
  'push.jobs': 'profile.notify.push.jobs',
};

/** Runs an API call; a 401 has already sent the browser to /login, others are shown. */
async function attempt<T>(
  call: () => Promise<T>,
  onProblem: (problem: ApiProblem) => void,
): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.status !== 401) onProblem(error);
    return null;
  }
}

function Status({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p class="alert alert-info" role="status">
      {text}
    </p>
  );
}

function DetailsForm({ profile, onSaved }: { profile: Profile; onSaved(p: Profile): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(profile.name);
  const [locale, setLocale] = useState<Lang>(profile.locale);
  const [theme, setThemeChoice] = useState<Theme>(profile.theme);
  const [prefs, setPrefs] = useState(profile.notificationPrefs);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const { byField, other } = splitFieldErrors(problem, ['name']);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    setSaved(null);
    const updated = await attempt(
      () =>
        authed((token) => updateProfile(token, { name, locale, theme, notificationPrefs: prefs })),
      setProblem,
    );
    setPending(false);
    if (!updated) return;
    setLang(updated.locale);
    applyThemePreference(updated.theme);
    onSaved(updated);
    setSaved(t('profile.saved'));
  }

  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title">{t('profile.details')}</h2>
      {problem && <ProblemAlert problem={problem} other={other} />}
      <Status text={saved} />
      <form onSubmit={onSubmit} class="narrow">
        <Field
          id="name"
          type="text"
          label={t('auth.name')}
          value={name}
          onValue={setName}
          autocomplete="name"
          required
          maxLength={100}
          error={byField.name}
        />
        <div class="field">
          <label for="locale">{t('lang.label')}</label>
          <select
            id="locale"
            value={locale}
            onChange={(event) => setLocale(event.currentTarget.value === 'en' ? 'en' : 'fr')}
          >
            <option value="fr">{t('lang.fr')}</option>
            <option value="en">{t('lang.en')}</option>
          </select>
        </div>
        <div class="field">
          <label for="theme">{t('profile.theme')}</label>
          <select
            id="theme"
            value={theme}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setThemeChoice(value === 'light' || value === 'dark' ? value : 'system');
            }}
          >
            <option value="system">{t('profile.theme.system')}</option>
            <option value="light">{t('profile.theme.light')}</option>
            <option value="dark">{t('profile.theme.dark')}</option>
          </select>
        </div>
        <fieldset class="checks">
          <legend>{t('profile.notifications')}</legend>
          {NOTIFICATION_KEYS.map((key) => (
            <label key={key} class="field-check">
              <input
                type="checkbox"
                checked={prefs[key]}
                onChange={(event) =>
                  setPrefs((previous) => ({ ...previous, [key]: event.currentTarget.checked }))
                }
              />
              {t(NOTIFICATION_LABEL[key])}
            </label>
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
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const url = profile.avatarUrl;
    if (!url) {
      setPreview(null);
      return;
    }
    let objectUrl: string | null = null;
    let live = true;
    void attempt(() => authed((token) => fetchAvatar(token, url)), setProblem).then((blob) => {
      if (!blob || !live) return;
      objectUrl = URL.createObjectURL(blob);
      setPreview(objectUrl);
    });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [profile.avatarUrl]);

  async function upload(file: File) {
    setProblem(null);
    setMessage(null);
    const local = (key: MessageKey) =>
      new ApiProblem({ type: 'about:blank', title: t(key), status: 400, detail: t(key) });
    if (!AVATAR_TYPES.includes(file.type)) {
      setProblem(local('profile.avatar.wrongType'));
      return;
    }
    if (file.size > AVATAR_MAX_BYTES) {
      setProblem(local('profile.avatar.tooLarge'));
      return;
    }
    setBusy(true);
    const done = await attempt(
      () => authed((token) => uploadAvatar(token, file)),
      (p) => setProblem(avatarProblem(p, t)),
    );
    setBusy(false);
    if (input.current) input.current.value = '';
    if (done === null) return;
    await onChanged();
    setMessage(t('profile.avatar.saved'));
  }

  async function remove() {
    setProblem(null);
    setBusy(true);
    const done = await attempt(() => authed(deleteAvatar), setProblem);
    setBusy(false);
    if (done === null) return;
    await onChanged();
    setMessage(t('profile.avatar.removed'));
  }

  return (
    <section class="card" aria-labelledby="avatar-title">
      <h2 id="avatar-title">{t('profile.avatar')}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <Status text={message} />
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
            <button type="button" class="button" disabled={busy} onClick={() => void remove()}>
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
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { byField, other } = splitFieldErrors(problem, ['newEmail']);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    setSentTo(null);
    const address = newEmail.trim();
    const done = await attempt(
      () => authed((token) => requestEmailChange(token, address)),
      setProblem,
    );
    setPending(false);
    if (done === null) return;
    setSentTo(address);
    setNewEmail('');
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
      {problem && <ProblemAlert problem={problem} other={other} />}
      <Status text={sentTo ? t('profile.email.sent', { email: sentTo }) : null} />
      <form onSubmit={onSubmit} class="narrow">
        <Field
          id="newEmail"
          type="email"
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
  const date = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
          new Date(iso),
        )
      : t('profile.stats.never');
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
  const [profile, setProfile] = useState<Profile | null>(null);
  const [stats, setStats] = useState<ProfileStats | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    document.title = `${t('area.profile')} · WeBox`;
  }, [t]);

  async function load() {
    const [fresh, figures] = await Promise.all([
      attempt(() => authed(getProfile), setProblem),
      attempt(() => authed(getStats), setProblem),
    ]);
    if (fresh) setProfile(fresh);
    if (figures) setStats(figures);
  }

  useEffect(() => {
    void load();
  }, []);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.profile')}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {profile === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <DetailsForm
            profile={profile}
            onSaved={(updated) => {
              setProfile(updated);
              updateUser({ ...user, name: updated.name, email: updated.email });
            }}
          />
          <AvatarSection profile={profile} onChanged={load} />
          <EmailSection profile={profile} />
          {stats && <StatsSection stats={stats} />}
        </>
      )}
    </div>
  );
}
