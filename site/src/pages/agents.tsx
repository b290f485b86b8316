import { useState } from 'preact/hooks';
import {
  type Agent,
  type AgentInput,
  type AgentSummary,
  addSharedAgent,
  createAgent,
  deleteAgent,
  duplicateAgent,
  getAgent,
  getSharedAgent,
  listAgents,
  type SharedAgent,
  shareAgent,
  unshareAgent,
  updateAgent,
} from '../api/agents';
import type { ApiProblem } from '../api/client';
import { listModels } from '../api/models';
import { authed } from '../auth';
import { splitFieldErrors } from '../components/form';
import {
  EditorCard,
  LibraryNotices,
  LibraryTextArea,
  useLibraryActions,
  useSave,
} from '../components/library/library';
import { useI18n } from '../i18n';
import { navigate, useLocation } from '../router';
import { attempt, ConfirmAction, Field, usePageTitle, useResource } from '../ui';

const FIELDS = [
  'name',
  'description',
  'systemPrompt',
  'knowledge',
  'icon',
  'temperature',
  'defaultModel',
] as const;

const gridStyle = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(17rem, 1fr))',
  gap: '1rem',
} as const;

const preStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;

const EMPTY: AgentInput = {
  name: '',
  description: '',
  systemPrompt: '',
  knowledge: '',
  icon: '🤖',
  temperature: null,
  defaultModel: null,
};

/** Creates an agent (no `agent`) or edits one; calls `onSaved` with the stored agent. */
function AgentForm({
  agent,
  onSaved,
  onCancel,
}: {
  agent: Agent | null;
  onSaved(agent: Agent): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const start = agent ?? EMPTY;
  const [name, setName] = useState(start.name);
  const [description, setDescription] = useState(start.description);
  const [systemPrompt, setSystemPrompt] = useState(start.systemPrompt);
  const [knowledge, setKnowledge] = useState(start.knowledge);
  const [icon, setIcon] = useState(start.icon);
  const [temperature, setTemperature] = useState(
    start.temperature === null ? '' : String(start.temperature),
  );
  const [defaultModel, setDefaultModel] = useState(start.defaultModel ?? '');
  const { pending, problem, submit } = useSave();
  // Without the registry the field stays a text input; the server still checks the slug.
  const models = useResource(() => authed(listModels), []).data;
  const { byField, other } = splitFieldErrors(problem, FIELDS);
  const prefix = agent ? `agent-${agent.id}` : 'agent-new';

  const modelChoices = (models ?? []).map((model) => ({
    slug: model.slug,
    label: model.displayName,
  }));
  // A model disabled since it was chosen stays selectable, so saving does not drop it silently.
  if (start.defaultModel && !modelChoices.some((choice) => choice.slug === start.defaultModel)) {
    modelChoices.push({ slug: start.defaultModel, label: start.defaultModel });
  }
  const title = agent
    ? t('agents.form.editTitle', { name: agent.name })
    : t('agents.form.newTitle');

  function save() {
    const input: AgentInput = {
      name,
      description,
      systemPrompt,
      knowledge,
      icon,
      temperature: temperature.trim() === '' ? null : Number(temperature),
      defaultModel: defaultModel.trim() === '' ? null : defaultModel.trim(),
    };
    return submit(async () =>
      onSaved(
        await authed((token) =>
          agent ? updateAgent(token, agent.id, input) : createAgent(token, input),
        ),
      ),
    );
  }

  return (
    <EditorCard
      prefix={prefix}
      title={title}
      problem={problem}
      other={other}
      pending={pending}
      save={t('agents.form.save')}
      saving={t('agents.form.saving')}
      cancel={t('agents.form.cancel')}
      onSubmit={save}
      onCancel={onCancel}
    >
      <div class="toolbar">
        <Field
          id={`${prefix}-icon`}
          label={t('agents.form.icon')}
          value={icon}
          onValue={setIcon}
          maxLength={16}
          required
          error={byField.icon}
        />
        <Field
          id={`${prefix}-name`}
          label={t('agents.form.name')}
          value={name}
          onValue={setName}
          maxLength={80}
          required
          error={byField.name}
        />
      </div>
      <Field
        id={`${prefix}-description`}
        label={t('agents.form.description')}
        value={description}
        onValue={setDescription}
        maxLength={500}
        error={byField.description}
      />
      <LibraryTextArea
        id={`${prefix}-prompt`}
        label={t('agents.form.systemPrompt')}
        hint={t('agents.form.systemPromptHint')}
        value={systemPrompt}
        onValue={setSystemPrompt}
        rows={8}
        maxLength={20_000}
        required
        error={byField.systemPrompt}
      />
      <LibraryTextArea
        id={`${prefix}-knowledge`}
        label={t('agents.form.knowledge')}
        hint={t('agents.form.knowledgeHint')}
        value={knowledge}
        onValue={setKnowledge}
        rows={4}
        maxLength={100_000}
        error={byField.knowledge}
      />
      <div class="toolbar">
        <Field
          kind="number"
          id={`${prefix}-temperature`}
          label={t('agents.form.temperature')}
          hint={t('agents.form.temperatureHint')}
          min={0}
          max={2}
          step={0.1}
          value={temperature}
          onValue={setTemperature}
          error={byField.temperature}
        />
        {models ? (
          <Field
            kind="select"
            id={`${prefix}-model`}
            label={t('agents.form.model')}
            value={defaultModel}
            options={[
              { value: '', label: t('agents.form.modelInChat') },
              ...modelChoices.map((choice) => ({ value: choice.slug, label: choice.label })),
            ]}
            onValue={setDefaultModel}
            error={byField.defaultModel}
          />
        ) : (
          <Field
            id={`${prefix}-model`}
            label={t('agents.form.model')}
            hint={t('agents.form.modelHint')}
            value={defaultModel}
            onValue={setDefaultModel}
            maxLength={200}
            error={byField.defaultModel}
          />
        )}
      </div>
    </EditorCard>
  );
}

/** The read-only view of an agent someone shared, with a button to copy it. */
function SharedView({ token, onAdded }: { token: string; onAdded(agent: Agent): void }) {
  const { t } = useI18n();
  const resource = useResource(() => authed((auth) => getSharedAgent(auth, token)), [token]);
  const [addProblem, setAddProblem] = useState<ApiProblem | null>(null);
  const [pending, setPending] = useState(false);
  const problem = resource.problem ?? addProblem;
  const shared: SharedAgent | null = resource.loading ? null : resource.data;

  if (problem) {
    return (
      <section class="card" aria-labelledby="shared-title">
        <h2 id="shared-title">{t('agents.shared.title')}</h2>
        <p class="alert alert-error" role="alert">
          {problem.status === 404
            ? t('agents.shared.gone')
            : (problem.problem.detail ?? problem.message)}
        </p>
        <button type="button" class="button" onClick={() => navigate('/agents')}>
          {t('agents.shared.close')}
        </button>
      </section>
    );
  }
  if (!shared) return <p role="status">{t('app.loading')}</p>;
  return (
    <section class="card" aria-labelledby="shared-title">
      <p class="muted">{t('agents.shared.title')}</p>
      <h2 id="shared-title">
        <span aria-hidden="true">{shared.icon}</span> {shared.name}
      </h2>
      {shared.description && <p>{shared.description}</p>}
      <dl class="facts">
        <div>
          <dt>{t('agents.form.model')}</dt>
          <dd>{shared.defaultModel ?? t('agents.modelDefault')}</dd>
        </div>
        <div>
          <dt>{t('agents.form.temperature')}</dt>
          <dd>{shared.temperature ?? t('agents.modelDefault')}</dd>
        </div>
      </dl>
      <h3>{t('agents.form.systemPrompt')}</h3>
      <pre style={preStyle}>{shared.systemPrompt}</pre>
      {shared.knowledge && (
        <details>
          <summary>{t('agents.form.knowledge')}</summary>
          <pre style={preStyle}>{shared.knowledge}</pre>
        </details>
      )}
      <p class="actions">
        <button
          type="button"
          class="button"
          disabled={pending}
          onClick={async () => {
            setPending(true);
            await attempt(async () => {
              onAdded(await authed((auth) => addSharedAgent(auth, token)));
            }, setAddProblem);
            setPending(false);
          }}
        >
          {t('agents.shared.add')}
        </button>
        <button type="button" class="button" onClick={() => navigate('/agents')}>
          {t('agents.shared.close')}
        </button>
      </p>
    </section>
  );
}

/** The share link of an agent, with copy and revoke. */
function ShareBox({
  agent,
  url,
  onRevoked,
}: {
  agent: AgentSummary;
  url: string;
  onRevoked(): void;
}) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const inputId = `share-${agent.id}`;
  return (
    <div>
      <div class="field">
        <label for={inputId}>{t('agents.share.link')}</label>
        <input
          id={inputId}
          type="text"
          readOnly
          value={url}
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
      <p class="actions">
        <button
          type="button"
          class="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(url);
              setCopied('yes');
            } catch {
              setCopied('failed');
            }
          }}
        >
          {t('agents.share.copy')}
        </button>
        <button type="button" class="button" onClick={onRevoked}>
          {t('agents.share.revoke')}
        </button>
      </p>
      {copied && (
        <p class="muted" role="status">
          {copied === 'yes' ? t('agents.share.copied') : t('agents.share.copyFailed')}
        </p>
      )}
    </div>
  );
}

type AgentAction = 'chat' | 'edit' | 'duplicate' | 'share' | 'unshare' | 'delete';

function AgentCard({
  agent,
  busy,
  shareUrl,
  onAction,
}: {
  agent: AgentSummary;
  busy: boolean;
  shareUrl: string | null;
  onAction(action: AgentAction): void;
}) {
  const { t } = useI18n();
  const titleId = `agent-title-${agent.id}`;
  return (
    <article class="card" aria-labelledby={titleId} style={{ margin: 0 }}>
      <h3 id={titleId} style={{ marginTop: 0 }}>
        <span aria-hidden="true">{agent.icon}</span> {agent.name}
      </h3>
      <p class="actions">
        {agent.builtin && <span class="badge">{t('agents.badge.builtin')}</span>}
        {agent.shared && <span class="badge badge-on">{t('agents.badge.shared')}</span>}
        {agent.defaultModel && <span class="badge">{agent.defaultModel}</span>}
      </p>
      {agent.description && <p class="muted">{agent.description}</p>}
      <p class="actions">
        <button type="button" class="button" onClick={() => onAction('chat')}>
          {t('agents.action.chat')}
        </button>
        {!agent.builtin && (
          <button type="button" class="button" disabled={busy} onClick={() => onAction('edit')}>
            {t('agents.action.edit')}
          </button>
        )}
        <button type="button" class="button" disabled={busy} onClick={() => onAction('duplicate')}>
          {t('agents.action.duplicate')}
        </button>
        {!agent.builtin && !shareUrl && (
          <button type="button" class="button" disabled={busy} onClick={() => onAction('share')}>
            {agent.shared ? t('agents.action.showLink') : t('agents.action.share')}
          </button>
        )}
        {!agent.builtin && (
          <ConfirmAction
            label={t('agents.action.delete')}
            question={t('agents.delete.confirm', { name: agent.name })}
            confirmLabel={t('agents.delete.yes')}
            disabled={busy}
            onConfirm={() => onAction('delete')}
          />
        )}
      </p>
      {shareUrl && <ShareBox agent={agent} url={shareUrl} onRevoked={() => onAction('unshare')} />}
    </article>
  );
}

/** Agents: the built-in specialists and the user's own, with create, edit, copy and share. */
export function AgentsPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const sharedToken = new URLSearchParams(search).get('shared');
  usePageTitle(t('area.agents'));
  const { busy, problem, message, setMessage, run: runAction } = useLibraryActions();
  const listed = useResource(() => authed(listAgents), []);
  const agents = listed.data;
  const load = listed.reload;
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const [shareUrls, setShareUrls] = useState<Record<string, string>>({});
  const run = (agent: AgentSummary, action: () => Promise<void>) => runAction(agent.id, action);

  function onAction(agent: AgentSummary, action: AgentAction) {
    switch (action) {
      case 'chat':
        navigate(`/chat?agent=${encodeURIComponent(agent.id)}`);
        return;
      case 'edit':
        void run(agent, async () => {
          setEditing(await authed((token) => getAgent(token, agent.id)));
        });
        return;
      case 'duplicate':
        void run(agent, async () => {
          const copy = await authed((token) => duplicateAgent(token, agent.id));
          setMessage(t('agents.duplicated', { name: copy.name }));
          await load();
        });
        return;
      case 'share':
        void run(agent, async () => {
          const link = await authed((token) => shareAgent(token, agent.id));
          setShareUrls((urls) => ({ ...urls, [agent.id]: link.shareUrl }));
          await load();
        });
        return;
      case 'unshare':
        void run(agent, async () => {
          await authed((token) => unshareAgent(token, agent.id));
          setShareUrls((urls) => {
            const rest = { ...urls };
            delete rest[agent.id];
            return rest;
          });
          setMessage(t('agents.share.revoked', { name: agent.name }));
          await load();
        });
        return;
      case 'delete':
        void run(agent, async () => {
          await authed((token) => deleteAgent(token, agent.id));
          setMessage(t('agents.deleted', { name: agent.name }));
          await load();
        });
        return;
    }
  }

  const builtins = agents?.filter((agent) => agent.builtin) ?? [];
  const own = agents?.filter((agent) => !agent.builtin) ?? [];
  const card = (agent: AgentSummary) => (
    <AgentCard
      key={agent.id}
      agent={agent}
      busy={busy === agent.id}
      shareUrl={shareUrls[agent.id] ?? null}
      onAction={(action) => onAction(agent, action)}
    />
  );

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.agents')}</h1>
      <p class="muted">{t('agents.intro')}</p>
      {sharedToken && (
        <SharedView
          token={sharedToken}
          onAdded={(agent) => {
            navigate('/agents');
            setMessage(t('agents.shared.added', { name: agent.name }));
            void load();
          }}
        />
      )}
      <LibraryNotices problem={problem ?? listed.problem} message={message} />
      {editing ? (
        <AgentForm
          key={editing === 'new' ? 'new' : editing.id}
          agent={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setMessage(t('agents.saved', { name: saved.name }));
            void load();
          }}
        />
      ) : (
        <p class="actions">
          <button type="button" class="button" onClick={() => setEditing('new')}>
            {t('agents.new')}
          </button>
        </p>
      )}
      {agents === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <section aria-labelledby="own-agents">
            <h2 id="own-agents">{t('agents.own')}</h2>
            {own.length === 0 ? (
              <p class="muted">{t('agents.ownEmpty')}</p>
            ) : (
              <div style={gridStyle}>{own.map(card)}</div>
            )}
          </section>
          <section aria-labelledby="builtin-agents">
            <h2 id="builtin-agents">{t('agents.builtins')}</h2>
            <div style={gridStyle}>{builtins.map(card)}</div>
          </section>
        </>
      )}
    </div>
  );
}
