import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useI18n } from '../i18n';
import { CloseButton } from './close-button';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  onClose(): void;
  children: ComponentChildren;
  /** Buttons at the bottom. */
  footer?: ComponentChildren;
}

/**
 * A modal dialog: focus moves into it and is trapped there, Escape or the close button closes
 * it, and focus returns to whatever had it before. Render it only while open.
 */
export function Dialog({ title, onClose, children, footer }: DialogProps) {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const box = ref.current;
    const first = box?.querySelector<HTMLElement>(`.dialog-body ${FOCUSABLE}`);
    (first ?? box)?.focus();
    function onKey(event: KeyboardEvent) {
      if (!box) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        close.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (items.length === 0) return;
      const head = items[0] as HTMLElement;
      const tail = items[items.length - 1] as HTMLElement;
      if (event.shiftKey && document.activeElement === head) {
        event.preventDefault();
        tail.focus();
      } else if (!event.shiftKey && document.activeElement === tail) {
        event.preventDefault();
        head.focus();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, []);

  return (
    <div class="dialog-backdrop">
      <div
        class="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        tabIndex={-1}
        ref={ref}
      >
        <header class="dialog-header">
          <h2 id={`${id}-title`}>{title}</h2>
          <CloseButton label={t('ui.dialog.close')} onClick={onClose} />
        </header>
        <div class="dialog-body">{children}</div>
        {footer && <footer class="dialog-footer">{footer}</footer>}
      </div>
    </div>
  );
}
