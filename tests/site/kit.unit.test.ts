import { describe, expect, test } from 'vitest';
import { dateColumn, numberColumn } from '../../site/src/ui/columns';
import { formatDay } from '../../site/src/ui/format';

interface Row {
  name: string;
  calls: number;
  usedAt: string | null;
}

const rows: Row[] = [
  { name: 'b', calls: 10, usedAt: '2026-12-02T10:00:00.000Z' },
  { name: 'a', calls: 2, usedAt: null },
  { name: 'c', calls: 33, usedAt: '2026-11-30T08:00:00.000Z' },
];

describe('UI kit column helpers', () => {
  test('dateColumn sorts by the ISO date, "never" first, and shows it with its formatter', () => {
    const column = dateColumn<Row>('usedAt', 'Last used', (date) => date ?? 'never');
    expect(column.key).toBe('usedAt');
    const sorted = [...rows].sort((x, y) => column.sort?.(x, y) ?? 0).map((row) => row.name);
    expect(sorted).toEqual(['a', 'c', 'b']);
    expect(column.cell(rows[1] as Row)).toBe('never');
    expect(column.numeric).toBeUndefined();
  });

  test('numberColumn is numeric, sorts by value (not as text) and writes it with show', () => {
    const column = numberColumn<Row>('calls', 'Calls', (value) => `${value} calls`);
    expect(column.numeric).toBe(true);
    const sorted = [...rows].sort((x, y) => column.sort?.(x, y) ?? 0).map((row) => row.calls);
    expect(sorted).toEqual([2, 10, 33]);
    expect(column.cell(rows[2] as Row)).toBe('33 calls');
  });
});

describe('formatDay', () => {
  test('writes a calendar day as a short label in the UI language, whatever the time zone', () => {
    expect(formatDay('2026-12-07', 'en')).toBe('Dec 7');
    expect(formatDay('2026-12-07', 'fr')).toBe('7 déc.');
    expect(formatDay('2026-01-01', 'en')).toBe('Jan 1');
  });
});
