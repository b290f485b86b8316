import type { ComponentChildren } from 'preact';
import { ApiProblem } from '../../api/client';
import { Link } from '../../router';
import { ProblemAlert, usePageTitle } from '../../ui';
import { Notice } from './notice';

/** How spending a mailed token went: not yet, done (for an address), or refused. */
export type TokenOutcome =
  | { status: 'ready' }
  | { status: 'pending' }
  | { status: 'done'; email: string }
  | { status: 'failed'; problem: ApiProblem };

/**
 * Spends a mailed token with `spend` and says how it went: done for the address it answers, or
 * failed with the problem (any status, 401 included: these pages need no sign-in). Any other
 * error propagates.
 */
export async function spendToken(spend: () => Promise<{ email: string }>): Promise<TokenOutcome> {
  try {
    const { email } = await spend();
    return { status: 'done', email };
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    return { status: 'failed', problem: error };
  }
}

interface OutcomeCardProps {
  /** The heading's id. */
  id: string;
  title: string;
  outcome: TokenOutcome;
  /** The success line for the confirmed address. */
  doneText(email: string): string;
  /** Where "continue" leads once it is settled, and its text. */
  next: { href: string; label: string };
  /** Shown while the outcome is not settled (ready or pending). */
  children?: ComponentChildren;
}

/** The card of a page opened from a mailed link: its title, the outcome, then "continue". */
export function OutcomeCard({ id, title, outcome, doneText, next, children }: OutcomeCardProps) {
  usePageTitle(title);
  const settled = outcome.status === 'done' || outcome.status === 'failed';
  return (
    <section class="auth-card" aria-labelledby={id}>
      <h1 id={id} tabIndex={-1}>
        {title}
      </h1>
      {!settled && children}
      {outcome.status === 'done' && <Notice>{doneText(outcome.email)}</Notice>}
      {outcome.status === 'failed' && <ProblemAlert problem={outcome.problem} other={[]} />}
      {settled && (
        <Link href={next.href} class="button button-primary">
          {next.label}
        </Link>
      )}
    </section>
  );
}
