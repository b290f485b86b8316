import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n';

interface FilterBarProps {
  /** The accessible name of the filter group (default "Filters"). */
  label?: string;
  /** Called on submit (Enter in a field or the Apply button); omit for filters applied live. */
  onApply?(): void;
  onReset?(): void;
  /** The apply button's text (default "Apply"). */
  applyLabel?: string;
  /** The filter fields (Field components). */
  children: ComponentChildren;
}

/** A row of filter fields in a search form; Enter applies, an optional button resets. */
export function FilterBar({ label, onApply, onReset, applyLabel, children }: FilterBarProps) {
  const { t } = useI18n();
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is not yet in Preact's element types.
    <form
      class="filter-bar"
      role="search"
      aria-label={label ?? t('ui.filter.label')}
      onSubmit={(event) => {
        event.preventDefault();
        onApply?.();
      }}
    >
      {children}
      {(onApply || onReset) && (
        <div class="filter-bar-actions">
          {onApply && (
            <button type="submit" class="button">
              {applyLabel ?? t('ui.filter.apply')}
            </button>
          )}
          {onReset && (
            <button type="button" class="button button-ghost" onClick={onReset}>
              {t('ui.filter.reset')}
            </button>
          )}
        </div>
      )}
    </form>
  );
}
