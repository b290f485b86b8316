import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import {
  type AiKey,
  deleteKey,
  type KeyTestResult,
  listKeys,
  PROVIDERS,
  type Provider,
  saveKey,
  testKey,
} from '../api/profile';
import { authed } from '../auth';
import { Field, ProblemAlert, splitFieldErrors } from '../components/form';
import { useI18n } from '../i18n';

const PROVIDER_NAME: Record<Provider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  mistral: 'Mistral',
  groq: 'Groq',
};

type Translate = ReturnType<typeof useI18n>['t'];

/** The test outcome in the UI's language (the API's detail is short English). */
function testMessage(result: KeyTestResult, t: Translate): string {
  const provider = PROVIDER_NAME[result.provider];
  if (result.ok) return t('keys.test.ok', { provider, models: result.models ?? 0 });
  if (result.detail === 'timed out') return t('keys.test.timeout', { provider });
  if (result.detail.startsWith('key rejected')) return t('keys.test.rejected', { provider });
  if (result.detail.startsWith('key unreadable')) return t('keys.test.unreadable');
  return t('keys.test.failed', { detail: result.detail });
}

function ProviderCard({
  provider,
  saved,
  onChange,
}: {
  provider: Provider;
  saved: AiKey | undefined;
  onChange(): Promise<void>;
}) {
  const { t, lang } = useI18n();
  const name = PROVIDER_NAME[provider];
  const [apiKey, setApiKey] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState<'save' | 'test' | 'delete' | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [result, setResult] = useState<KeyTestResult | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const ids = { key: `${provider}-key`, label: `${provider}-label` };
  const { byField, other } = splitFieldErrors(problem, ['apiKey', 'label']);

  async function run(kind: 'save' | 'test' | 'delete', action: () => Promise<void>) {
    setBusy(kind);
    setProblem(null);
    setMessage(null);
    if (kind !== 'test') setResult(null);
    try {
      await action();
      await onChange();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    } finally {
      setBusy(null);
    }
  }

  const when = (iso: string) =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const lastTest =
    saved?.lastTestedAt == null
      ? t('keys.neverTested')
      : t(saved.lastTestOk ? 'keys.lastTestOk' : 'keys.lastTestFailed', {
          when: when(saved.lastTestedAt),
        });

  return (
    <section class="card key-card" aria-labelledby={`${provider}-title`}>
      <div class="key-head">
        <h2 id={`${provider}-title`}>{name}</h2>
        {saved ? (
          <span class="badge key-saved">
            {saved.label ? `${saved.label} · ` : ''}
            <span aria-hidden="true">•••• {saved.last4}</span>
            <span class="visually-hidden">{t('keys.endsWith', { last4: saved.last4 })}</span>
          </span>
        ) : (
          <span class="badge">{t('keys.none')}</span>
        )}
      </div>
      {saved && <p class="muted">{lastTest}</p>}
      {problem && <ProblemAlert problem={problem} other={other} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
      {result && (
        <p class={`alert ${result.ok ? 'alert-info' : 'alert-error'}`} role="status">
          {testMessage(result, t)}
        </p>
      )}
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void run('save', async () => {
            const input = label.trim() ? { apiKey, label: label.trim() } : { apiKey };
            await authed((token) => saveKey(token, provider, input));
            setApiKey('');
            setLabel('');
            setMessage(t('keys.saved', { provider: name }));
          });
        }}
      >
        <Field
          id={ids.key}
          type="password"
          label={t('keys.apiKey', { provider: name })}
          value={apiKey}
          onValue={setApiKey}
          autocomplete="off"
          required
          maxLength={300}
          error={byField.apiKey}
        />
        <Field
          id={ids.label}
          type="text"
          label={t('keys.label')}
          value={label}
          onValue={setLabel}
          maxLength={60}
          error={byField.label}
        />
        <button type="submit" class="button" disabled={busy !== null}>
          {busy === 'save' ? t('keys.saving') : saved ? t('keys.replace') : t('keys.add')}
        </button>
      </form>
      {saved && (
        <p class="actions">
          <button
            type="button"
            class="button"
            disabled={busy !== null}
            onClick={() =>
              void run('test', async () => {
                setResult(await authed((token) => testKey(token, provider)));
              })
            }
          >
            {busy === 'test' ? t('keys.testing') : t('keys.test')}
          </button>
          <button
            type="button"
            class="button"
            disabled={busy !== null}
            onClick={() =>
              void run('delete', async () => {
                await authed((token) => deleteKey(token, provider));
                setMessage(t('keys.deleted', { provider: name }));
              })
            }
          >
            {t('keys.delete')}
          </button>
        </p>
      )}
    </section>
  );
}

/** The user's own AI provider keys: add or replace, test, delete; only the last 4 are shown. */
export function KeysPage() {
  const { t } = useI18n();
  const [keys, setKeys] = useState<AiKey[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    document.title = `${t('area.keys')} · WeBox`;
  }, [t]);

  async function load() {
    try {
      setKeys(await authed(listKeys));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    }
  }

  useEffect(() => {
    void load();
  }, []);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.keys')}</h1>
      <p class="muted">{t('keys.intro')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {keys === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        PROVIDERS.map((provider) => (
          <ProviderCard
            key={provider}
            provider={provider}
            saved={keys.find((key) => key.provider === provider)}
            onChange={load}
          />
        ))
      )}
    </div>
  );
}
