import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import { useI18n } from '../i18n';

/** The last segment of a field path: `email`, `body.email` and `/email` all name `email`. */
function fieldName(path: string): string {
  return path.split(/[./]/).filter(Boolean).pop() ?? '';
}

/**
 * Splits a problem's field errors into those that belong to one of `fields` (shown next to
 * the input) and the rest (shown in the form's alert).
 */
export function splitFieldErrors(
  problem: ApiProblem | null,
  fields: readonly string[],
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const error of problem?.problem.errors ?? []) {
    const name = fieldName(error.path);
    if (fields.includes(name)) {
      byField[name] = byField[name] ? `${byField[name]} ${error.message}` : error.message;
    } else {
      other.push(error.path ? `${error.path}: ${error.message}` : error.message);
    }
  }
  return { byField, other };
}

/** A form's error summary: the problem's detail, field errors that fit no input, the request id. */
export function ProblemAlert({ problem, other }: { problem: ApiProblem; other: string[] }) {
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
    <div class="alert alert-error" role="alert" tabIndex={-1} ref={ref}>
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

interface FieldProps {
  id: string;
  label: string;
  type: 'text' | 'email' | 'password';
  value: string;
  onValue: (value: string) => void;
  autocomplete?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  /** The server's message for this field, if any. */
  error?: string;
  hint?: string;
  children?: ComponentChildren;
}

/** A labelled input with its hint and error, wired together for assistive technology. */
export function Field({
  id,
  label,
  type,
  value,
  onValue,
  error,
  hint,
  children,
  ...rest
}: FieldProps) {
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  const attributes = {
    ...rest,
    id,
    name: id,
    value,
    onInput: (event: { currentTarget: HTMLInputElement }) => onValue(event.currentTarget.value),
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  };
  // Preact types an input's attributes by its literal `type`, so each type is spelled out.
  const control =
    type === 'email' ? (
      <input type="email" {...attributes} />
    ) : type === 'password' ? (
      <input type="password" {...attributes} />
    ) : (
      <input type="text" {...attributes} />
    );
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {control}
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
