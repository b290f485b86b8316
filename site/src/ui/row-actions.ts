import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import { attempt } from './hooks';

/**
 * The state of a list whose rows have actions: which row acts (`busy`, its id), the problem the
 * last action ended with, and the message it left; `run(id, action)` runs one action.
 */
export function useRowActions() {
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function run(id: string, action: () => Promise<void>) {
    setBusy(id);
    setProblem(null);
    setMessage(null);
    await attempt(action, setProblem);
    setBusy(null);
  }

  return { busy, problem, setProblem, message, setMessage, run };
}
