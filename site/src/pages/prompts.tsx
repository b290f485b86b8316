import { useEffect, useRef, useState } from 'preact/hooks';
import type { User } from '../api/client';
import { ApiProblem } from '../api/client';
import {
  createPrompt,
  deletePrompt,
  extractVariables,
  fillPrompt,
  handToChat,
  listCategories,
  listPrompts,
  type Prompt,
  type PromptCategory,
  type PromptFilters,
  type PromptInput,
  setFavorite,
  updatePrompt,
} from '../api/prompts';
import { authed } from '../auth';
import { Field, ProblemAlert, splitFieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { navigate } from '../router';

const FIELDS = ['title', 'body', 'category', 'tags', 'isPublic'] as const;
/** How long typing in the search box waits before asking the server. */
const SEARCH_DELAY_MS = 250;
const PREVIEW_CHARS = 280;

const textareaStyle = {
  width: '100%',
  padding: '0.5rem 0.75rem',
  border: '1px solid var(--border)',
  borderRadius: '8px',
  background: 'var(--bg)',
  color: 'var(--text)',
  font: 'inherit',
  resize: 'vertical',
} as const;

const preStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', font: 'inherit' } as const;

/** Runs an API call, keeping a problem for display; a 401 has already sent the user to log in. */
async function attempt(action: () => Promise<void>, onProblem: (problem: ApiProblem) => void) {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.status !== 401) onProblem(error);
  }
}

/** "a, b ,, c" → ["a", "b", "c"]. */
function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** Creates a prompt (no `prompt`) or edits one. */
function PromptForm({
  prompt,
  isAdmin,
  onSaved,
  onCancel,
}: {
  prompt: Prompt | null;
  isAdmin: boolean;
  onSaved(prompt: Prompt): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [title, setTitle] = useState(prompt?.title ?? '');
  const [body, setBody] = useState(prompt?.body ?? '');
  const [category, setCategory] = useState(prompt?.category ?? '');
  const [tags, setTags] = useState(prompt?.tags.join(', ') ?? '');
  const [isPublic, setIsPublic] = useState(prompt?.isPublic ?? false);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const { byField, other } = splitFieldErrors(problem, FIELDS);
  const prefix = prompt ? `prompt-${prompt.id}` : 'prompt-new';
  const variables = extractVariables(body);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    const input: PromptInput = { title, body, tags: parseTags(tags) };
    if (category.trim()) input.category = category.trim();
    if (isAdmin) input.isPublic = isPublic;
    await attempt(async () => {
      onSaved(
        await authed((token) =>
          prompt ? updatePrompt(token, prompt.id, input) : createPrompt(token, input),
        ),
      );
    }, setProblem);
    setPending(false);
  }

  return (
    <section class="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>
        {prompt ? t('prompts.form.editTitle', { title: prompt.title }) : t('prompts.form.newTitle')}
      </h2>
      {problem && <ProblemAlert problem={problem} other={other} />}
      <form onSubmit={onSubmit}>
        <Field
          id={`${prefix}-name`}
          type="text"
          label={t('prompts.form.title')}
          value={title}
          onValue={setTitle}
          maxLength={120}
          required
          error={byField.title}
        />
        <div class="field">
          <label for={`${prefix}-body`}>{t('prompts.form.body')}</label>
          <textarea
            id={`${prefix}-body`}
            rows={8}
            maxLength={20_000}
            required
            value={body}
            style={textareaStyle}
            aria-invalid={byField.body ? true : undefined}
            aria-describedby={`${prefix}-body-hint`}
            onInput={(event) => setBody(event.currentTarget.value)}
          />
          <p class="field-hint" id={`${prefix}-body-hint`}>
            {t('prompts.form.bodyHint')}{' '}
            {variables.length > 0 && t('prompts.variables', { names: variables.join(', ') })}
          </p>
          {byField.body && <p class="field-error">{byField.body}</p>}
        </div>
        <div class="toolbar">
          <Field
            id={`${prefix}-category`}
            type="text"
            label={t('prompts.form.category')}
            hint={t('prompts.form.categoryHint')}
            value={category}
            onValue={setCategory}
            maxLength={40}
            error={byField.category}
          />
          <Field
            id={`${prefix}-tags`}
            type="text"
            label={t('prompts.form.tags')}
            hint={t('prompts.form.tagsHint')}
            value={tags}
            onValue={setTags}
            error={byField.tags}
          />
        </div>
        {isAdmin && (
          <div class="field-check" style={{ marginBottom: '1rem' }}>
            <input
              id={`${prefix}-public`}
              type="checkbox"
              checked={isPublic}
              onChange={(event) => setIsPublic(event.currentTarget.checked)}
            />
            <label for={`${prefix}-public`}>{t('prompts.form.public')}</label>
          </div>
        )}
        <p class="actions">
          <button type="submit" class="button" disabled={pending}>
            {pending ? t('prompts.form.saving') : t('prompts.form.save')}
          </button>
          <button type="button" class="button" onClick={onCancel}>
            {t('prompts.form.cancel')}
          </button>
        </p>
      </form>
    </section>
  );
}

/** One field per variable; submitting fills the prompt and opens the chat with it. */
function UseForm({ prompt, onCancel }: { prompt: Prompt; onCancel(): void }) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(prompt.variables.map((name) => [name, ''])),
  );
  const headingId = `use-${prompt.id}`;
  return (
    <form
      aria-labelledby={headingId}
      onSubmit={(event) => {
        event.preventDefault();
        handToChat(fillPrompt(prompt.body, values));
        navigate('/chat');
      }}
    >
      <h4 id={headingId}>{t('prompts.use.title')}</h4>
      {prompt.variables.map((name, index) => (
        <Field
          key={name}
          id={`use-${prompt.id}-${index}`}
          type="text"
          label={name}
          value={values[name] ?? ''}
          onValue={(value) => setValues((previous) => ({ ...previous, [name]: value }))}
          required
        />
      ))}
      <p class="actions">
        <button type="submit" class="button">
          {t('prompts.use.start')}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          {t('prompts.form.cancel')}
        </button>
      </p>
    </form>
  );
}

function PromptCard({
  prompt,
  busy,
  using,
  confirming,
  onAction,
  onTag,
}: {
  prompt: Prompt;
  busy: boolean;
  using: boolean;
  confirming: boolean;
  onAction(action: 'use' | 'stopUsing' | 'favorite' | 'edit' | 'ask' | 'keep' | 'delete'): void;
  onTag(tag: string): void;
}) {
  const { t } = useI18n();
  const titleId = `prompt-title-${prompt.id}`;
  const preview =
    prompt.body.length > PREVIEW_CHARS ? `${prompt.body.slice(0, PREVIEW_CHARS)}…` : prompt.body;
  return (
    <article class="card" aria-labelledby={titleId}>
      <div class="key-head">
        <h3 id={titleId} style={{ margin: 0 }}>
          {prompt.title}
        </h3>
        <button
          type="button"
          class="icon-button"
          aria-pressed={prompt.favorite}
          aria-label={t('prompts.favorite', { title: prompt.title })}
          title={t('prompts.favorite', { title: prompt.title })}
          disabled={busy}
          onClick={() => onAction('favorite')}
        >
          <span aria-hidden="true">{prompt.favorite ? '★' : '☆'}</span>
        </button>
      </div>
      <p class="actions">
        {prompt.isPublic && <span class="badge badge-on">{t('prompts.badge.public')}</span>}
        <span class="badge">{prompt.category}</span>
        {prompt.tags.map((tag) => (
          <button
            key={tag}
            type="button"
            class="link-button"
            aria-label={t('prompts.filterTag', { tag })}
            onClick={() => onTag(tag)}
          >
            #{tag}
          </button>
        ))}
      </p>
      <pre style={preStyle}>{preview}</pre>
      {prompt.variables.length > 0 && (
        <p class="muted">{t('prompts.variables', { names: prompt.variables.join(', ') })}</p>
      )}
      {using ? (
        <UseForm prompt={prompt} onCancel={() => onAction('stopUsing')} />
      ) : (
        <p class="actions">
          <button type="button" class="button" onClick={() => onAction('use')}>
            {t('prompts.action.use')}
          </button>
          {prompt.canEdit && (
            <button type="button" class="button" disabled={busy} onClick={() => onAction('edit')}>
              {t('prompts.action.edit')}
            </button>
          )}
          {prompt.canEdit && !confirming && (
            <button type="button" class="button" disabled={busy} onClick={() => onAction('ask')}>
              {t('prompts.action.delete')}
            </button>
          )}
        </p>
      )}
      {confirming && (
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>{t('prompts.delete.confirm', { title: prompt.title })}</legend>
          <p class="actions">
            <button
              type="button"
              class="button button-danger"
              disabled={busy}
              onClick={() => onAction('delete')}
            >
              {t('prompts.delete.yes')}
            </button>
            <button type="button" class="button" onClick={() => onAction('keep')}>
              {t('prompts.form.cancel')}
            </button>
          </p>
        </fieldset>
      )}
    </article>
  );
}

/** The prompt library: search, filters, favourites, create and edit, and "Use" into the chat. */
export function PromptsPage({ user }: { user: User }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<PromptFilters>({ scope: 'all' });
  const [items, setItems] = useState<Prompt[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [categories, setCategories] = useState<PromptCategory[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [editing, setEditing] = useState<Prompt | 'new' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [using, setUsing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    document.title = `${t('area.prompts')} · WeBox`;
  }, [t]);

  /** Reloads the first page; an older request finishing late never overwrites a newer one. */
  async function load(current: PromptFilters = filters) {
    const request = ++latest.current;
    await attempt(async () => {
      const [page, cats] = await Promise.all([
        authed((token) => listPrompts(token, current)),
        authed(listCategories),
      ]);
      if (request !== latest.current) return;
      setItems(page.items);
      setNextCursor(page.nextCursor);
      setCategories(cats);
    }, setProblem);
  }

  useEffect(() => {
    void load(filters);
  }, [filters]);

  useEffect(() => {
    const timer = setTimeout(() => {
      setFilters((previous) =>
        (previous.q ?? '') === query.trim()
          ? previous
          : { ...previous, q: query.trim() || undefined },
      );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);

  async function loadMore() {
    if (!nextCursor) return;
    await attempt(async () => {
      const page = await authed((token) => listPrompts(token, { ...filters, cursor: nextCursor }));
      setItems((previous) => [...(previous ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    }, setProblem);
  }

  function onAction(
    prompt: Prompt,
    action: 'use' | 'stopUsing' | 'favorite' | 'edit' | 'ask' | 'keep' | 'delete',
  ) {
    const run = async (work: () => Promise<void>) => {
      setBusy(prompt.id);
      setProblem(null);
      setMessage(null);
      await attempt(work, setProblem);
      setBusy(null);
    };
    switch (action) {
      case 'use':
        if (prompt.variables.length === 0) {
          handToChat(prompt.body);
          navigate('/chat');
        } else {
          setUsing(prompt.id);
        }
        return;
      case 'stopUsing':
        setUsing(null);
        return;
      case 'edit':
        setEditing(prompt);
        return;
      case 'ask':
        setConfirming(prompt.id);
        return;
      case 'keep':
        setConfirming(null);
        return;
      case 'favorite':
        void run(async () => {
          await authed((token) => setFavorite(token, prompt.id, !prompt.favorite));
          setItems(
            (previous) =>
              previous?.map((item) =>
                item.id === prompt.id ? { ...item, favorite: !prompt.favorite } : item,
              ) ?? null,
          );
        });
        return;
      case 'delete':
        void run(async () => {
          await authed((token) => deletePrompt(token, prompt.id));
          setConfirming(null);
          setMessage(t('prompts.deleted', { title: prompt.title }));
          await load();
        });
        return;
    }
  }

  const hasFilters = Boolean(
    filters.q || filters.category || filters.tag || filters.favorites || filters.scope !== 'all',
  );

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.prompts')}</h1>
      <p class="muted">{t('prompts.intro')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
      {editing ? (
        <PromptForm
          key={editing === 'new' ? 'new' : editing.id}
          prompt={editing === 'new' ? null : editing}
          isAdmin={user.role === 'admin'}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setMessage(t('prompts.saved', { title: saved.title }));
            void load();
          }}
        />
      ) : (
        <p class="actions">
          <button type="button" class="button" onClick={() => setEditing('new')}>
            {t('prompts.new')}
          </button>
        </p>
      )}
      <search>
        <form
          class="toolbar card"
          aria-label={t('prompts.filters')}
          onSubmit={(event) => event.preventDefault()}
        >
          <Field
            id="prompt-search"
            type="text"
            label={t('prompts.search')}
            value={query}
            onValue={setQuery}
            maxLength={200}
          />
          <div class="field">
            <label for="prompt-category">{t('prompts.category')}</label>
            <select
              id="prompt-category"
              value={filters.category ?? ''}
              onChange={(event) =>
                setFilters({ ...filters, category: event.currentTarget.value || undefined })
              }
            >
              <option value="">{t('prompts.allCategories')}</option>
              {categories.map((item) => (
                <option key={item.category} value={item.category}>
                  {item.category} ({item.count})
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="prompt-scope">{t('prompts.scope')}</label>
            <select
              id="prompt-scope"
              value={filters.scope ?? 'all'}
              onChange={(event) => {
                const scope = event.currentTarget.value;
                if (scope === 'all' || scope === 'mine' || scope === 'public') {
                  setFilters({ ...filters, scope });
                }
              }}
            >
              <option value="all">{t('prompts.scope.all')}</option>
              <option value="mine">{t('prompts.scope.mine')}</option>
              <option value="public">{t('prompts.scope.public')}</option>
            </select>
          </div>
          <div class="field-check" style={{ marginBottom: '1rem' }}>
            <input
              id="prompt-favorites"
              type="checkbox"
              checked={filters.favorites ?? false}
              onChange={(event) =>
                setFilters({ ...filters, favorites: event.currentTarget.checked || undefined })
              }
            />
            <label for="prompt-favorites">{t('prompts.favoritesOnly')}</label>
          </div>
          {filters.tag && (
            <button
              type="button"
              class="button"
              onClick={() => setFilters({ ...filters, tag: undefined })}
            >
              {t('prompts.clearTag', { tag: filters.tag })}
            </button>
          )}
        </form>
      </search>
      {items === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p class="muted" role="status">
          {hasFilters ? t('prompts.noMatch') : t('prompts.empty')}
        </p>
      ) : (
        <section aria-label={t('prompts.list')}>
          {items.map((prompt) => (
            <PromptCard
              key={prompt.id}
              prompt={prompt}
              busy={busy === prompt.id}
              using={using === prompt.id}
              confirming={confirming === prompt.id}
              onAction={(action) => onAction(prompt, action)}
              onTag={(tag) => setFilters({ ...filters, tag })}
            />
          ))}
          {nextCursor && (
            <p class="pager">
              <button type="button" class="button" onClick={() => void loadMore()}>
                {t('prompts.more')}
              </button>
            </p>
          )}
        </section>
      )}
    </div>
  );
}
