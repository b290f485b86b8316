import { DurableObject } from 'cloudflare:workers';
import { type Database, openDatabase } from '../db/client';
import type { AttachmentRow } from '../functions/chat/attachments';
import { type ApiMessage, type MessageRow, toMessage } from '../functions/chat/conversations';
import {
  applySend,
  buildHistory,
  DEFAULT_MODEL,
  jobFor,
  type LiveConversation,
  loadLive,
  type PreparedModel,
  planSend,
  reviveJson,
  type SendInput,
  type SendWrite,
  writeSend,
} from '../functions/chat/live';
import {
  type AbortReason,
  executeTurn,
  finishedFields,
  persistTurn,
  type TurnJob,
  type TurnResult,
  type TurnSink,
} from '../functions/chat/turns';
import type { Bindings } from '../functions/platform/env';
import { ApiError, type ErrorCode } from '../functions/platform/errors';
import { rememberRedisBindings } from '../functions/platform/redis';
import { recordUsage, type UsageRecord } from '../functions/usage/service';
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
  // A turn's job is kept without its API key: enough to finish or fail it after a restart.
  `CREATE TABLE turns (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     runner TEXT NOT NULL,
     job TEXT NOT NULL,
     result TEXT,
     persisted INTEGER NOT NULL DEFAULT 0,
     attempts INTEGER NOT NULL DEFAULT 0,
     deadline INTEGER NOT NULL,
     stop_requested INTEGER NOT NULL DEFAULT 0,
     finished_at INTEGER,
     next_try INTEGER
   )`,
  // Usage rows the Worker could not write (Postgres down): kept here until written, once.
  `CREATE TABLE usage_outbox (
     reference TEXT PRIMARY KEY,
     record TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_try INTEGER NOT NULL
   )`,
  // The conversation's live state (see functions/chat/live.ts): one row, its messages, its files.
  `CREATE TABLE live_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     conversation TEXT NOT NULL,
     agent TEXT,
     loaded_at INTEGER NOT NULL
   )`,
  'CREATE TABLE live_messages (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, row TEXT NOT NULL)',
  'CREATE TABLE live_files (id TEXT PRIMARY KEY, row TEXT NOT NULL)',
  // Sends laid on the live state and not yet in Postgres, written in order, each once.
  `CREATE TABLE send_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     send TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_try INTEGER NOT NULL
   )`,
];

/** What the Worker hands the object for one send, after checking models, keys and files. */
export interface SendRequest {
  conversationId: string;
  userId: string;
  input: SendInput;
  /** Null when the request named no model: the object answers with the ones to prepare. */
  prepared: PreparedModel[] | null;
  files: AttachmentRow[];
  temperature?: number;
}

export type SendOutcome =
  | { kind: 'started'; userMessage: ApiMessage; replies: ApiMessage[]; after: number }
  | { kind: 'models'; slugs: string[] }
  | { kind: 'problem'; code: ErrorCode; detail: string };

/** How long live state is trusted before it is read from Postgres again (a backstop). */
export const LIVE_TTL_MS = 10 * 60_000;

/** How many events one read returns at most; a client keeps reading until it is caught up. */
export const MAX_READ = 500;
/** How long a finished turn's events stay readable for late resumes. */
export const KEEP_FINISHED_MS = 15 * 60_000;
/** After its deadline, how long a remote runner has to answer a stop before the turn is failed. */
const DEADLINE_GRACE_MS = 15_000;
const HEARTBEAT_MS = 15_000;
/** The longest pause between two tries of a Postgres write; writes are retried until they land. */
const MAX_BACKOFF_MS = 5 * 60_000;

const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** attempts);

/** Logs a Postgres write that failed and will be tried again by the alarm. */
function warnRetry(msg: string, fields: Record<string, unknown>, err: unknown): void {
  const error = err instanceof Error ? err.message : String(err);
  console.warn(JSON.stringify({ level: 'warn', msg, ...fields, error }));
}

type Row = { id: number; turn_id: string; type: string; data: string; created_at: number };
type TurnRow = {
  id: string;
  status: string;
  runner: string;
  job: string;
  result: string | null;
  persisted: number;
  attempts: number;
  deadline: number;
  stop_requested: number;
  finished_at: number | null;
  next_try: number | null;
};

interface Subscriber {
  lastId: number;
  send(event: StreamEvent): void;
  close(): void;
}

const encoder = new TextEncoder();

/** One SSE frame; `data` is JSON and never contains a newline. */
function frame(event: StreamEvent): Uint8Array {
  return encoder.encode(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
}

function toEvent(row: Row): StreamEvent {
  return {
    id: row.id,
    turnId: row.turn_id,
    type: row.type,
    data: row.data,
    createdAt: row.created_at,
  };
}

/** The job as stored: the key is dropped, it never touches disk. */
function storableJob(job: TurnJob): string {
  return JSON.stringify({ ...job, config: { ...job.config, apiKey: null } });
}

/**
 * One object per conversation: the single writer of its reply stream. Every token is
 * appended to SQLite with a monotonic id before it is sent, so a client that reconnects
 * with `Last-Event-ID` reads exactly what it missed, with no gap and no duplicate. A reply
 * runs here (or, for compare, in one runner object per model, each holding one outgoing
 * connection) and goes on when the browser goes away; the finished message is written to
 * Postgres from here. An alarm is the watchdog: turns past their deadline are ended and
 * Postgres writes that failed are retried.
 */
export class ChatSession extends DurableObject<Env> {
  private readonly sql = sqlTag(this.ctx.storage);
  private readonly subscribers = new Set<Subscriber>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly abortReasons = new Map<string, AbortReason>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    rememberRedisBindings(env as Partial<Bindings>);
    void migrate(ctx, SCHEMA);
  }

  private get bindings(): Bindings {
    return this.env as Bindings;
  }

  private loading: Promise<void> | null = null;
  private flushing: Promise<boolean> | null = null;

  /** The live state as stored here, or null when there is none. */
  private readLive(): (LiveConversation & { loadedAt: number }) | null {
    const [state] = this.sql<{ conversation: string; agent: string | null; loaded_at: number }>`
      SELECT conversation, agent, loaded_at FROM live_state WHERE id = 1`;
    if (!state) return null;
    return {
      conversation: reviveJson(state.conversation),
      agent: state.agent ? reviveJson(state.agent) : null,
      messages: this.sql<{
        row: string;
      }>`SELECT row FROM live_messages ORDER BY created_at, id`.map((row) =>
        reviveJson<MessageRow>(row.row),
      ),
      files: this.sql<{ row: string }>`SELECT row FROM live_files`.map((row) =>
        reviveJson<AttachmentRow>(row.row),
      ),
      loadedAt: state.loaded_at,
    };
  }

  private putLiveMessage(row: MessageRow): void {
    this.sql`INSERT INTO live_messages (id, created_at, row)
      VALUES (${row.id}, ${row.createdAt.getTime()}, ${JSON.stringify(row)})
      ON CONFLICT(id) DO UPDATE SET row = excluded.row`;
  }

  private putLiveFile(file: AttachmentRow): void {
    this.sql`INSERT INTO live_files (id, row) VALUES (${file.id}, ${JSON.stringify(file)})
      ON CONFLICT(id) DO NOTHING`;
  }

  private clearLive(): void {
    this.ctx.storage.transactionSync(() => {
      this.sql`DELETE FROM live_state`;
      this.sql`DELETE FROM live_messages`;
      this.sql`DELETE FROM live_files`;
    });
  }

  /**
   * The live state, read from Postgres (one parallel round trip) when there is none or it is
   * older than LIVE_TTL_MS. Pending sends are written first, so Postgres is never read behind
   * this object's back; while they cannot be written the state here is kept.
   */
  private async ensureLive(conversationId: string): Promise<LiveConversation | null> {
    const cached = this.readLive();
    if (cached && Date.now() - cached.loadedAt < LIVE_TTL_MS) return cached;
    this.loading ??= (async () => {
      try {
        if (!(await this.flushSends()) && cached) return;
        // Its three reads go out together, one connection each.
        const loaded = await this.withDatabase((db) => loadLive(db, conversationId), {
          connections: 3,
        });
        this.clearLive();
        if (!loaded) return;
        this.ctx.storage.transactionSync(() => {
          this.sql`INSERT INTO live_state (id, conversation, agent, loaded_at)
            VALUES (1, ${JSON.stringify(loaded.conversation)},
              ${loaded.agent ? JSON.stringify(loaded.agent) : null}, ${Date.now()})`;
          for (const row of loaded.messages) this.putLiveMessage(row);
          for (const file of loaded.files) this.putLiveFile(file);
        });
      } finally {
        this.loading = null;
      }
    })();
    await this.loading;
    return this.readLive();
  }

  /** The caller's live conversation, or null when it is absent, deleted or someone else's. */
  private async ownLive(conversationId: string, userId: string) {
    await this.ensureLive(conversationId);
    const live = this.readLive();
    const conversation = live?.conversation;
    return live && conversation?.userId === userId && !conversation.deletedAt ? live : null;
  }

  /**
   * One send: lays the user message and its replies on the live state, queues them for
   * Postgres (written right after this answers, retried by the alarm until they land) and
   * starts the replies. Warm, nothing here waits on Postgres.
   */
  async send(request: SendRequest): Promise<SendOutcome> {
    const problem = (code: ErrorCode, detail: string): SendOutcome => ({
      kind: 'problem',
      code,
      detail,
    });
    for (let attempt = 1; ; attempt++) {
      let live: LiveConversation | null;
      try {
        live = await this.ownLive(request.conversationId, request.userId);
      } catch (err) {
        warnRetry('chat conversation not loaded', { conversationId: request.conversationId }, err);
        return problem('SERVICE_UNAVAILABLE', 'The conversation could not be read; try again.');
      }
      if (!live) return problem('NOT_FOUND', 'No such conversation.');
      const { conversation, agent } = live;
      if (!request.prepared) {
        return {
          kind: 'models',
          slugs: [conversation.model ?? agent?.defaultModel ?? DEFAULT_MODEL],
        };
      }
      let plan: ReturnType<typeof planSend>;
      try {
        plan = planSend(live, request.userId, request.input, request.prepared, request.files);
      } catch (err) {
        if (err instanceof ApiError) return problem(err.code, err.message);
        throw err;
      }
      const compare = plan.replies.length > 1;
      const files = [...live.files, ...request.files];
      const jobs: TurnJob[] = [];
      for (const [index, reply] of plan.replies.entries()) {
        const entry = request.prepared[index];
        if (!entry) continue;
        const history = await buildHistory(this.env.MEDIA, files, plan.thread, entry.model, agent);
        const temperature = request.temperature ?? agent?.temperature ?? undefined;
        const source = compare ? 'compare' : 'chat';
        jobs.push(
          jobFor(request.userId, conversation.id, reply, entry, history, source, temperature),
        );
      }
      // Another send may have moved the leaf while the history was built: lay this one again.
      const now = this.readLive();
      if (
        now?.conversation.activeLeafId !== conversation.activeLeafId ||
        now.messages.length !== live.messages.length
      ) {
        if (attempt < 3) continue;
        return problem('CONFLICT', 'The conversation changed meanwhile; send again.');
      }
      this.ctx.storage.transactionSync(() => {
        this.sql`UPDATE live_state SET conversation = ${JSON.stringify(applySend(live, plan))}
          WHERE id = 1`;
        for (const row of plan.write.rows) this.putLiveMessage(row);
        for (const file of request.files) this.putLiveFile(file);
        this.sql`INSERT INTO send_outbox (send, next_try)
          VALUES (${JSON.stringify(plan.write)}, ${Date.now()})`;
      });
      const { after } = await this.startTurns(jobs);
      this.ctx.waitUntil(this.flushSends());
      return {
        kind: 'started',
        userMessage: toMessage(plan.userRow),
        replies: plan.replies.map(toMessage),
        after,
      };
    }
  }

  /** Writes the pending sends now; false while Postgres cannot take them. */
  async settle(): Promise<boolean> {
    return this.flushSends();
  }

  /** Drops the live state (after a write to the conversation elsewhere); the next send reloads. */
  async forget(): Promise<void> {
    this.clearLive();
  }

  /** Pending sends, oldest first (for tests). */
  async pendingSends(): Promise<SendWrite[]> {
    return this.sql<{ send: string }>`SELECT send FROM send_outbox ORDER BY seq`.map((row) =>
      reviveJson<SendWrite>(row.send),
    );
  }

  /** Writes the queued sends in order, one flush at a time; false when one did not land. */
  private flushSends(): Promise<boolean> {
    if (this.flushing) return this.flushing;
    const run = this.writeQueuedSends();
    this.flushing = run;
    const clear = () => {
      if (this.flushing === run) this.flushing = null;
    };
    run.then(clear, clear);
    return run;
  }

  private async writeQueuedSends(): Promise<boolean> {
    for (;;) {
      const [row] = this.sql<{ seq: number; send: string; attempts: number }>`
        SELECT seq, send, attempts FROM send_outbox ORDER BY seq LIMIT 1`;
      if (!row) return true;
      try {
        await this.withDatabase((db) => writeSend(db, reviveJson<SendWrite>(row.send)));
        this.sql`DELETE FROM send_outbox WHERE seq = ${row.seq}`;
      } catch (err) {
        // Never given up: the messages reach Postgres once it is back (the alarm retries).
        const attempts = row.attempts + 1;
        this.sql`UPDATE send_outbox SET attempts = ${attempts},
          next_try = ${Date.now() + backoffMs(attempts)} WHERE seq = ${row.seq}`;
        warnRetry('chat send not saved yet', { attempts }, err);
        await this.scheduleAlarm();
        return false;
      }
    }
  }

  /** Appends events to the log in order and hands them to live subscribers; returns their ids. */
  async append(turnId: string, events: { type: string; data: string }[]): Promise<number[]> {
    return this.appendSync(turnId, events);
  }

  private appendSync(turnId: string, events: { type: string; data: string }[]): number[] {
    const now = Date.now();
    const appended: StreamEvent[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const event of events) {
        const row = this.sql<{ id: number }>`INSERT INTO events (turn_id, type, data, created_at)
          VALUES (${turnId}, ${event.type}, ${event.data}, ${now}) RETURNING id`[0];
        if (row) appended.push({ id: row.id, turnId, ...event, createdAt: now });
      }
    });
    for (const event of appended) {
      for (const subscriber of this.subscribers) subscriber.send(event);
    }
    return appended.map((event) => event.id);
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
    return rows.map(toEvent);
  }

  /** Drops a finished turn's events once its message is safely in Postgres. */
  async forgetTurn(turnId: string): Promise<void> {
    this.sql`DELETE FROM events WHERE turn_id = ${turnId}`;
  }

  /** The id of the newest event, 0 when the log is empty. */
  private lastEventId(): number {
    return this.sql<{ id: number | null }>`SELECT max(id) AS id FROM events`[0]?.id ?? 0;
  }

  private runningTurns(): TurnRow[] {
    return this.sql<TurnRow>`SELECT * FROM turns WHERE status = 'running'`;
  }

  /**
   * Starts replies. One job runs here; several (compare) each run in their own runner
   * object, so no object holds more than one provider connection. Returns the event id
   * just before the turns' first event: stream from there to see them whole.
   */
  async startTurns(jobs: TurnJob[]): Promise<{ after: number }> {
    const after = this.lastEventId();
    const remote = jobs.length > 1;
    for (const job of jobs) {
      this.sql`INSERT INTO turns (id, status, runner, job, deadline)
        VALUES (${job.turnId}, 'running', ${remote ? 'remote' : 'local'}, ${storableJob(job)}, ${job.deadline})
        ON CONFLICT(id) DO NOTHING`;
      this.appendSync(job.turnId, [
        {
          type: 'start',
          data: JSON.stringify({
            turnId: job.turnId,
            parentId: job.parentId,
            batchId: job.batchId,
            model: job.model.slug,
            displayName: job.model.displayName,
            provider: job.model.provider,
            offline: job.model.provider === 'offline',
          }),
        },
      ]);
    }
    for (const job of jobs) {
      const run = remote ? this.startRemote(job) : this.runHere(job);
      this.ctx.waitUntil(run);
    }
    await this.scheduleAlarm();
    return { after };
  }

  private async runHere(job: TurnJob): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(job.turnId, controller);
    const timer = setTimeout(() => this.abort(job.turnId, 'deadline'), job.deadline - Date.now());
    try {
      const sink: TurnSink = { text: (text) => void this.pushTextSync(job.turnId, text) };
      const result = await executeTurn(job, sink, controller.signal, () =>
        this.abortReasons.get(job.turnId),
      );
      await this.finishTurn(job.turnId, result);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(job.turnId);
      this.abortReasons.delete(job.turnId);
    }
  }

  private async startRemote(job: TurnJob): Promise<void> {
    const runner = this.runnerFor(job.turnId);
    try {
      await runner.runRemote(job);
    } catch {
      // The runner died (or could not start): the watchdog fails the turn at its deadline,
      // keeping what was streamed. Ending it now would race a runner that is still alive.
    }
  }

  private runnerFor(turnId: string) {
    const ns = this.env.CHAT_SESSION;
    return ns.get(ns.idFromName(`runner:${turnId}`));
  }

  private pushTextSync(turnId: string, text: string): void {
    if (text) this.appendSync(turnId, [{ type: 'delta', data: JSON.stringify({ turnId, text }) }]);
  }

  /** A runner's streamed text for a turn this object owns. */
  async pushText(turnId: string, text: string): Promise<void> {
    const [turn] = this.sql<TurnRow>`SELECT * FROM turns WHERE id = ${turnId}`;
    if (turn?.status === 'running') this.pushTextSync(turnId, text);
  }

  /**
   * Ends a turn once: records the result, emits `done`, writes the message to Postgres (retried
   * by the alarm if the database is down) and closes the streams when nothing else runs.
   */
  async finishTurn(turnId: string, result: TurnResult): Promise<void> {
    const [turn] = this.sql<TurnRow>`SELECT * FROM turns WHERE id = ${turnId}`;
    if (turn?.status !== 'running') return;
    const now = Date.now();
    this.sql`UPDATE turns SET status = ${result.status}, result = ${JSON.stringify(result)},
      finished_at = ${now} WHERE id = ${turnId}`;
    const [live] = this.sql<{ row: string }>`SELECT row FROM live_messages WHERE id = ${turnId}`;
    if (live) {
      this.putLiveMessage({
        ...reviveJson<MessageRow>(live.row),
        ...finishedFields(result, new Date(now)),
      });
    }
    this.appendSync(turnId, [
      {
        type: 'done',
        data: JSON.stringify({
          turnId,
          status: result.status,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
          estimated: result.estimated,
          costMicros: result.costMicros,
          error: result.error,
        }),
      },
    ]);
    if (this.runningTurns().length === 0) {
      for (const subscriber of this.subscribers) subscriber.close();
      this.subscribers.clear();
    }
    await this.persist(turnId);
    await this.scheduleAlarm();
  }

  private async persist(turnId: string): Promise<void> {
    const [turn] = this.sql<TurnRow>`SELECT * FROM turns WHERE id = ${turnId}`;
    if (!turn?.result || turn.persisted) return;
    const job = JSON.parse(turn.job) as TurnJob;
    const result = JSON.parse(turn.result) as TurnResult;
    try {
      // The message row is written by its send first (the outbox keeps the order).
      if (!(await this.flushSends())) throw new Error('its send is not in Postgres yet');
      await this.withDatabase((db) => persistTurn(db, job, result));
      this.sql`UPDATE turns SET persisted = 1, next_try = NULL WHERE id = ${turnId}`;
    } catch (err) {
      // Never given up: the reply and its usage row reach Postgres once it is back.
      const attempts = turn.attempts + 1;
      this.sql`UPDATE turns SET attempts = ${attempts},
        next_try = ${Date.now() + backoffMs(attempts)} WHERE id = ${turnId}`;
      warnRetry('chat turn not saved yet', { turnId, attempts }, err);
    }
  }

  /** Runs `work` on a connection of its own, closed in the background. */
  private async withDatabase<T>(
    work: (db: Database) => Promise<T>,
    options: { connections?: number } = {},
  ): Promise<T> {
    const url = this.bindings.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    const handle = openDatabase(url, { max: options.connections ?? 1 });
    try {
      return await work(handle.db);
    } finally {
      this.ctx.waitUntil(handle.close());
    }
  }

  /**
   * Outbox side (one object per user): keeps a usage row the Worker could not write and
   * writes it to Postgres now or, failing that, from the alarm until it lands. The ledger is
   * unique on the reference, so a row written twice (a retry after a lost answer) bills once.
   * Resolves once the row is stored here; `written` says whether it already reached Postgres.
   */
  async recordUsage(record: UsageRecord): Promise<{ written: boolean }> {
    this.sql`INSERT INTO usage_outbox (reference, record, next_try)
      VALUES (${record.reference}, ${JSON.stringify(record)}, ${Date.now()})
      ON CONFLICT(reference) DO NOTHING`;
    const written = await this.flushUsage(record.reference);
    await this.scheduleAlarm();
    return { written };
  }

  /** Usage rows still waiting for Postgres, oldest first (for the conversation view and tests). */
  async pendingUsage(): Promise<UsageRecord[]> {
    return this.sql<{ record: string }>`SELECT record FROM usage_outbox ORDER BY next_try`.map(
      (row) => JSON.parse(row.record) as UsageRecord,
    );
  }

  private async flushUsage(reference: string): Promise<boolean> {
    const [row] = this.sql<{ record: string; attempts: number }>`SELECT record, attempts
      FROM usage_outbox WHERE reference = ${reference}`;
    if (!row) return true;
    try {
      await this.withDatabase((db) => recordUsage(db, JSON.parse(row.record) as UsageRecord));
      this.sql`DELETE FROM usage_outbox WHERE reference = ${reference}`;
      return true;
    } catch (err) {
      const attempts = row.attempts + 1;
      this.sql`UPDATE usage_outbox SET attempts = ${attempts},
        next_try = ${Date.now() + backoffMs(attempts)} WHERE reference = ${reference}`;
      warnRetry('usage row not written yet', { reference, attempts }, err);
      return false;
    }
  }

  private abort(turnId: string, reason: AbortReason): boolean {
    const controller = this.controllers.get(turnId);
    if (!controller) return false;
    if (!this.abortReasons.has(turnId)) this.abortReasons.set(turnId, reason);
    controller.abort();
    return true;
  }

  /** Stops one running turn, or every running turn; returns the ids asked to stop. */
  async stop(turnId?: string): Promise<string[]> {
    const targets = this.runningTurns().filter((turn) => !turnId || turn.id === turnId);
    for (const turn of targets) {
      if (turn.runner === 'local') this.abort(turn.id, 'user');
      else
        await this.runnerFor(turn.id)
          .stopRemote(turn.id, 'user')
          .catch(() => false);
    }
    return targets.map((turn) => turn.id);
  }

  /**
   * Runner side: starts a compare column here and returns at once, so the conversation's
   * object holds no long-lived call per column (a Worker invocation may keep only six
   * connections open); text and the result are reported back in short calls.
   */
  async runRemote(job: TurnJob): Promise<void> {
    this.ctx.waitUntil(this.runColumn(job));
  }

  private async runColumn(job: TurnJob): Promise<void> {
    const ns = this.env.CHAT_SESSION;
    const owner = ns.get(ns.idFromName(job.conversationId));
    const controller = new AbortController();
    this.controllers.set(job.turnId, controller);
    const timer = setTimeout(() => this.abort(job.turnId, 'deadline'), job.deadline - Date.now());
    // Text is forwarded in order, one call at a time; chunks arriving meanwhile are joined.
    let pending = '';
    let flushing: Promise<void> = Promise.resolve();
    const flush = async () => {
      while (pending) {
        const text = pending;
        pending = '';
        await owner.pushText(job.turnId, text);
      }
    };
    const sink: TurnSink = {
      text: (text) => {
        pending += text;
        flushing = flushing.then(flush);
      },
    };
    try {
      const result = await executeTurn(job, sink, controller.signal, () =>
        this.abortReasons.get(job.turnId),
      );
      await flushing.then(flush);
      await owner.finishTurn(job.turnId, result);
    } catch (err) {
      // The owner could not be told: its watchdog fails the turn at the deadline with the
      // text it already has.
      console.warn(
        JSON.stringify({
          level: 'warn',
          msg: 'compare column not reported',
          turnId: job.turnId,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    } finally {
      clearTimeout(timer);
      this.controllers.delete(job.turnId);
      this.abortReasons.delete(job.turnId);
    }
  }

  /** Runner side: aborts the column running here. */
  async stopRemote(turnId: string, reason: AbortReason): Promise<boolean> {
    return this.abort(turnId, reason);
  }

  /**
   * The conversation's events after `after` as an SSE byte stream: the backlog first, then
   * live events, closing once no turn is running. Backlog and subscription are taken in one
   * synchronous step, so nothing appended in between is lost or sent twice.
   */
  async subscribe(
    after: number,
    owner?: { conversationId: string; userId: string },
  ): Promise<ReadableStream<Uint8Array> | null> {
    if (owner && !(await this.ownLive(owner.conversationId, owner.userId))) return null;
    let subscriber: Subscriber | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      if (heartbeat) clearInterval(heartbeat);
      if (subscriber) this.subscribers.delete(subscriber);
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        let lastId = after;
        for (;;) {
          const batch = this
            .sql<Row>`SELECT * FROM events WHERE id > ${lastId} ORDER BY id LIMIT ${MAX_READ}`;
          for (const row of batch) controller.enqueue(frame(toEvent(row)));
          const last = batch.at(-1);
          if (!last) break;
          lastId = last.id;
        }
        if (this.runningTurns().length === 0) {
          controller.close();
          return;
        }
        const live: Subscriber = {
          lastId,
          send: (event) => {
            if (event.id <= live.lastId) return;
            live.lastId = event.id;
            try {
              controller.enqueue(frame(event));
            } catch {
              stop();
            }
          },
          close: () => {
            stop();
            try {
              controller.close();
            } catch {
              // Already cancelled by the reader.
            }
          },
        };
        subscriber = live;
        this.subscribers.add(live);
        heartbeat = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(': keep-alive\n\n'));
          } catch {
            stop();
          }
        }, HEARTBEAT_MS);
      },
      cancel: stop,
    });
  }

  /** Running turn ids, for the conversation view. */
  async running(): Promise<string[]> {
    return this.runningTurns().map((turn) => turn.id);
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.sql<{ at: number | null }>`SELECT min(at) AS at FROM (
        SELECT deadline + ${DEADLINE_GRACE_MS} AS at FROM turns WHERE status = 'running'
        UNION ALL SELECT next_try AS at FROM turns WHERE persisted = 0 AND next_try IS NOT NULL
        UNION ALL SELECT next_try AS at FROM usage_outbox
        UNION ALL SELECT next_try AS at FROM send_outbox
        UNION ALL SELECT finished_at + ${KEEP_FINISHED_MS} AS at FROM turns WHERE finished_at IS NOT NULL AND persisted = 1
      )`[0]?.at;
    if (next == null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next || current < Date.now()) {
      await this.ctx.storage.setAlarm(Math.max(next, Date.now() + 10));
    }
  }

  /** Watchdog: ends overdue turns, retries Postgres writes (replies, usage), forgets old turns. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const turn of this.runningTurns()) {
      if (turn.deadline > now) continue;
      const askedRunner = turn.runner === 'remote' && !turn.stop_requested;
      if (turn.runner === 'local' && this.abort(turn.id, 'deadline')) continue;
      if (askedRunner) {
        this.sql`UPDATE turns SET stop_requested = 1 WHERE id = ${turn.id}`;
        const stopped = await this.runnerFor(turn.id)
          .stopRemote(turn.id, 'deadline')
          .catch(() => false);
        if (stopped && turn.deadline + DEADLINE_GRACE_MS > now) continue;
      }
      // Nothing is running this turn any more (the object restarted, or the runner is gone):
      // fail it with the text that was streamed.
      const content = this.sql<{ data: string }>`SELECT data FROM events
        WHERE turn_id = ${turn.id} AND type = 'delta' ORDER BY id`
        .map((row) => (JSON.parse(row.data) as { text: string }).text)
        .join('');
      await this.finishTurn(turn.id, {
        status: 'failed',
        content,
        inputTokens: 0,
        outputTokens: 0,
        estimated: true,
        costMicros: 0,
        error: { code: 'TURN_DEADLINE', message: 'The reply took too long and was ended.' },
      });
    }
    if (this.sql`SELECT seq FROM send_outbox WHERE next_try <= ${now} LIMIT 1`.length > 0) {
      await this.flushSends();
    }
    for (const turn of this.sql<TurnRow>`SELECT * FROM turns
        WHERE persisted = 0 AND result IS NOT NULL AND next_try IS NOT NULL AND next_try <= ${now}`) {
      await this.persist(turn.id);
    }
    for (const { reference } of this.sql<{ reference: string }>`SELECT reference
        FROM usage_outbox WHERE next_try <= ${now}`) {
      await this.flushUsage(reference);
    }
    const expired = this.sql<{ id: string }>`SELECT id FROM turns
      WHERE persisted = 1 AND finished_at < ${now - KEEP_FINISHED_MS}`;
    for (const { id } of expired) {
      this.sql`DELETE FROM events WHERE turn_id = ${id}`;
      this.sql`DELETE FROM turns WHERE id = ${id}`;
    }
    await this.scheduleAlarm();
  }
}
