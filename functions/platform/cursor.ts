import { ApiError } from './errors';

/** A keyset position: the sort time (as Postgres printed it) and the row id breaking ties. */
export interface Cursor {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)?$/;

/** The opaque `nextCursor` a page hands out (base64url JSON). */
export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.at, cursor.id]))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}

/** Reads a cursor back; anything not made by encodeCursor is a 400 on `query.cursor`. */
export function decodeCursor(text: string): Cursor {
  const invalid = () =>
    new ApiError('VALIDATION_FAILED', 'query.cursor: This cursor is invalid.', {
      issues: [{ path: 'query.cursor', message: 'Invalid cursor: use nextCursor as given' }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(text.replaceAll('-', '+').replaceAll('_', '/')));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id) || !TIMESTAMP.test(at)) {
    throw invalid();
  }
  return { at, id };
}
