import { useState } from 'preact/hooks';
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
import { asksForCode, useAction } from '../components/account/action';
import { Notice } from '../components/account/notice';
import { splitFieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { Link } from '../router';
import {
  ConfirmAction,
  DataTable,
  dateColumn,
  Field,
  formatDate,
  ProblemAlert,
  usePageTitle,
  useResource,
} from '../ui';

const EXPIRY_CHOICES = ['', '30', '90', '365'] as const;
type Expiry = (typeof EXPIRY_CHOICES)[number];

/** The new token, shown this once, with a copy button and the warning that goes with it. */
function NewToken({ created, onDone }: { created: CreatedApiToken; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <section class="card new-token" aria-labelledby="new-token-title">
      <h2 id="new-token-title">{t('tokens.created.title', { name: created.name })}</h2>
      <Notice>{t('tokens.created.warning')}</Notice>
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
  usePageTitle(t('area.apiTokens'));
  const tokens = useResource(() => authed(listTokens), []);
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsReauth, setNeedsReauth] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const action = useAction<'create' | 'revoke'>();
  const problem = action.problem ?? tokens.problem;
  const { byField, other } = splitFieldErrors(problem, ['name', 'expiresInDays']);

  function create() {
    void action.run('create', async () => {
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
      await tokens.reload();
    });
  }

  const when = (iso: string | null) => (iso === null ? t('tokens.never') : formatDate(iso, lang));
  const items = tokens.data?.items ?? [];
  const active = items.filter((item) => !item.expired).length;

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.apiTokens')}</h1>
      <p class="muted">{t('tokens.intro')}</p>
      {created && <NewToken created={created} onDone={() => setCreated(null)} />}
      <section class="card" aria-labelledby="token-create-title">
        <h2 id="token-create-title">{t('tokens.create.title')}</h2>
        {problem && <ProblemAlert problem={problem} other={other} />}
        {needsReauth && <Notice>{t('tokens.reauth')}</Notice>}
        <form
          class="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            create();
          }}
        >
          <Field
            id="name"
            label={t('tokens.name')}
            hint={t('tokens.nameHint')}
            value={name}
            onValue={setName}
            required
            maxLength={60}
            autocomplete="off"
            error={byField.name}
          />
          <Field<Expiry>
            id="expiresInDays"
            kind="select"
            label={t('tokens.expiry')}
            value={expiry}
            onValue={setExpiry}
            error={byField.expiresInDays}
            options={EXPIRY_CHOICES.map((choice) => ({
              value: choice,
              label: choice ? t('tokens.expiry.days', { days: choice }) : t('tokens.expiry.never'),
            }))}
          />
          {needsReauth && (
            <Field
              id="reauth-password"
              kind="password"
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
            disabled={action.busy !== null}
          >
            {action.busy === 'create' ? t('tokens.creating') : t('tokens.create')}
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="token-list-title">
        <h2 id="token-list-title">{t('tokens.list.title')}</h2>
        <Notice>{action.message}</Notice>
        {tokens.data === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : (
          <>
            {items.length > 0 && (
              <p class="muted">{t('tokens.list.count', { active, limit: tokens.data.limit })}</p>
            )}
            <DataTable
              caption={t('tokens.list.title')}
              hideCaption
              rows={items}
              rowKey={(item) => item.id}
              empty={t('tokens.list.empty')}
              columns={[
                {
                  key: 'name',
                  header: t('tokens.name'),
                  cell: (item) => item.name,
                  rowHeader: true,
                },
                {
                  key: 'prefix',
                  header: t('tokens.prefix'),
                  cell: (item) => <code>{item.prefix}…</code>,
                },
                dateColumn<ApiToken>('createdAt', t('tokens.createdAt'), when),
                dateColumn<ApiToken>('lastUsedAt', t('tokens.lastUsed'), when),
                {
                  key: 'expires',
                  header: t('tokens.expires'),
                  cell: (item) =>
                    item.expired ? (
                      <span class="badge badge-status-disabled">{t('tokens.expired')}</span>
                    ) : (
                      when(item.expiresAt)
                    ),
                },
              ]}
              actions={(item) => (
                <ConfirmAction
                  label={t('tokens.revoke')}
                  ariaLabel={t('tokens.revokeNamed', { name: item.name })}
                  question={t('tokens.revokeQuestion', { name: item.name })}
                  confirmLabel={t('tokens.revoke')}
                  disabled={action.busy !== null}
                  onConfirm={() =>
                    void action.run('revoke', async () => {
                      await authed((token) => revokeToken(token, item.id));
                      await tokens.reload();
                      return t('tokens.revoked', { name: item.name });
                    })
                  }
                />
              )}
            />
          </>
        )}
      </section>
      <Snippets />
    </div>
  );
}
