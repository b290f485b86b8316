import { useState } from 'preact/hooks';
import { ApiProblem } from '../../api/client';
import { attempt } from '../../ui';

/** A problem made on the page (the API was not asked), shown like the API's. */
export function localProblem(detail: string): ApiProblem {
  return new ApiProblem({ type: 'about:blank', title: detail, status: 400, detail });
}

/** Whether the API refused a re-authentication for want of a second factor. */
export function asksForCode(error: unknown): boolean {
  return (
    error instanceof ApiProblem &&
    (error.problem.errors ?? []).some((issue) => issue.path === 'body.code')
  );
}

/** What `useAction` returns: which action runs, its problem and its message. */
export interface Action<K extends string> {
  busy: K | null;
  problem: ApiProblem | null;
  setProblem(problem: ApiProblem | null): void;
  message: string | null;
  setMessage(message: string | null): void;
  /**
   * Runs `action` as `kind`: clears the last problem and message, keeps an ApiProblem it throws
   * (a 401 has already sent the browser to /login), and shows the message (a string) it returns, if any.
   * Resolves true when it succeeded.
   */
  run(kind: K, action: () => Promise<unknown>): Promise<boolean>;
}

/** The busy / problem / message state of a page's buttons that each call the API. */
export function useAction<K extends string = string>(): Action<K> {
  const [busy, setBusy] = useState<K | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function run(kind: K, action: () => Promise<unknown>) {
    setBusy(kind);
    setProblem(null);
    setMessage(null);
    try {
      return await attempt(async () => {
        const note = await action();
        if (typeof note === 'string' && note) setMessage(note);
      }, setProblem);
    } finally {
      setBusy(null);
    }
  }

  return { busy, problem, setProblem, message, setMessage, run };
}
