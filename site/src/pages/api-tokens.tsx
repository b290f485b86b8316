import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { factorFrom, reauthenticate } from '../api/security';
import {
  type ApiToken,
  type CreatedApiToken,
  createToken,
  listTokens,
  revokeToken,
} from '../api/tokens';
import { authed } from '../auth';
import { Field, ProblemAlert, splitFieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { Link } from '../router';

const EXPIRY_CHOICES = ['', '30', '90', '365'] as const;

/** Whether the API refused a re-authentication for want of a second factor. */
function asksForCode(error: unknown): boolean {
  return (
    error instanceof ApiProblem &&
    (error.problem.errors ?? []).some((issue) => issue.path === 'body.code')
  );
}

/** The new token, shown this once, with a copy button and the warning that goes with it. */
function NewToken({ created, onDone }: { created: CreatedApiToken; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <section class="card new-token" aria-labelledby="new-token-title">
      <h2 id="new-token-title">{t('tokens.created.title', { name: created.name })}</h2>
      <p class="alert alert-info" role="status">
        {t('tokens.created.warning')}
      </p>
      <div class="field">
        <label for="new-token-value">{t('tokens.created.label')}</label>
        <input
          id="new-token-value"
          type="text"
          class="secret"
          readOnly
          value={created.token}
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
      <p class="actions">
        <button
          type="button"
          class="button button-primary button-inline"
          onClick={() => {
            navigator.clipboard.writeText(created.token).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {t('tokens.created.copy')}
        </button>
        <button type="button" class="button" onClick={onDone}>
          {t('tokens.created.done')}
        </button>
      </p>
      {copied !== null && (
        <p class="muted" role="status">
          {copied ? t('tokens.created.copied') : t('tokens.created.copyFailed')}
        </p>
      )}
    </section>
  );
}

/** How to call /v1 with a token: curl and the official OpenAI SDK. */
function Snippets() {
  const { t } = useI18n();
  const base = `${location.origin}/v1`;
  const curl = `curl ${base}/chat/completions \\
  -H "Authorization: Bearer $WEBOX_API_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "offline/offline-brief", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const sdk = `import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: '${base}',
  apiKey: process.env.WEBOX_API_TOKEN,
});

const completion = await client.chat.completions.create({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(completion.choices[0].message.content);`;
  return (
    <section class="card" aria-labelledby="token-usage-title">
      <h2 id="token-usage-title">{t('tokens.howto.title')}</h2>
      <p>{t('tokens.howto.intro', { base })}</p>
      <h3>curl</h3>
      <pre class="snippet">
        <code>{curl}</code>
      </pre>
      <h3>{t('tokens.howto.sdk')}</h3>
      <pre class="snippet">
        <code>{sdk}</code>
      </pre>
      <p class="muted">
        {t('tokens.howto.models')} <Link href="/usage">{t('area.usage')}</Link>
      </p>
    </section>
  );
}

/** Personal API tokens for the OpenAI-compatible API: create (shown once), list, revoke. */
export function ApiTokensPage() {
  const { t, lang } = useI18n();
  const [tokens, setTokens] = useState<{ items: ApiToken[]; limit: number } | null>(null);
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<(typeof EXPIRY_CHOICES)[number]>('90');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsReauth, setNeedsReauth] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { byField, other } = splitFieldErrors(problem, ['name', 'expiresInDays']);

  useEffect(() => {
    document.title = `${t('area.apiTokens')} · WeBox`;
  }, [t]);

  async function load() {
    try {
      setTokens(await authed(listTokens));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    }
  }

  useEffect(() => {
    void load();
  }, []);

  async function run(kind: string, action: () => Promise<void>) {
    setBusy(kind);
    setProblem(null);
    setMessage(null);
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    } finally {
      setBusy(null);
    }
  }

  function create() {
    void run('create', async () => {
      const input = expiry
        ? { name: name.trim(), expiresInDays: Number(expiry) }
        : { name: name.trim() };
      if (needsReauth) {
        try {
          await authed((token) =>
            reauthenticate(token, needsCode ? { password, ...factorFrom(code) } : { password }),
          );
        } catch (error) {
          if (asksForCode(error)) setNeedsCode(true);
          throw error;
        }
      }
      let result: CreatedApiToken;
      try {
        result = await authed((token) => createToken(token, input));
      } catch (error) {
        if (error instanceof ApiProblem && error.problem.code === 'REAUTH_REQUIRED') {
          setNeedsReauth(true);
        }
        throw error;
      }
      setNeedsReauth(false);
      setPassword('');
      setCode('');
      setName('');
      setCreated(result);
      await load();
    });
  }

  const when = (iso: string | null) =>
    iso === null
      ? t('tokens.never')
      : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
          new Date(iso),
        );
  const active = tokens?.items.filter((item) => !item.expired).length ?? 0;

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.apiTokens')}</h1>
      <p class="muted">{t('tokens.intro')}</p>
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      <section class="card" aria-labelledby="token-create-title">
        <h2 id="token-create-title">{t('tokens.create.title')}</h2>
        {problem && <ProblemAlert problem={problem} other={other} />}
        {needsReauth && (
          <p class="alert alert-info" role="status">
            {t('tokens.reauth')}
          </p>
        )}
        <form
          class="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            create();
          }}
        >
          <Field
            id="name"
            type="text"
            label={t('tokens.name')}
            hint={t('tokens.nameHint')}
            value={name}
            onValue={setName}
            required
            maxLength={60}
            autocomplete="off"
            error={byField.name}
          />
          <div class="field">
            <label for="expiresInDays">{t('tokens.expiry')}</label>
            <select
              id="expiresInDays"
              value={expiry}
              onChange={(event) =>
                setExpiry(event.currentTarget.value as (typeof EXPIRY_CHOICES)[number])
              }
            >
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice ? t('tokens.expiry.days', { days: choice }) : t('tokens.expiry.never')}
                </option>
              ))}
            </select>
          </div>
          {needsReauth && (
            <Field
              id="reauth-password"
              type="password"
              label={t('password.current')}
              value={password}
              onValue={setPassword}
              autocomplete="current-password"
              required
            />
          )}
          {needsReauth && needsCode && (
            <Field
              id="reauth-code"
              type="text"
              label={t('auth.twoFactor.code')}
              value={code}
              onValue={setCode}
              autocomplete="one-time-code"
              maxLength={20}
              required
            />
          )}
          <button
            type="submit"
            class="button button-primary button-inline"
            disabled={busy !== null}
          >
            {busy === 'create' ? t('tokens.creating') : t('tokens.create')}
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="token-list-title">
        <h2 id="token-list-title">{t('tokens.list.title')}</h2>
        {message && (
          <p class="alert alert-info" role="status">
            {message}
          </p>
        )}
        {tokens === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : tokens.items.length === 0 ? (
          <p class="muted">{t('tokens.list.empty')}</p>
        ) : (
          <>
            <p class="muted">{t('tokens.list.count', { active, limit: tokens.limit })}</p>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('tokens.name')}</th>
                    <th scope="col">{t('tokens.prefix')}</th>
                    <th scope="col">{t('tokens.createdAt')}</th>
                    <th scope="col">{t('tokens.lastUsed')}</th>
                    <th scope="col">{t('tokens.expires')}</th>
                    <th scope="col">{t('tokens.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.items.map((item) => (
                    <tr key={item.id}>
                      <td>{item.name}</td>
                      <td>
                        <code>{item.prefix}…</code>
                      </td>
                      <td>{when(item.createdAt)}</td>
                      <td>{when(item.lastUsedAt)}</td>
                      <td>
                        {item.expired ? (
                          <span class="badge badge-status-disabled">{t('tokens.expired')}</span>
                        ) : (
                          when(item.expiresAt)
                        )}
                      </td>
                      <td>
                        <button
                          type="button"
                          class="button button-danger"
                          disabled={busy !== null}
                          aria-label={t('tokens.revokeNamed', { name: item.name })}
                          onClick={() =>
                            void run(`revoke:${item.id}`, async () => {
                              await authed((token) => revokeToken(token, item.id));
                              setMessage(t('tokens.revoked', { name: item.name }));
                              await load();
                            })
                          }
                        >
                          {t('tokens.revoke')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      <Snippets />
    </div>
  );
}
