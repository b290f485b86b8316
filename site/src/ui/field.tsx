import type { ComponentChildren } from 'preact';

interface BaseProps {
  id: string;
  label: string;
  /** A short help line under the control, read with it by screen readers. */
  hint?: string;
  /** The message for this field (from the server or a local check), if any. */
  error?: string;
  required?: boolean;
  disabled?: boolean;
  /** Extra content under the control (a strength meter, a link). */
  children?: ComponentChildren;
  /** Extra class on the wrapping `.field`. */
  class?: string;
  /** Keeps the label for screen readers only, where the place says what the control is. */
  hideLabel?: boolean;
}

interface TextProps extends BaseProps {
  kind?: 'text' | 'email' | 'password' | 'search' | 'url' | 'tel' | 'datetime-local' | 'date';
  value: string;
  onValue(value: string): void;
  autocomplete?: string;
  placeholder?: string;
  minLength?: number;
  maxLength?: number;
  inputMode?: 'decimal' | 'numeric' | 'text' | 'email';
  pattern?: string;
}

interface NumberProps extends BaseProps {
  kind: 'number';
  value: string;
  onValue(value: string): void;
  min?: number;
  max?: number;
  step?: number | 'any';
  placeholder?: string;
}

interface TextareaProps extends BaseProps {
  kind: 'textarea';
  value: string;
  onValue(value: string): void;
  rows?: number;
  placeholder?: string;
  maxLength?: number;
}

/** One choice of a select field. */
export interface FieldOption<V extends string = string> {
  value: V;
  label: string;
  disabled?: boolean;
  /** The `<optgroup>` it is listed under; options of one group must be next to each other. */
  group?: string;
}

/** Options in runs of the same `group`, in order (one run without a group for ungrouped ones). */
function optionRuns<V extends string>(options: ReadonlyArray<FieldOption<V>>) {
  const runs: { group: string | undefined; options: FieldOption<V>[] }[] = [];
  for (const option of options) {
    const last = runs.at(-1);
    if (last && last.group === option.group) last.options.push(option);
    else runs.push({ group: option.group, options: [option] });
  }
  return runs;
}

interface SelectProps<V extends string> extends BaseProps {
  kind: 'select';
  value: V;
  onValue(value: V): void;
  options: ReadonlyArray<FieldOption<V>>;
}

interface CheckboxProps extends BaseProps {
  kind: 'checkbox';
  checked: boolean;
  onChecked(checked: boolean): void;
}

export type FieldProps<V extends string = string> =
  | TextProps
  | NumberProps
  | TextareaProps
  | SelectProps<V>
  | CheckboxProps;

/** The ids a control points to with `aria-describedby`: its hint and its error. */
export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

/**
 * A labelled form control with its hint and error, wired for assistive technology: the label
 * names the control, `aria-describedby` reads the hint and error, `aria-invalid` marks an error.
 * `kind` picks the control (text-like input by default, number, textarea, select, checkbox).
 */
export function Field<V extends string = string>(props: FieldProps<V>) {
  const { id, label, hint, error, required, disabled, children } = props;
  const common = {
    id,
    name: id,
    required,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(id, hint, error),
  };
  let control: ComponentChildren;
  switch (props.kind) {
    case 'checkbox':
      control = (
        <input
          type="checkbox"
          {...common}
          checked={props.checked}
          onChange={(event) => props.onChecked(event.currentTarget.checked)}
        />
      );
      break;
    case 'select':
      control = (
        <select
          {...common}
          value={props.value}
          onChange={(event) => props.onValue(event.currentTarget.value as V)}
        >
          {optionRuns(props.options).map((run) => {
            const items = run.options.map((option) => (
              <option key={option.value} value={option.value} disabled={option.disabled}>
                {option.label}
              </option>
            ));
            return run.group === undefined ? (
              items
            ) : (
              <optgroup key={run.group} label={run.group}>
                {items}
              </optgroup>
            );
          })}
        </select>
      );
      break;
    case 'textarea':
      control = (
        <textarea
          {...common}
          value={props.value}
          rows={props.rows ?? 4}
          placeholder={props.placeholder}
          maxLength={props.maxLength}
          onInput={(event) => props.onValue(event.currentTarget.value)}
        />
      );
      break;
    case 'number':
      control = (
        <input
          type="number"
          {...common}
          value={props.value}
          min={props.min}
          max={props.max}
          step={props.step}
          placeholder={props.placeholder}
          onInput={(event) => props.onValue(event.currentTarget.value)}
        />
      );
      break;
    default:
      control = (
        <input
          // Preact types attributes by the literal type; the kinds here share one attribute set.
          type={(props.kind ?? 'text') as 'text'}
          {...common}
          value={props.value}
          autocomplete={props.autocomplete}
          placeholder={props.placeholder}
          minLength={props.minLength}
          maxLength={props.maxLength}
          inputMode={props.inputMode}
          pattern={props.pattern}
          onInput={(event) => props.onValue(event.currentTarget.value)}
        />
      );
  }
  const checkbox = props.kind === 'checkbox';
  return (
    <div class={['field', checkbox && 'field-check', props.class].filter(Boolean).join(' ')}>
      {checkbox ? (
        <label for={id}>
          {control} {label}
        </label>
      ) : (
        <>
          <label for={id} class={props.hideLabel ? 'visually-hidden' : undefined}>
            {label}
          </label>
          {control}
        </>
      )}
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
