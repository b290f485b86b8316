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
