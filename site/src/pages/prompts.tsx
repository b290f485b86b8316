import { useState } from 'preact/hooks';
import type { User } from '../api/client';
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
import { splitFieldErrors } from '../components/form';
import {
  EditorCard,
  LibraryNotices,
  LibraryTextArea,
  PagedSection,
  useLibraryActions,
  usePagedList,
  useSave,
  useSearchFilter,
} from '../components/library/library';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { ConfirmAction, Field, usePageTitle } from '../ui';

const FIELDS = ['title', 'body', 'category', 'tags', 'isPublic'] as const;
const PREVIEW_CHARS = 280;

const preStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', font: 'inherit' } as const;

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
  const { pending, problem, submit } = useSave();
  const { byField, other } = splitFieldErrors(problem, FIELDS);
  const prefix = prompt ? `prompt-${prompt.id}` : 'prompt-new';
  const variables = extractVariables(body);

  function save() {
    const input: PromptInput = { title, body, tags: parseTags(tags) };
    if (category.trim()) input.category = category.trim();
    if (isAdmin) input.isPublic = isPublic;
    return submit(async () =>
      onSaved(
        await authed((token) =>
          prompt ? updatePrompt(token, prompt.id, input) : createPrompt(token, input),
        ),
      ),
    );
  }

  return (
    <EditorCard
      prefix={prefix}
      title={
        prompt ? t('prompts.form.editTitle', { title: prompt.title }) : t('prompts.form.newTitle')
      }
      problem={problem}
      other={other}
      pending={pending}
      save={t('prompts.form.save')}
      saving={t('prompts.form.saving')}
      cancel={t('prompts.form.cancel')}
      onSubmit={save}
      onCancel={onCancel}
    >
      <Field
        id={`${prefix}-name`}
        label={t('prompts.form.title')}
        value={title}
        onValue={setTitle}
        maxLength={120}
        required
        error={byField.title}
      />
      <LibraryTextArea
        id={`${prefix}-body`}
        label={t('prompts.form.body')}
        rows={8}
        maxLength={20_000}
        required
        value={body}
        onValue={setBody}
        error={byField.body}
        hint={
          <>
            {t('prompts.form.bodyHint')}{' '}
            {variables.length > 0 && t('prompts.variables', { names: variables.join(', ') })}
          </>
        }
      />
      <div class="toolbar">
        <Field
          id={`${prefix}-category`}
          label={t('prompts.form.category')}
          hint={t('prompts.form.categoryHint')}
          value={category}
          onValue={setCategory}
          maxLength={40}
          error={byField.category}
        />
        <Field
          id={`${prefix}-tags`}
          label={t('prompts.form.tags')}
          hint={t('prompts.form.tagsHint')}
          value={tags}
          onValue={setTags}
          error={byField.tags}
        />
      </div>
      {isAdmin && (
        <Field
          kind="checkbox"
          id={`${prefix}-public`}
          label={t('prompts.form.public')}
          checked={isPublic}
          onChecked={setIsPublic}
        />
      )}
    </EditorCard>
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

type PromptAction = 'use' | 'stopUsing' | 'favorite' | 'edit' | 'delete';

function PromptCard({
  prompt,
  busy,
  using,
  onAction,
  onTag,
}: {
  prompt: Prompt;
  busy: boolean;
  using: boolean;
  onAction(action: PromptAction): void;
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
          {prompt.canEdit && (
            <ConfirmAction
              label={t('prompts.action.delete')}
              question={t('prompts.delete.confirm', { title: prompt.title })}
              confirmLabel={t('prompts.delete.yes')}
              disabled={busy}
              onConfirm={() => onAction('delete')}
            />
          )}
        </p>
      )}
    </article>
  );
}

/** The prompt library: search, filters, favourites, create and edit, and "Use" into the chat. */
export function PromptsPage({ user }: { user: User }) {
  const { t } = useI18n();
  usePageTitle(t('area.prompts'));
  const { query, setQuery, filters, setFilters } = useSearchFilter<PromptFilters>({
    scope: 'all',
  });
  const [categories, setCategories] = useState<PromptCategory[]>([]);
  const { busy, problem, setProblem, message, setMessage, run } = useLibraryActions();
  const [editing, setEditing] = useState<Prompt | 'new' | null>(null);
  const [using, setUsing] = useState<string | null>(null);
  const list = usePagedList(
    async (cursor) => {
      if (cursor) return authed((token) => listPrompts(token, { ...filters, cursor }));
      const [page, cats] = await Promise.all([
        authed((token) => listPrompts(token, filters)),
        authed(listCategories),
      ]);
      setCategories(cats);
      return page;
    },
    [filters],
    setProblem,
  );

  function onAction(prompt: Prompt, action: PromptAction) {
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
      case 'favorite':
        void run(prompt.id, async () => {
          await authed((token) => setFavorite(token, prompt.id, !prompt.favorite));
          list.setItems(
            (previous) =>
              previous?.map((item) =>
                item.id === prompt.id ? { ...item, favorite: !prompt.favorite } : item,
              ) ?? null,
          );
        });
        return;
      case 'delete':
        void run(prompt.id, async () => {
          await authed((token) => deletePrompt(token, prompt.id));
          setMessage(t('prompts.deleted', { title: prompt.title }));
          await list.load();
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
      <LibraryNotices problem={problem} message={message} />
      {editing ? (
        <PromptForm
          key={editing === 'new' ? 'new' : editing.id}
          prompt={editing === 'new' ? null : editing}
          isAdmin={user.role === 'admin'}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setMessage(t('prompts.saved', { title: saved.title }));
            void list.load();
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
            label={t('prompts.search')}
            value={query}
            onValue={setQuery}
            maxLength={200}
          />
          <Field
            kind="select"
            id="prompt-category"
            label={t('prompts.category')}
            value={filters.category ?? ''}
            options={[
              { value: '', label: t('prompts.allCategories') },
              ...categories.map((item) => ({
                value: item.category,
                label: `${item.category} (${item.count})`,
              })),
            ]}
            onValue={(category) => setFilters({ ...filters, category: category || undefined })}
          />
          <Field
            kind="select"
            id="prompt-scope"
            label={t('prompts.scope')}
            value={filters.scope ?? 'all'}
            options={(['all', 'mine', 'public'] as const).map((scope) => ({
              value: scope,
              label: t(`prompts.scope.${scope}`),
            }))}
            onValue={(scope) => setFilters({ ...filters, scope })}
          />
          <Field
            kind="checkbox"
            id="prompt-favorites"
            label={t('prompts.favoritesOnly')}
            checked={filters.favorites ?? false}
            onChecked={(favorites) => setFilters({ ...filters, favorites: favorites || undefined })}
          />
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
      <PagedSection
        list={list}
        label={t('prompts.list')}
        empty={hasFilters ? t('prompts.noMatch') : t('prompts.empty')}
        more={t('prompts.more')}
      >
        {(items) =>
          items.map((prompt) => (
            <PromptCard
              key={prompt.id}
              prompt={prompt}
              busy={busy === prompt.id}
              using={using === prompt.id}
              onAction={(action) => onAction(prompt, action)}
              onTag={(tag) => setFilters({ ...filters, tag })}
            />
          ))
        }
      </PagedSection>
    </div>
  );
}
