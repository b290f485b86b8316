import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n';
import { EmptyState } from './empty-state';
import { Pager } from './pager';

/** One column: its header, how a row shows in it, and optionally how rows sort by it. */
export interface Column<R> {
  key: string;
  header: string;
  cell(row: R): ComponentChildren;
  /** Compares two rows; makes the header a sort button. */
  sort?(a: R, b: R): number;
  /** Numbers align right. */
  numeric?: boolean;
  /** This column names the row (rendered as a row header). */
  rowHeader?: boolean;
}

interface DataTableProps<R> {
  /** The table's accessible name, shown as its caption (visually hidden with `hideCaption`). */
  caption: string;
  hideCaption?: boolean;
  columns: ReadonlyArray<Column<R>>;
  rows: readonly R[];
  rowKey(row: R): string;
  /** Buttons or links for one row, in a last "Actions" column. */
  actions?(row: R): ComponentChildren;
  /** Makes rows focusable; Enter or a click on a row calls it. */
  onRowActivate?(row: R): void;
  /** Shown instead of the table when there is no row. */
  empty?: ComponentChildren;
  /** Rows per page; the table paginates itself when there are more. */
  pageSize?: number;
  /** Extra class on the table. */
  class?: string;
  /** Marks a row (e.g. the one being edited). */
  rowClass?(row: R): string | undefined;
  /** Extra `data-*` attributes of a row, by name without the prefix (`{ action: 'x' }`). */
  rowData?(row: R): Record<string, string>;
}

function dataAttributes(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([name, value]) => [`data-${name}`, value]),
  );
}

/**
 * A table with a caption, optional client-side sort (header buttons with `aria-sort`),
 * pagination, an actions column and keyboard-focusable rows; an empty state when no row.
 */
export function DataTable<R>({
  caption,
  hideCaption,
  columns,
  rows,
  rowKey,
  actions,
  onRowActivate,
  empty,
  pageSize,
  class: className,
  rowClass,
  rowData,
}: DataTableProps<R>) {
  const { t } = useI18n();
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null);
  const [page, setPage] = useState(1);
  if (rows.length === 0) return <EmptyState>{empty}</EmptyState>;

  const column = sort && columns.find((candidate) => candidate.key === sort.key);
  const sorted =
    column?.sort && sort
      ? [...rows].sort((a, b) => (column.sort as (a: R, b: R) => number)(a, b) * sort.dir)
      : rows;
  const pages = pageSize ? Math.max(1, Math.ceil(sorted.length / pageSize)) : 1;
  const current = Math.min(page, pages);
  const shown = pageSize ? sorted.slice((current - 1) * pageSize, current * pageSize) : sorted;

  function toggle(key: string) {
    setSort((old) => (old?.key === key ? { key, dir: old.dir === 1 ? -1 : 1 } : { key, dir: 1 }));
    setPage(1);
  }

  return (
    <div class="data-table-wrap">
      <table class={['data-table', className].filter(Boolean).join(' ')}>
        <caption class={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((col) => {
              const dir = sort?.key === col.key ? sort.dir : 0;
              return (
                <th
                  key={col.key}
                  scope="col"
                  class={col.numeric ? 'numeric' : undefined}
                  aria-sort={
                    col.sort
                      ? dir === 1
                        ? 'ascending'
                        : dir === -1
                          ? 'descending'
                          : 'none'
                      : undefined
                  }
                >
                  {col.sort ? (
                    <button
                      type="button"
                      class="sort-button"
                      aria-label={t('ui.table.sortBy', { column: col.header })}
                      onClick={() => toggle(col.key)}
                    >
                      {col.header}
                      <span aria-hidden="true">{dir === 1 ? ' ▲' : dir === -1 ? ' ▼' : ''}</span>
                    </button>
                  ) : (
                    col.header
                  )}
                </th>
              );
            })}
            {actions && (
              <th scope="col">
                <span class="visually-hidden">{t('ui.table.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr
              key={rowKey(row)}
              class={rowClass?.(row)}
              tabIndex={onRowActivate ? 0 : undefined}
              data-row-key={rowKey(row)}
              {...dataAttributes(rowData?.(row))}
              onClick={
                onRowActivate
                  ? (event) => {
                      // A click on a control inside the row (an action) is that control's.
                      const target = event.target as HTMLElement;
                      if (!target.closest('button, a, input, select, textarea')) onRowActivate(row);
                    }
                  : undefined
              }
              onKeyDown={
                onRowActivate
                  ? (event) => {
                      if (event.key === 'Enter' && event.target === event.currentTarget) {
                        event.preventDefault();
                        onRowActivate(row);
                      }
                    }
                  : undefined
              }
            >
              {columns.map((col) =>
                col.rowHeader ? (
                  <th key={col.key} scope="row">
                    {col.cell(row)}
                  </th>
                ) : (
                  <td key={col.key} class={col.numeric ? 'numeric' : undefined}>
                    {col.cell(row)}
                  </td>
                ),
              )}
              {actions && <td class="row-actions">{actions(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && <Pager page={current} pages={pages} onPage={setPage} />}
    </div>
  );
}
