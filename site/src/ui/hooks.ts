import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';

/** What `useResource` returns: the loaded value, the problem that stopped it, and a reload. */
export interface Resource<T> {
  data: T | null;
  problem: ApiProblem | null;
  loading: boolean;
  /** Loads again (after a change); resolves when done. */
  reload(): Promise<void>;
  /** Replaces the data locally (after a save that returned the new value). */
  setData(update: T | null | ((old: T | null) => T | null)): void;
}

/**
 * Loads `load()` on mount and whenever `deps` change, keeping only the latest answer.
 * An `ApiProblem` becomes `problem` (a 401 is left to the sign-in redirect and not shown);
 * any other error propagates. Replaces the hand-written load-in-useEffect of each page.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const reload = useCallback(async () => {
    const run = ++latest.current;
    setLoading(true);
    setProblem(null);
    try {
      const value = await loader.current();
      if (run === latest.current) setData(value);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (run === latest.current && error.status !== 401) setProblem(error);
    } finally {
      if (run === latest.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, deps);

  return { data, problem, loading, reload, setData };
}

/** One page of a cursor-paginated list: its items and the cursor of the next page, if any. */
export interface CursorPage<I> {
  items: I[];
  nextCursor: string | null;
}

/** What `useCursorList` returns: the pages loaded so far as one page, and "load more". */
export interface CursorList<P extends CursorPage<unknown>> extends Resource<P> {
  /** Appends the next page (when there is one); resolves when done. */
  more(): Promise<void>;
  loadingMore: boolean;
}

/**
 * A cursor-paginated list: loads the first page with `load()` on mount and whenever `deps`
 * change; `more()` appends `load(cursor)`, keeping the last page's other fields (counts).
 * Problems of either load end up in `problem`, as with `useResource`.
 */
export function useCursorList<P extends CursorPage<unknown>>(
  load: (cursor?: string) => Promise<P>,
  deps: readonly unknown[],
): CursorList<P> {
  const resource = useResource(() => load(), deps);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreProblem, setMoreProblem] = useState<ApiProblem | null>(null);
  const { data, setData } = resource;

  async function more() {
    const cursor = data?.nextCursor;
    if (!cursor) return;
    setLoadingMore(true);
    setMoreProblem(null);
    try {
      await attempt(async () => {
        const next = await load(cursor);
        setData((old) => (old ? { ...next, items: [...old.items, ...next.items] } : next));
      }, setMoreProblem);
    } finally {
      setLoadingMore(false);
    }
  }

  return { ...resource, problem: resource.problem ?? moreProblem, more, loadingMore };
}

/** Titles the document "<title> · WeBox" while the page is shown (and when the title changes). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · WeBox`;
  }, [title]);
}

/**
 * Runs `action`, keeping an `ApiProblem` it throws in `onProblem` (except a 401, handled by the
 * sign-in redirect); true when it succeeded. Any other error propagates.
 */
export async function attempt(
  action: () => Promise<unknown>,
  onProblem: (problem: ApiProblem) => void,
): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    if (error.status !== 401) onProblem(error);
    return false;
  }
}
