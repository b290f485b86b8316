import type { ComponentChildren } from 'preact';

/** A polite information line (a save, a sent link, a revoked token); nothing when empty. */
export function Notice({ children }: { children?: ComponentChildren }) {
  if (children === null || children === undefined || children === false || children === '') {
    return null;
  }
  return (
    <p class="alert alert-info" role="status">
      {children}
    </p>
  );
}
