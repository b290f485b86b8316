import { useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { ApiProblem } from '../api/client';
import {
  addPasskey,
  disableTotp,
  enableTotp,
  factorFrom,
  listPasskeys,
  type Passkey,
  PasskeyPromptError,
  reauthenticate,
  regenerateRecoveryCodes,
  removePasskey,
  renamePasskey,
  setupTotp,
  type TwoFactorStatus,
  twoFactorStatus,
} from '../api/security';
import { authed, authedConfirm } from '../auth';
import { localProblem } from '../components/account/action';
import { Notice } from '../components/account/notice';
import { useApiForm } from '../components/form';
import { translate, useI18n } from '../i18n';
import { ConfirmAction, Field, formatDate, ProblemAlert, usePageTitle, useResource } from '../ui';

/** An action that may need a recent sign-in; `guard` asks for one and then runs it again. */
type Guard = (action: () => Promise<void>) => Promise<void>;

/** Keeps ApiProblems for display; a 401 has already sent the browser to /login. */
function keep(set: (problem: ApiProblem | null) => void, error: unknown): void {
  if (error instanceof PasskeyPromptError) {
    set(localProblem(translate('security.passkeys.promptFailed')));
    return;
  }
  if (!(error instanceof ApiProblem)) throw error;
  if (error.status !== 401 || error.problem.code) set(error);
}

/** "Confirm it is you": password (and a code with 2FA on), then the waiting action runs. */
function ReauthCard({
  needsCode,
  onConfirmed,
  onCancel,
}: {
  needsCode: boolean;
  onConfirmed(): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const form = useApiForm({ password: '', code: '' }, async ({ password, code }) => {
    await authedConfirm((token) =>
      reauthenticate(token, needsCode ? { password, ...factorFrom(code) } : { password }),
    );
    await onConfirmed();
  });
  return (
    <section class="card narrow" aria-labelledby="reauth-title">
      <h2 id="reauth-title">{t('security.reauth.title')}</h2>
      <p class="muted">{t('security.reauth.intro')}</p>
      {form.problem && <ProblemAlert problem={form.problem} other={form.other} />}
      <form onSubmit={form.onSubmit}>
        <Field
          {...form.field('password')}
          id="reauth-password"
          kind="password"
          label={t('auth.password')}
          autocomplete="current-password"
          required
        />
        {needsCode && (
          <Field
            {...form.field('code')}
            id="reauth-code"
            label={t('auth.twoFactor.code')}
            autocomplete="one-time-code"
            required
          />
        )}
        <p class="actions">
          <button type="submit" class="button button-primary" disabled={form.pending}>
            {t('security.reauth.submit')}
          </button>
          <button type="button" class="button" onClick={onCancel}>
            {t('security.cancel')}
          </button>
        </p>
      </form>
    </section>
  );
}

/** The ten recovery codes, shown once, with copy and download. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const text = `${t('security.codes.fileHeader')}\n\n${codes.join('\n')}\n`;
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <section class="recovery-codes" aria-labelledby="codes-title">
      <h3 id="codes-title">{t('security.codes.title')}</h3>
      <p class="alert alert-info" role="status">
        {t('security.codes.once')}
      </p>
      <ol class="code-list" aria-label={t('security.codes.title')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p class="actions">
        <button
          type="button"
          class="button"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true));
          }}
        >
          {copied ? t('security.codes.copied') : t('security.codes.copy')}
        </button>
        <a class="button" href={href} download="webox-recovery-codes.txt">
          {t('security.codes.download')}
        </a>
        <button type="button" class="button button-primary" onClick={onDone}>
          {t('security.codes.saved')}
        </button>
      </p>
    </section>
  );
}

/** Enrolment: the QR code and the secret, then the first code turns 2FA on. */
function Enrolment({
  setup,
  onEnabled,
  onCancel,
}: {
  setup: { otpauthUri: string; secret: string };
  onEnabled(codes: string[]): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(
    renderSVG(setup.otpauthUri, { border: 2 }),
  )}`;
  const form = useApiForm({ code: '' }, async ({ code }) => {
    const { recoveryCodes } = await authed((token) => enableTotp(token, code));
    onEnabled(recoveryCodes);
  });
  return (
    <div class="enrolment">
      <ol class="steps">
        <li>{t('security.totp.step1')}</li>
        <li>
          {t('security.totp.step2')}
          <img class="qr" src={qr} width={200} height={200} alt={t('security.totp.qrAlt')} />
          <p>
            {t('security.totp.manual')}{' '}
            <code id="totp-secret" class="secret">
              {setup.secret}
            </code>
          </p>
        </li>
        <li>{t('security.totp.step3')}</li>
      </ol>
      {form.problem && <ProblemAlert problem={form.problem} other={form.other} />}
      <form onSubmit={form.onSubmit} class="narrow">
        <Field
          {...form.field('code')}
          id="totp-code"
          label={t('security.totp.code')}
          autocomplete="one-time-code"
          maxLength={20}
          required
        />
        <p class="actions">
          <button type="submit" class="button button-primary" disabled={form.pending}>
            {t('security.totp.enable')}
          </button>
          <button type="button" class="button" onClick={onCancel}>
            {t('security.cancel')}
          </button>
        </p>
      </form>
    </div>
  );
}

/** With 2FA on: turn it off (password + code), or replace the recovery codes. */
function EnabledTotp({
  status,
  guard,
  onChanged,
  onCodes,
}: {
  status: TwoFactorStatus;
  guard: Guard;
  onChanged(): void;
  onCodes(codes: string[]): void;
}) {
  const { t, lang } = useI18n();
  const off = useApiForm({ password: '', code: '' }, ({ password, code }) =>
    guard(async () => {
      await authed((token) => disableTotp(token, { password, ...factorFrom(code) }));
      onChanged();
    }),
  );
  const renew = useApiForm({ code: '' }, ({ code }) =>
    guard(async () => {
      const { recoveryCodes } = await authed((token) =>
        regenerateRecoveryCodes(token, factorFrom(code)),
      );
      onCodes(recoveryCodes);
    }),
  );
  const since = status.enabledAt
    ? new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(status.enabledAt))
    : '';
  return (
    <>
      <p>
        <span class="badge badge-on">{t('security.on')}</span>{' '}
        {t('security.totp.since', { date: since })}
      </p>
      <p class="muted">{t('security.codes.left', { count: status.recoveryCodesLeft })}</p>
      <details>
        <summary>{t('security.codes.renew')}</summary>
        {renew.problem && <ProblemAlert problem={renew.problem} other={renew.other} />}
        <form onSubmit={renew.onSubmit} class="narrow">
          <Field
            {...renew.field('code')}
            id="renew-code"
            label={t('security.totp.currentCode')}
            autocomplete="one-time-code"
            required
          />
          <button type="submit" class="button" disabled={renew.pending}>
            {t('security.codes.renewSubmit')}
          </button>
        </form>
      </details>
      <details>
        <summary>{t('security.totp.disable')}</summary>
        {off.problem && <ProblemAlert problem={off.problem} other={off.other} />}
        <form onSubmit={off.onSubmit} class="narrow">
          <Field
            {...off.field('password')}
            id="disable-password"
            kind="password"
            label={t('auth.password')}
            autocomplete="current-password"
            required
          />
          <Field
            {...off.field('code')}
            id="disable-code"
            label={t('auth.twoFactor.code')}
            hint={t('auth.twoFactor.hint')}
            autocomplete="one-time-code"
            required
          />
          <button type="submit" class="button button-danger" disabled={off.pending}>
            {t('security.totp.disableSubmit')}
          </button>
        </form>
      </details>
    </>
  );
}

function TwoFactorSection({
  status,
  guard,
  reload,
}: {
  status: TwoFactorStatus | null;
  guard: Guard;
  reload(): void;
}) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<{ otpauthUri: string; secret: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setProblem(null);
    try {
      await guard(async () => setSetup(await authed(setupTotp)));
    } catch (error) {
      keep(setProblem, error);
    } finally {
      setBusy(false);
    }
  }

  let body = null;
  if (codes) {
    body = (
      <RecoveryCodes
        codes={codes}
        onDone={() => {
          setCodes(null);
          reload();
        }}
      />
    );
  } else if (status === null) {
    body = <p role="status">{t('app.loading')}</p>;
  } else if (status.enabled) {
    body = <EnabledTotp status={status} guard={guard} onChanged={reload} onCodes={setCodes} />;
  } else if (setup) {
    body = (
      <Enrolment
        setup={setup}
        onEnabled={(fresh) => {
          setSetup(null);
          setCodes(fresh);
        }}
        onCancel={() => setSetup(null)}
      />
    );
  } else {
    body = (
      <>
        <p>
          <span class="badge">{t('security.off')}</span> {t('security.totp.offIntro')}
        </p>
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          onClick={() => void start()}
        >
          {t('security.totp.setup')}
        </button>
      </>
    );
  }
  return (
    <section class="card" aria-labelledby="totp-title">
      <h2 id="totp-title">{t('security.totp.title')}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {body}
    </section>
  );
}

/** Renames a passkey; mounted only while editing, so every edit starts afresh. */
function RenameForm({
  passkey,
  onDone,
  onCancel,
}: {
  passkey: Passkey;
  onDone(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const form = useApiForm({ name: passkey.name }, async ({ name }) => {
    await authed((token) => renamePasskey(token, passkey.id, name));
    onDone();
  });
  return (
    <form onSubmit={form.onSubmit} class="narrow">
      {form.problem && <ProblemAlert problem={form.problem} other={form.other} />}
      <Field
        {...form.field('name')}
        id={`passkey-name-${passkey.id}`}
        label={t('security.passkeys.name')}
        maxLength={60}
        required
      />
      <p class="actions">
        <button type="submit" class="button button-primary" disabled={form.pending}>
          {t('security.passkeys.save')}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          {t('security.cancel')}
        </button>
      </p>
    </form>
  );
}

function PasskeyItem({
  passkey,
  guard,
  onChanged,
}: {
  passkey: Passkey;
  guard: Guard;
  onChanged(): void;
}) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const date = (iso: string) => formatDate(iso, lang, false);

  async function remove() {
    setProblem(null);
    try {
      await guard(async () => {
        await authed((token) => removePasskey(token, passkey.id));
        onChanged();
      });
    } catch (error) {
      keep(setProblem, error);
    }
  }

  return (
    <li class="card passkey">
      <h3>{passkey.name}</h3>
      <p class="muted">
        {t('security.passkeys.added', { date: date(passkey.createdAt) })}
        {' · '}
        {passkey.lastUsedAt
          ? t('security.passkeys.used', { date: date(passkey.lastUsedAt) })
          : t('security.passkeys.neverUsed')}
        {passkey.backedUp && ` · ${t('security.passkeys.synced')}`}
      </p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {editing ? (
        <RenameForm
          passkey={passkey}
          onDone={() => {
            setEditing(false);
            onChanged();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p class="actions">
          <button
            type="button"
            class="button"
            aria-label={t('security.passkeys.renameNamed', { name: passkey.name })}
            onClick={() => setEditing(true)}
          >
            {t('security.passkeys.rename')}
          </button>
          <ConfirmAction
            label={t('security.passkeys.remove')}
            ariaLabel={t('security.passkeys.removeNamed', { name: passkey.name })}
            question={t('security.passkeys.removeQuestion', { name: passkey.name })}
            confirmLabel={t('security.passkeys.remove')}
            onConfirm={remove}
          />
        </p>
      )}
    </li>
  );
}

/** Creates a passkey in the browser and registers it; remounted after each one. */
function AddPasskeyForm({ guard, onAdded }: { guard: Guard; onAdded(passkey: Passkey): void }) {
  const { t } = useI18n();
  const form = useApiForm({ name: '' }, async ({ name }) => {
    try {
      await guard(async () => {
        onAdded(await authed((token) => addPasskey(token, name.trim() || undefined)));
      });
    } catch (error) {
      if (error instanceof PasskeyPromptError)
        throw localProblem(translate('security.passkeys.promptFailed'));
      throw error;
    }
  });
  return (
    <form onSubmit={form.onSubmit} class="narrow">
      {form.problem && <ProblemAlert problem={form.problem} other={form.other} />}
      <Field
        {...form.field('name')}
        id="new-passkey-name"
        label={t('security.passkeys.newName')}
        hint={t('security.passkeys.newNameHint')}
        maxLength={60}
      />
      <button type="submit" class="button button-primary" disabled={form.pending}>
        {form.pending ? t('security.passkeys.adding') : t('security.passkeys.add')}
      </button>
    </form>
  );
}

function PasskeysSection({ guard }: { guard: Guard }) {
  const { t } = useI18n();
  const passkeys = useResource(() => authed(listPasskeys), []);
  const items = passkeys.data;
  const [added, setAdded] = useState<string | null>(null);
  const supported = typeof window.PublicKeyCredential === 'function';
  const load = () => void passkeys.reload();

  return (
    <section class="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t('security.passkeys.title')}</h2>
      <p class="muted">{t('security.passkeys.intro')}</p>
      {passkeys.problem && <ProblemAlert problem={passkeys.problem} other={[]} />}
      <Notice>{added}</Notice>
      {items === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('security.passkeys.none')}</p>
      ) : (
        <ul class="passkey-list" aria-label={t('security.passkeys.title')}>
          {items.map((passkey) => (
            <PasskeyItem key={passkey.id} passkey={passkey} guard={guard} onChanged={load} />
          ))}
        </ul>
      )}
      {supported ? (
        <AddPasskeyForm
          key={added ?? ''}
          guard={guard}
          onAdded={(passkey) => {
            setAdded(t('security.passkeys.addedNow', { name: passkey.name }));
            load();
          }}
        />
      ) : (
        <p class="alert alert-info">{t('security.passkeys.unsupported')}</p>
      )}
    </section>
  );
}

/** Two-factor sign-in (authenticator app, recovery codes) and passkeys. */
export function SecurityPage() {
  const { t } = useI18n();
  usePageTitle(t('security.title'));
  const status = useResource(() => authed(twoFactorStatus), []);
  const [waiting, setWaiting] = useState<(() => Promise<void>) | null>(null);

  // A sensitive action refused for want of a recent sign-in waits here until the user confirms.
  const guard: Guard = async (action) => {
    try {
      await action();
    } catch (error) {
      if (error instanceof ApiProblem && error.problem.code === 'REAUTH_REQUIRED') {
        setWaiting(() => action);
        throw localProblem(translate('security.reauth.needed'));
      }
      throw error;
    }
  };

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('security.title')}</h1>
      <p class="muted">{t('security.intro')}</p>
      {status.problem && <ProblemAlert problem={status.problem} other={[]} />}
      {waiting && (
        <ReauthCard
          needsCode={status.data?.enabled ?? false}
          onConfirmed={async () => {
            try {
              await waiting();
            } catch (error) {
              if (error instanceof PasskeyPromptError) {
                throw localProblem(translate('security.passkeys.promptFailed'));
              }
              throw error;
            }
            setWaiting(null);
          }}
          onCancel={() => setWaiting(null)}
        />
      )}
      <TwoFactorSection status={status.data} guard={guard} reload={() => void status.reload()} />
      <PasskeysSection guard={guard} />
    </div>
  );
}
