import { useState } from 'preact/hooks';
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
import { useAction } from '../components/account/action';
import { Notice } from '../components/account/notice';
import { splitFieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { ConfirmAction, Field, formatDate, ProblemAlert, usePageTitle, useResource } from '../ui';

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
  const [result, setResult] = useState<KeyTestResult | null>(null);
  const action = useAction<'save' | 'test' | 'delete'>();
  const ids = { key: `${provider}-key`, label: `${provider}-label` };
  const { byField, other } = splitFieldErrors(action.problem, ['apiKey', 'label']);
  const busy = action.busy;

  function run(kind: 'save' | 'test' | 'delete', act: () => Promise<unknown>) {
    if (kind !== 'test') setResult(null);
    return action.run(kind, async () => {
      const note = await act();
      await onChange();
      return note;
    });
  }

  const lastTest =
    saved?.lastTestedAt == null
      ? t('keys.neverTested')
      : t(saved.lastTestOk ? 'keys.lastTestOk' : 'keys.lastTestFailed', {
          when: formatDate(saved.lastTestedAt, lang),
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
      {action.problem && <ProblemAlert problem={action.problem} other={other} />}
      <Notice>{action.message}</Notice>
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
            return t('keys.saved', { provider: name });
          });
        }}
      >
        <Field
          id={ids.key}
          kind="password"
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
          <ConfirmAction
            label={t('keys.delete')}
            question={t('keys.deleteQuestion', { provider: name })}
            confirmLabel={t('keys.delete')}
            danger={false}
            disabled={busy !== null}
            onConfirm={() =>
              void run('delete', async () => {
                await authed((token) => deleteKey(token, provider));
                return t('keys.deleted', { provider: name });
              })
            }
          />
        </p>
      )}
    </section>
  );
}

/** The user's own AI provider keys: add or replace, test, delete; only the last 4 are shown. */
export function KeysPage() {
  const { t } = useI18n();
  usePageTitle(t('area.keys'));
  const keys = useResource(() => authed(listKeys), []);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.keys')}</h1>
      <p class="muted">{t('keys.intro')}</p>
      {keys.problem && <ProblemAlert problem={keys.problem} other={[]} />}
      {keys.data === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        PROVIDERS.map((provider) => (
          <ProviderCard
            key={provider}
            provider={provider}
            saved={keys.data?.find((key) => key.provider === provider)}
            onChange={keys.reload}
          />
        ))
      )}
    </div>
  );
}
