import type { ComponentChildren } from 'preact';

/** The message a list shows when it has nothing, with an optional action (a link or button). */
export function EmptyState({
  children,
  action,
}: {
  children: ComponentChildren;
  action?: ComponentChildren;
}) {
  return (
    <div class="empty-state">
      <p class="muted">{children}</p>
      {action}
    </div>
  );
}
