import { DurableObject } from 'cloudflare:workers';
import { migrate, sqlTag } from './sql';

export interface StreamEvent {
  /** Monotonic per conversation: the SSE event id a client resumes from. */
  id: number;
  turnId: string;
  type: string;
  data: string;
  createdAt: number;
}

const SCHEMA = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     turn_id TEXT NOT NULL,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     created_at INTEGER NOT NULL
   )`,
  'CREATE INDEX events_turn ON events (turn_id, id)',
];

/** How many events one read returns at most; a client keeps reading until it is caught up. */
export const MAX_READ = 500;

type Row = { id: number; turn_id: string; type: string; data: string; created_at: number };

/**
 * One object per conversation: the single writer of its reply stream. Every token is
 * appended to SQLite with a monotonic id before it is sent, so a client that reconnects
 * with `Last-Event-ID` reads exactly what it missed, with no gap and no duplicate.
 */
export class ChatSession extends DurableObject<Env> {
  private readonly sql = sqlTag(this.ctx.storage);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void migrate(ctx, SCHEMA);
  }

  /** Appends events to the log in order; returns their ids. */
  async append(turnId: string, events: { type: string; data: string }[]): Promise<number[]> {
    const now = Date.now();
    const ids: number[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const event of events) {
        const row = this.sql<{ id: number }>`INSERT INTO events (turn_id, type, data, created_at)
          VALUES (${turnId}, ${event.type}, ${event.data}, ${now}) RETURNING id`[0];
        if (row) ids.push(row.id);
      }
    });
    return ids;
  }

  /** Events after `lastEventId` (exclusive), oldest first, optionally for one turn. */
  async readAfter(
    lastEventId: number,
    options: { turnId?: string; limit?: number } = {},
  ): Promise<StreamEvent[]> {
    const limit = Math.min(Math.max(1, options.limit ?? MAX_READ), MAX_READ);
    const rows = options.turnId
      ? this
          .sql<Row>`SELECT * FROM events WHERE id > ${lastEventId} AND turn_id = ${options.turnId} ORDER BY id LIMIT ${limit}`
      : this.sql<Row>`SELECT * FROM events WHERE id > ${lastEventId} ORDER BY id LIMIT ${limit}`;
    return rows.map((row) => ({
      id: row.id,
      turnId: row.turn_id,
      type: row.type,
      data: row.data,
      createdAt: row.created_at,
    }));
  }

  /** Drops a finished turn's events once its message is safely in Postgres. */
  async forgetTurn(turnId: string): Promise<void> {
    this.sql`DELETE FROM events WHERE turn_id = ${turnId}`;
  }
}
