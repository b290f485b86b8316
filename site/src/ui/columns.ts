import type { ComponentChildren } from 'preact';
import type { Column } from './data-table';

/** A column showing `show(value(row))`, sortable by the values with `compare`. */
function sortedColumn<R, V>(
  key: string,
  header: string,
  value: (row: R) => V,
  show: (value: V) => ComponentChildren,
  compare: (a: V, b: V) => number,
): Column<R> {
  return {
    key,
    header,
    cell: (row) => show(value(row)),
    sort: (a, b) => compare(value(a), value(b)),
  };
}

/** The names of the fields of `R` whose values are of type `V`. */
type FieldOf<R, V> = { [K in keyof R]: R[K] extends V ? K : never }[keyof R] & string;

/**
 * The column of a date field (an ISO string; null, "never", sorts first), sortable by it, shown
 * with `show`: `dateColumn<Session>('createdAt', t('sessions.signedIn'), time)`.
 */
export function dateColumn<R>(
  field: FieldOf<R, string | null>,
  header: string,
  show: (date: string | null) => ComponentChildren,
): Column<R> {
  const date = (row: R) => row[field] as string | null;
  return sortedColumn(field, header, date, show, (a, b) => (a ?? '').localeCompare(b ?? ''));
}

/** The column of a number field, aligned right, sortable by it, written with `show`. */
export function numberColumn<R>(
  field: FieldOf<R, number>,
  header: string,
  show: (value: number) => string,
): Column<R> {
  const value = (row: R) => row[field] as number;
  return { ...sortedColumn(field, header, value, show, (a, b) => a - b), numeric: true };
}
