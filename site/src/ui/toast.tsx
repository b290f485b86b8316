import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n';
import { CloseButton } from './close-button';

interface ToastProps {
  /** `error` is announced at once (role=alert); others politely (role=status). */
  tone?: 'info' | 'success' | 'error';
  children: ComponentChildren;
  onDismiss?(): void;
}

/**
 * A short message announced by screen readers when it appears: success and info politely
 * (aria-live=polite), errors assertively.
 */
export function Toast({ tone = 'info', children, onDismiss }: ToastProps) {
  const { t } = useI18n();
  return (
    <div
      class={`toast toast-${tone}`}
      role={tone === 'error' ? 'alert' : 'status'}
      aria-live={tone === 'error' ? 'assertive' : 'polite'}
    >
      <p>{children}</p>
      {onDismiss && <CloseButton label={t('ui.toast.dismiss')} onClick={onDismiss} />}
    </div>
  );
}

/**
 * A polite live region that is always in the page, so a message put in it later is read out
 * (a region added together with its text often is not).
 */
export function LiveMessage({
  children,
  class: className,
}: {
  children?: ComponentChildren;
  class?: string;
}) {
  return (
    <p class={className ?? 'form-message'} role="status" aria-live="polite">
      {children}
    </p>
  );
}
