import type { ComponentChildren, ComponentType, JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiProblem } from '../../api/client';
import { type Category, listCategories } from '../../api/shop';
import { authed } from '../../auth';
import { type MessageKey, useI18n } from '../../i18n';
import {
  attempt,
  Field,
  type FieldOption,
  ProblemAlert,
  Toast,
  usePageTitle,
  useResource,
} from '../../ui';
import { splitFieldErrors } from '../form';

/** A draft checked locally: the request body, or the message keys of the fields typed badly. */
export type Checked<I> = { input: I } | { errors: Record<string, MessageKey> };

/** The keys of a draft whose values are typed as text. */
type TextKey<D> = { [K in keyof D]: D[K] extends string ? K : never }[keyof D];

/** The props of a text field bound to a draft key (its value and change come from the draft). */
export interface TextFieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  maxLength?: number;
  inputMode?: 'decimal' | 'numeric';
  kind?: 'text' | 'datetime-local';
}

/** The props of a select field bound to a draft key. */
export interface SelectFieldProps<V extends string> {
  id: string;
  label: string;
  error?: string;
  options: ReadonlyArray<FieldOption<V>>;
}

/** How an editor reads, checks and saves one kind of item (a constant of the page). */
export interface EditorSpec<T, D, I> {
  draftOf(item: T | null): D;
  /** The API's field names shown next to an input (others go to the form's alert). */
  fields: readonly string[];
  check(draft: D): Checked<I>;
  create(token: string, input: I): Promise<T>;
  update(token: string, id: string, input: I): Promise<T>;
}

/** What `useEditor` returns to an editor form. */
export interface Editor<D> {
  draft: D;
  set<K extends keyof D>(key: K, value: D[K]): void;
  /** A text `Field` for one of the draft's text values. */
  text(key: TextKey<D>, props: TextFieldProps): JSX.Element;
  /** A select `Field` for one of the draft's text values. */
  select<K extends TextKey<D>>(key: K, props: SelectFieldProps<D[K] & string>): JSX.Element;
  /** The message shown under each field: a local check's, else the server's. */
  byField: Record<string, string>;
  problem: ApiProblem | null;
  other: string[];
  pending: boolean;
  /** True when the form creates a new item rather than editing one. */
  creating: boolean;
  submit(event: SubmitEvent): Promise<void>;
}

/** The props an admin page gives its editor form. */
export interface EditorProps<T> {
  /** The edited item, or null for a new one. */
  item: T | null;
  categories: Category[];
  onSaved(saved: T, created: boolean): void;
  onCancel(): void;
}

/**
 * The state of a create-or-edit form for `item` (null: a new one): its draft, local check,
 * the create or update call and the server's field errors, as `spec` says.
 */
export function useEditor<T extends { id: string }, D, I>(
  { draftOf, fields, check, create, update }: EditorSpec<T, D, I>,
  item: T | null,
  onSaved: (saved: T, created: boolean) => void,
): Editor<D> {
  const { t } = useI18n();
  const [draft, setDraft] = useState(() => draftOf(item));
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const split = splitFieldErrors(problem, fields);
  const byField: Record<string, string> = { ...split.byField };
  for (const [field, key] of Object.entries(local)) byField[field] = t(key);
  const set = <K extends keyof D>(key: K, value: D[K]) =>
    setDraft((old) => ({ ...old, [key]: value }));

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setProblem(null);
    const checked = check(draft);
    if ('errors' in checked) {
      setLocal(checked.errors);
      return;
    }
    setLocal({});
    setPending(true);
    await attempt(async () => {
      const saved = await authed((token) =>
        item ? update(token, item.id, checked.input) : create(token, checked.input),
      );
      onSaved(saved, item === null);
    }, setProblem);
    setPending(false);
  }

  return {
    draft,
    set,
    text: (key, props) => (
      <Field
        {...props}
        value={draft[key] as string}
        onValue={(value) => set(key, value as D[typeof key])}
      />
    ),
    select: (key, props) => (
      <Field
        {...props}
        kind="select"
        value={draft[key] as D[typeof key] & string}
        onValue={(value) => set(key, value as D[typeof key])}
      />
    ),
    byField,
    problem,
    other: split.other,
    pending,
    creating: item === null,
    submit,
  };
}

/**
 * The card of an editor form: its title, error summary, fields, the "active" checkbox
 * (`activeLabel`) and Save / Cancel.
 */
export function EditorForm<D extends { active: boolean }>({
  title,
  editor,
  activeLabel,
  onCancel,
  children,
}: {
  title: string;
  editor: Editor<D>;
  activeLabel: string;
  onCancel(): void;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  return (
    <form
      class="card shop-admin-form"
      aria-label={title}
      onSubmit={(event) => void editor.submit(event)}
    >
      <h2>{title}</h2>
      {editor.problem && <ProblemAlert problem={editor.problem} other={editor.other} />}
      {children}
      <Field
        id="editor-active"
        kind="checkbox"
        label={activeLabel}
        checked={editor.draft.active}
        onChecked={(checked) => editor.set('active', checked)}
      />
      <p class="actions">
        <button type="submit" class="button button-primary button-inline" disabled={editor.pending}>
          {editor.pending
            ? t('shop.saving')
            : editor.creating
              ? t('shop.admin.create')
              : t('shop.admin.save')}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          {t('shop.cancel')}
        </button>
      </p>
    </form>
  );
}

/** A list with `saved` in place of the item with its id, or in front when it is new. */
export function replaced<T extends { id: string }>(list: T[] | null, saved: T): T[] {
  return list?.some((item) => item.id === saved.id)
    ? list.map((item) => (item.id === saved.id ? saved : item))
    : [saved, ...(list ?? [])];
}

/**
 * An admin page around an editor: title, problem, the last message, the "New" button or the
 * open editor (`Form`, given the categories this page loads), then the rest (`children`:
 * filters, the list). `onSaved` handles a save and says what stays open (null: nothing).
 */
export function AdminEditorPage<T extends { id: string }>({
  title,
  problem,
  message,
  newLabel,
  editing,
  onEdit,
  Form,
  onSaved,
  children,
}: {
  title: string;
  problem: ApiProblem | null;
  message: string | null;
  newLabel: string;
  /** The item being edited, 'new' while creating one, or null. */
  editing: T | 'new' | null;
  onEdit(editing: T | 'new' | null): void;
  Form: ComponentType<EditorProps<T>>;
  onSaved(saved: T, created: boolean): T | null;
  children: ComponentChildren;
}) {
  const { lang } = useI18n();
  usePageTitle(title);
  const categories = useResource(() => listCategories(lang), [lang]);
  const shown = problem ?? categories.problem;
  return (
    <div class="page shop-page shop-admin">
      <h1 tabIndex={-1}>{title}</h1>
      {shown && <ProblemAlert problem={shown} other={[]} />}
      {message && <Toast>{message}</Toast>}
      {editing ? (
        <Form
          key={editing === 'new' ? 'new' : editing.id}
          item={editing === 'new' ? null : editing}
          categories={categories.data ?? []}
          onCancel={() => onEdit(null)}
          onSaved={(saved, created) => onEdit(onSaved(saved, created))}
        />
      ) : (
        <p>
          <button type="button" class="button" onClick={() => onEdit('new')}>
            {newLabel}
          </button>
        </p>
      )}
      {children}
    </div>
  );
}

/** "On sale" / "Withdrawn" as a badge. */
export function ActiveBadge({ active }: { active: boolean }) {
  const { t } = useI18n();
  return (
    <span class={`badge${active ? ' badge-on' : ''}`}>
      {t(active ? 'shop.admin.status.active' : 'shop.admin.status.inactive')}
    </span>
  );
}
