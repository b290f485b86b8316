import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';

interface MenuProps {
  /** The toggle's accessible name. */
  label: string;
  /** What the toggle shows (defaults to the label). */
  button?: ComponentChildren;
  buttonClass?: string;
  disabled?: boolean;
  /** Which edge of the toggle the panel lines up with. */
  align?: 'start' | 'end';
  /** Which way the panel opens from the toggle. */
  direction?: 'down' | 'up';
  /** Open when first shown. */
  initiallyOpen?: boolean;
  /** The panel's content; `close` hides it (call it after an action). */
  children: (close: () => void) => ComponentChildren;
}

/**
 * A small disclosure menu: a button that shows a panel of actions; Escape or a click
 * outside closes it and Escape gives focus back to the button.
 */
export function Menu({
  label,
  button,
  buttonClass = 'button',
  disabled,
  align = 'end',
  direction = 'down',
  initiallyOpen = false,
  children,
}: MenuProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const id = useId();

  // A layout effect: the listeners are in place before the open panel is painted, so an
  // Escape pressed the moment it shows is not lost.
  useLayoutEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    root.current
      ?.querySelector<HTMLElement>('.chat-menu-panel button, .chat-menu-panel a')
      ?.focus();
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div class="chat-menu" ref={root}>
      <button
        ref={toggle}
        type="button"
        class={buttonClass}
        aria-expanded={open}
        aria-controls={id}
        aria-label={button ? label : undefined}
        title={button ? label : undefined}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        {button ?? label}
      </button>
      <div
        id={id}
        class={`chat-menu-panel chat-menu-${align} chat-menu-${direction}`}
        hidden={!open}
      >
        {open && children(() => setOpen(false))}
      </div>
    </div>
  );
}
