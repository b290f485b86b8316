import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiProblem } from '../../api/client';
import { useI18n } from '../../i18n';
import { attempt, describedBy, ProblemAlert } from '../../ui';

/**
 * The state every library page (agents, prompts, media) keeps around its actions: which item is
 * busy, the problem of the last action and the message it left. `run` clears both, marks `key`
 * busy while `work` runs and resolves true when it succeeded.
 */
export function useLibraryActions() {
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  async function run(key: string, work: () => Promise<unknown>): Promise<boolean> {
    setBusy(key);
    setProblem(null);
    setMessage(null);
    const ok = await attempt(work, setProblem);
    setBusy(null);
    return ok;
  }
  return { busy, problem, setProblem, message, setMessage, run };
}

/** The problem of the last action (an alert) and its message (announced politely). */
export function LibraryNotices({
  problem,
  message,
}: {
  problem: ApiProblem | null;
  message: string | null;
}) {
  return (
    <>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
    </>
  );
}

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

/** A labelled, full-width multi-line field with its hint and error (agent and prompt bodies). */
export function LibraryTextArea(props: {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  rows: number;
  maxLength: number;
  required?: boolean;
  hint?: ComponentChildren;
  error?: string;
}) {
  const { id, hint, error } = props;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={id}
        rows={props.rows}
        maxLength={props.maxLength}
        required={props.required}
        value={props.value}
        style={textareaStyle}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint ? 'hint' : undefined, error)}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A form's submit and cancel buttons. */
function SubmitOrCancel({
  submit,
  cancel,
  disabled,
  primary,
  onCancel,
}: {
  submit: string;
  cancel: string;
  disabled: boolean;
  /** The submit button is the page's main action. */
  primary?: boolean;
  onCancel(): void;
}) {
  return (
    <p class="actions">
      <button
        type="submit"
        class={primary ? 'button button-primary' : 'button'}
        disabled={disabled}
      >
        {submit}
      </button>
      <button type="button" class="button" onClick={onCancel}>
        {cancel}
      </button>
    </p>
  );
}

/**
 * The card an item is created or edited in: its heading (naming the region), the save
 * problem, the fields, and Save / Cancel.
 */
export function EditorCard({
  prefix,
  title,
  problem,
  other,
  pending,
  save,
  saving,
  cancel,
  onSubmit,
  onCancel,
  children,
}: {
  prefix: string;
  title: string;
  problem: ApiProblem | null;
  other: string[];
  pending: boolean;
  save: string;
  saving: string;
  cancel: string;
  onSubmit(): Promise<void>;
  onCancel(): void;
  children: ComponentChildren;
}) {
  return (
    <section class="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{title}</h2>
      {problem && <ProblemAlert problem={problem} other={other} />}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit();
        }}
      >
        {children}
        <SubmitOrCancel
          submit={pending ? saving : save}
          cancel={cancel}
          disabled={pending}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}

/** Runs `save` with a pending flag and its problem kept for the editor. */
export function useSave() {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  async function submit(save: () => Promise<unknown>): Promise<void> {
    setPending(true);
    setProblem(null);
    await attempt(save, setProblem);
    setPending(false);
  }
  return { pending, problem, submit };
}

/** How long typing in a search box waits before asking the server. */
const SEARCH_DELAY_MS = 250;

/** Filters with a free-text `q`, set from a search box a moment after typing stops. */
export function useSearchFilter<F extends { q?: string }>(initial: F) {
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<F>(initial);
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
  return { query, setQuery, filters, setFilters };
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A server-paged list: the first page (re)loaded when `deps` change or on `load()`, the next
 * ones appended by `loadMore()`. An older request finishing late never overwrites a newer one.
 */
export function usePagedList<T>(
  fetchPage: (cursor?: string) => Promise<Page<T>>,
  deps: readonly unknown[],
  onProblem: (problem: ApiProblem) => void,
) {
  const [items, setItems] = useState<T[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const latest = useRef(0);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback(async () => {
    const request = ++latest.current;
    await attempt(async () => {
      const page = await fetcher.current();
      if (request !== latest.current) return;
      setItems(page.items);
      setNextCursor(page.nextCursor);
    }, onProblem);
  }, []);

  useEffect(() => {
    void load();
  }, deps);

  async function loadMore() {
    if (!nextCursor) return;
    await attempt(async () => {
      const page = await fetcher.current(nextCursor);
      setItems((previous) => [...(previous ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    }, onProblem);
  }

  return { items, setItems, nextCursor, load, loadMore };
}

/** A paged list's body: loading, its empty line (or no match), or its items and "More". */
export function PagedSection<T>({
  list,
  label,
  empty,
  more,
  children,
}: {
  list: { items: T[] | null; nextCursor: string | null; loadMore(): Promise<void> };
  label: string;
  empty: string;
  more: string;
  children(items: T[]): ComponentChildren;
}) {
  const { t } = useI18n();
  if (list.items === null) return <p role="status">{t('app.loading')}</p>;
  if (list.items.length === 0) {
    return (
      <p class="muted" role="status">
        {empty}
      </p>
    );
  }
  return (
    <section aria-label={label}>
      {children(list.items)}
      {list.nextCursor && (
        <p class="pager">
          <button type="button" class="button" onClick={() => void list.loadMore()}>
            {more}
          </button>
        </p>
      )}
    </section>
  );
}

/** A small named form (rename, move, new folder) with its submit and Cancel buttons. */
export function InlineForm({
  label,
  submit,
  cancel,
  disabled,
  class: className,
  onSubmit,
  onCancel,
  children,
}: {
  label: string;
  submit: string;
  cancel: string;
  disabled: boolean;
  class?: string;
  onSubmit(): void;
  onCancel(): void;
  children: ComponentChildren;
}) {
  return (
    <form
      class={className}
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <SubmitOrCancel
        submit={submit}
        cancel={cancel}
        disabled={disabled}
        primary
        onCancel={onCancel}
      />
    </form>
  );
}
