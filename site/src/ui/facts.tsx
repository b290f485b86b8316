import type { ComponentChildren } from 'preact';

/** One named value of a `Facts` list. */
export interface Fact {
  label: string;
  value: ComponentChildren;
  /** Extra class on the fact's group (e.g. to mark a total). */
  class?: string;
}

/**
 * A description list of named values ("Status: Paid", "Total: €12.00"); falsy entries are
 * skipped, so a fact that only sometimes applies can be written `condition && { … }`.
 */
export function Facts({
  items,
  class: className = 'facts',
  label,
}: {
  items: ReadonlyArray<Fact | false | '' | null | undefined>;
  class?: string;
  /** The list's accessible name, when it needs one. */
  label?: string;
}) {
  return (
    <dl class={className} aria-label={label}>
      {items.map(
        (fact) =>
          fact && (
            <div key={fact.label} class={fact.class}>
              <dt>{fact.label}</dt>
              <dd>{fact.value}</dd>
            </div>
          ),
      )}
    </dl>
  );
}
