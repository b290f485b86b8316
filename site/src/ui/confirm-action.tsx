import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n';

interface ConfirmActionProps {
  /** The button's text, e.g. "Delete". */
  label: ComponentChildren;
  /** The question asked before acting, e.g. "Delete “x” for good?". */
  question: string;
  /** The confirming button's text (default "Yes"). */
  confirmLabel?: string;
  onConfirm(): void | Promise<void>;
  disabled?: boolean;
  /** Accessible name of the first button when its label is short or an icon. */
  ariaLabel?: string;
  danger?: boolean;
}

/**
 * A button that asks before acting: the first press shows the question with Yes / Cancel in
 * place (focus moves to Cancel, the safe choice), Escape cancels, Yes runs `onConfirm`.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  ariaLabel,
  danger = true,
}: ConfirmActionProps) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) cancel.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        type="button"
        class={danger ? 'button button-danger' : 'button'}
        disabled={disabled}
        aria-label={ariaLabel}
        ref={opener}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of two buttons, not a form field set.
    <span
      class="confirm-action"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      <span class="confirm-question">{question}</span>
      <button
        type="button"
        class={danger ? 'button button-danger' : 'button button-primary'}
        disabled={disabled}
        onClick={async () => {
          setAsking(false);
          await onConfirm();
        }}
      >
        {confirmLabel ?? t('ui.confirm.yes')}
      </button>
      <button type="button" class="button" ref={cancel} onClick={() => setAsking(false)}>
        {t('ui.confirm.no')}
      </button>
    </span>
  );
}
