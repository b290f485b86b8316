import type { ComponentChildren } from 'preact';
import { useId, useRef } from 'preact/hooks';

/** One tab: its id (also the value `onSelect` gets) and its label. */
export interface TabItem<V extends string> {
  id: V;
  label: ComponentChildren;
}

interface TabsProps<V extends string> {
  label: string;
  tabs: ReadonlyArray<TabItem<V>>;
  selected: V;
  onSelect(id: V): void;
  /** The selected tab's panel. */
  children: ComponentChildren;
}

/**
 * ARIA tabs: one tab stop (roving tabindex), arrow keys and Home/End move and select,
 * `aria-selected` on the current tab, and a labelled tab panel.
 */
export function Tabs<V extends string>({
  label,
  tabs,
  selected,
  onSelect,
  children,
}: TabsProps<V>) {
  const id = useId();
  const list = useRef<HTMLDivElement>(null);

  function move(event: KeyboardEvent) {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1;
    const tab = tabs[next];
    if (next < 0 || !tab) return;
    event.preventDefault();
    onSelect(tab.id);
    list.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  }

  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} ref={list} onKeyDown={move}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${id}-tab-${tab.id}`}
            aria-selected={tab.id === selected}
            aria-controls={`${id}-panel`}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => onSelect(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-tab-${selected}`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the panel is a tab stop, per the ARIA tabs pattern.
        tabIndex={0}
      >
        {children}
      </div>
    </div>
  );
}
