import { useEffect, useRef } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import { useI18n } from '../i18n';

interface ProblemAlertProps {
  problem: ApiProblem;
  /** Field errors that belong to no input on the page (see `splitFieldErrors`). */
  other: string[];
}

/**
 * A form's or a page's error summary: the problem's detail, field errors that fit no input, and
 * the request id. It is announced at once (role=alert, aria-live=assertive) and takes the focus
 * whenever a new problem arrives, so keyboard users land on it.
 */
export function ProblemAlert({ problem, other }: ProblemAlertProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [problem]);
  const { status, problem: body } = problem;
  const message =
    status === 0
      ? t('errors.network')
      : (body.detail ?? (body.title || t('errors.unexpected', { status })));
  return (
    <div class="alert alert-error" role="alert" aria-live="assertive" tabIndex={-1} ref={ref}>
      <p class="alert-message">{message}</p>
      {other.length > 0 && (
        <ul>
          {other.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {body.requestId && <p class="alert-meta">{t('errors.requestId', { id: body.requestId })}</p>}
    </div>
  );
}
