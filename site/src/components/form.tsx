import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { useI18n } from '../i18n';
import { Field as KitField } from '../ui/field';
import { usePageTitle } from '../ui/hooks';
import { ProblemAlert } from '../ui/problem-alert';

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

/** A labelled input with its hint and error: the kit's `Field` with this module's `type` prop. */
export function Field({ type, ...rest }: FieldProps) {
  return <KitField kind={type} {...rest} />;
}

/** What a form's input needs from `useApiForm`: its id (also its field name), value and error. */
export type BoundField = Pick<FieldProps, 'id' | 'value' | 'onValue' | 'error'>;

/** A form that submits its text fields to the API, as returned by `useApiForm`. */
export interface ApiForm<F extends string> {
  values: Record<F, string>;
  /** True from submission until it fails; on success the page navigates away while still pending. */
  pending: boolean;
  /** The problem the last submission failed with, if it did. */
  problem: ApiProblem | null;
  /** The problem's field errors that belong to none of the form's fields. */
  other: string[];
  /** The props binding the input for field `name` to the form. */
  field(name: F): BoundField;
  onSubmit(event: SubmitEvent): Promise<void>;
}

/**
 * Holds a form's field values, starting from `initial` (whose keys are the field names), and
 * submits them with `submit`. An `ApiProblem` it throws is kept for display and re-enables the
 * form; any other error propagates.
 */
export function useApiForm<F extends string>(
  initial: Record<F, string>,
  submit: (values: Record<F, string>) => Promise<void>,
): ApiForm<F> {
  const [values, setValues] = useState(initial);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const { byField, other } = splitFieldErrors(problem, Object.keys(initial));

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    try {
      await submit(values);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setProblem(error);
      setPending(false);
    }
  }

  return {
    values,
    pending,
    problem,
    other,
    field: (name) => ({
      id: name,
      value: values[name],
      onValue: (value) => setValues((previous) => ({ ...previous, [name]: value })),
      error: byField[name],
    }),
    onSubmit,
  };
}

/** The e-mail input of the sign-in and sign-up forms. */
export function EmailField(props: BoundField) {
  const { t } = useI18n();
  return <Field {...props} type="email" label={t('auth.email')} autocomplete="email" required />;
}

type PasswordFieldProps = BoundField &
  Pick<FieldProps, 'minLength' | 'hint' | 'children'> & {
    /** Tells password managers whether to fill in a saved password or offer a new one. */
    autocomplete: 'current-password' | 'new-password';
  };

/** The password input of the sign-in and sign-up forms. */
export function PasswordField(props: PasswordFieldProps) {
  const { t } = useI18n();
  return <Field {...props} type="password" label={t('auth.password')} required />;
}

interface AuthCardProps<F extends string> {
  /** Which page this is; it names the heading's id and the card's messages (`auth.<page>.*`). */
  page: 'login' | 'register' | 'forgot' | 'reset' | 'twoFactor';
  form: ApiForm<F>;
  /** Shown between the heading and the form's error alert. */
  notice?: ComponentChildren;
  /** The line under the form pointing to the other page. */
  footer: ComponentChildren;
  /** Shown between the form and the footer (another way in, such as a passkey). */
  after?: ComponentChildren;
  /** The form's fields. */
  children: ComponentChildren;
}

/**
 * The card of the sign-in and sign-up pages: heading, error alert, form with its submit button and
 * a footer. It also titles the document after the heading.
 */
export function AuthCard<F extends string>({
  page,
  form,
  notice,
  footer,
  after,
  children,
}: AuthCardProps<F>) {
  const { t } = useI18n();
  const title = t(`auth.${page}.title`);
  usePageTitle(title);
  return (
    <section class="auth-card" aria-labelledby={`${page}-title`}>
      <h1 id={`${page}-title`} tabIndex={-1}>
        {title}
      </h1>
      {notice}
      {form.problem && <ProblemAlert problem={form.problem} other={form.other} />}
      <form onSubmit={form.onSubmit}>
        {children}
        <button type="submit" class="button button-primary" disabled={form.pending}>
          {form.pending ? t(`auth.${page}.pending`) : t(`auth.${page}.submit`)}
        </button>
      </form>
      {after}
      <p class="auth-switch">{footer}</p>
    </section>
  );
}
