import { createConnection, createServer, type Socket } from 'node:net';
import type { Exchange, RoundTripRecorder } from './round-trips';

/**
 * Writes chunks to a socket after the recorder's delay, in order. `onWritten` runs once the
 * chunk is handed to the socket (the moment the far side "receives" it).
 */
export class DelayedWriter {
  private queue: Array<{ due: number; chunk: Buffer; after?: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly delay: () => number,
  ) {}

  write(chunk: Buffer, after?: () => void): void {
    const ms = this.delay();
    if (ms <= 0 && this.queue.length === 0) {
      if (!this.socket.destroyed) this.socket.write(chunk);
      after?.();
      return;
    }
    const previous = this.queue.at(-1)?.due ?? 0;
    this.queue.push({ due: Math.max(Date.now() + ms, previous), chunk, after });
    this.pump();
  }

  private pump(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, (this.queue[0]?.due ?? 0) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue.length > 0 && (this.queue[0]?.due ?? 0) <= now) {
        const item = this.queue.shift();
        if (!item) break;
        if (!this.socket.destroyed) this.socket.write(item.chunk);
        item.after?.();
      }
      this.pump();
    }, wait);
  }

  /** Ends the socket once everything queued is written. */
  end(): void {
    if (this.queue.length === 0) {
      this.socket.end();
      return;
    }
    const last = this.queue.at(-1);
    if (!last) return;
    const after = last.after;
    last.after = () => {
      after?.();
      this.socket.end();
    };
  }
}

/** Splits a stream into Postgres protocol messages (type byte + int32 length + payload). */
export class MessageSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  /** Messages before the start-up packet have no type byte. */
  untyped: boolean;
  /** After an SSLRequest the server answers with one bare byte. */
  bareBytes = 0;

  constructor(untyped: boolean) {
    this.untyped = untyped;
  }

  push(chunk: Buffer, onMessage: (type: string, body: Buffer) => void): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.bareBytes > 0) {
        if (this.buffer.length < 1) return;
        this.bareBytes--;
        onMessage('bare', this.buffer.subarray(0, 1));
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (this.untyped) {
        if (this.buffer.length < 4) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const body = this.buffer.subarray(4, length);
        this.buffer = this.buffer.subarray(length);
        const code = body.length >= 4 ? body.readInt32BE(0) : 0;
        // SSLRequest / GSSENCRequest keep the next packet untyped; a start-up packet ends it.
        if (code !== 80877103 && code !== 80877104) this.untyped = false;
        onMessage(code === 80877103 || code === 80877104 ? 'ssl' : 'startup', body);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < length + 1) return;
      const type = String.fromCharCode(this.buffer[0] ?? 0);
      const body = this.buffer.subarray(5, length + 1);
      this.buffer = this.buffer.subarray(length + 1);
      onMessage(type, body);
    }
  }
}

const cstring = (body: Buffer, from = 0): [string, number] => {
  const end = body.indexOf(0, from);
  const stop = end < 0 ? body.length : end;
  return [body.toString('utf8', from, stop), stop + 1];
};

/** The SQL a frontend message carries, if any (Query, Parse). */
export function sqlOf(type: string, body: Buffer): string | undefined {
  if (type === 'Q') return cstring(body)[0];
  if (type === 'P') {
    const [, next] = cstring(body);
    return cstring(body, next)[0];
  }
  return undefined;
}

/** Authentication requests after which the server waits for the client (not Ok or SASLFinal). */
const AUTH_WAITS = new Set([2, 3, 5, 7, 9, 10, 11]);

/**
 * Tracks the exchanges of one client connection: an exchange opens when the client speaks while
 * nothing is outstanding and closes when the server hands the turn back (ReadyForQuery once every
 * Sync/Query is answered, or an authentication request).
 */
class ConnectionTracker {
  private current: Exchange | undefined;
  private pending = 0;
  private flushes = 0;
  private lastSql = '';
  private readonly conn: number;

  constructor(private readonly recorder: RoundTripRecorder) {
    this.conn = recorder.connectionId();
  }

  fromClient(type: string, body: Buffer): void {
    if (type === 'X') return;
    if (!this.current) this.current = this.recorder.open('postgres', this.conn);
    if (type === 'startup') {
      this.current.text.push('(start-up)');
      this.pending++;
    } else if (type === 'p') {
      this.current.text.push('(auth)');
    } else if (type === 'Q' || type === 'S') {
      this.pending++;
    } else if (type === 'H') {
      // Flush without Sync: the client waits for the answer to its Describe (postgres.js does
      // this for every unprepared query with parameters) before it sends Bind and Execute.
      this.flushes++;
    } else if (type === 'B' && this.current.text.length === 0) {
      this.current.text.push(`(bind, execute) ${this.lastSql}`);
    }
    const sql = sqlOf(type, body);
    if (sql !== undefined) {
      this.current.text.push(sql);
      this.lastSql = sql;
    }
  }

  /** Whether this server message hands the turn back; `close` then ends the exchange. */
  fromServer(type: string, body: Buffer): Exchange | undefined {
    if (!this.current) return undefined;
    let closes = false;
    if (type === 'bare') closes = true;
    else if (type === 'R' && AUTH_WAITS.has(body.readInt32BE(0))) closes = true;
    else if (type === 'Z') {
      this.pending = Math.max(0, this.pending - 1);
      this.flushes = 0;
      closes = this.pending === 0;
    } else if ((type === 'T' || type === 'n') && this.flushes > 0 && this.pending === 0) {
      // The statement's description answers a Flush: the turn is the client's again.
      this.flushes--;
      closes = true;
    }
    if (!closes) return undefined;
    const done = this.current;
    this.current = undefined;
    return done;
  }

  /** Nothing outstanding: the server owes this client no answer. */
  idle(): boolean {
    return this.current === undefined && this.pending === 0 && this.flushes === 0;
  }
}

export interface PgProxyOptions {
  /** Where Postgres listens. */
  upstream: { host: string; port: number };
  port: number;
  host?: string;
  recorder: RoundTripRecorder;
  /**
   * `relay`: one upstream connection per client connection, start-up included (a Worker that
   * dials Postgres itself). `pool`: like Hyperdrive, a client's start-up is answered from a warm
   * upstream connection kept from an earlier client when one is idle, so only a cold pool pays
   * the far start-up.
   */
  mode?: 'relay' | 'pool';
  /** Idle upstream connections kept per start-up packet in `pool` mode. */
  maxIdle?: number;
  /**
   * Warm spares kept per start-up packet in `pool` mode, opened in the background once a
   * client has shown its start-up packet (Hyperdrive keeps its origin pool warm the same way).
   * Only for servers that need no password (trust auth, as locally).
   */
  minIdle?: number;
}

export interface PgProxy {
  port: number;
  close(): Promise<void>;
}

/** One upstream connection and who it currently answers. */
interface Upstream {
  socket: Socket;
  toServer: DelayedWriter;
  messages: MessageSplitter;
  /** What the server answered to the start-up from AuthenticationOk to ReadyForQuery. */
  greeting: Buffer[];
  greeted: boolean;
  /** Transaction status of the last ReadyForQuery ('I' idle, 'T' in a transaction, 'E' failed). */
  status: string;
  /** The current client's handler for the server's bytes. */
  deliver?: (chunk: Buffer) => void;
  onGone?: () => void;
}

/**
 * A TCP proxy between a Postgres client and server that delays each direction of the far link by
 * the recorder's delay (a distant database, for the bench) and records every exchange with its SQL
 * (the round-trip budgets of the tests).
 */
export async function startPgProxy(opts: PgProxyOptions): Promise<PgProxy> {
  const { recorder } = opts;
  const pooled = opts.mode === 'pool';
  const maxIdle = opts.maxIdle ?? 8;
  const minIdle = pooled ? Math.min(opts.minIdle ?? 4, maxIdle) : 0;
  const sockets = new Set<Socket>();
  const idle = new Map<string, Upstream[]>();
  const warming = new Map<string, number>();

  const dial = (): Upstream => {
    const socket = createConnection(opts.upstream);
    sockets.add(socket);
    const upstream: Upstream = {
      socket,
      toServer: new DelayedWriter(socket, () => recorder.delayMs),
      messages: new MessageSplitter(false),
      greeting: [],
      greeted: false,
      status: 'I',
    };
    socket.on('data', (chunk: Buffer) => upstream.deliver?.(chunk));
    const gone = () => {
      sockets.delete(socket);
      for (const list of idle.values()) {
        const at = list.indexOf(upstream);
        if (at >= 0) list.splice(at, 1);
      }
      upstream.onGone?.();
    };
    socket.on('error', gone);
    socket.on('close', gone);
    return upstream;
  };

  /** Tops the idle list of `key` up to `minIdle`, off any request's path (not recorded). */
  const replenish = (key: string) => {
    const have = (idle.get(key)?.length ?? 0) + (warming.get(key) ?? 0);
    for (let i = have; i < minIdle; i++) {
      warming.set(key, (warming.get(key) ?? 0) + 1);
      const target = dial();
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        warming.set(key, Math.max(0, (warming.get(key) ?? 1) - 1));
      };
      target.onGone = settle;
      target.deliver = (chunk) =>
        target.messages.push(chunk, (type, body) => {
          const authOk = type === 'R' && body.readInt32BE(0) === 0;
          if ((type === 'R' && !authOk) || type === 'E') {
            // A password is asked (or the start-up failed): this server cannot be warmed blind.
            settle();
            target.socket.destroy();
            return;
          }
          if (authOk) target.greeting = [];
          target.greeting.push(frame(type, body));
          if (type !== 'Z') return;
          target.status = String.fromCharCode(body[0] ?? 73);
          target.greeted = true;
          target.deliver = undefined;
          target.onGone = undefined;
          settle();
          const list = idle.get(key) ?? [];
          if (list.length < maxIdle) {
            list.push(target);
            idle.set(key, list);
          } else target.socket.destroy();
        });
      target.toServer.write(untypedFrame(Buffer.from(key, 'hex')));
    }
  };

  const clients = new Set<Socket>();
  const stopListening = recorder.onOutage(() => {
    for (const client of clients) client.destroy();
  });
  const serve = (client: Socket) => {
    if (recorder.postgresDown) {
      client.destroy();
      return;
    }
    sockets.add(client);
    clients.add(client);
    client.once('close', () => clients.delete(client));
    const tracker = new ConnectionTracker(recorder);
    const toClient = new DelayedWriter(client, () => 0);
    const clientMessages = new MessageSplitter(true);
    let upstream: Upstream | undefined;
    let key: string | undefined;
    let terminated = false;

    const attach = (target: Upstream) => {
      upstream = target;
      target.onGone = () => client.destroy();
      target.deliver = (chunk) => {
        const closing: Exchange[] = [];
        target.messages.push(chunk, (type, body) => {
          if (type === 'Z') target.status = String.fromCharCode(body[0] ?? 73);
          if (!target.greeted) {
            if (type === 'R' && body.readInt32BE(0) === 0) target.greeting = [];
            target.greeting.push(frame(type, body));
            if (type === 'Z') target.greeted = true;
          }
          const done = tracker.fromServer(type, body);
          if (done) closing.push(done);
        });
        // The far link's delay, on the way back.
        toClientDelayed.write(chunk, () => {
          for (const exchange of closing) exchange.end = recorder.now();
        });
      };
    };
    const toClientDelayed = new DelayedWriter(client, () => recorder.delayMs);

    client.on('data', (chunk: Buffer) => {
      const forward: Buffer[] = [];
      clientMessages.push(chunk, (type, body) => {
        if (type === 'ssl') {
          // No TLS on the local link: answer "no" ourselves.
          toClient.write(Buffer.from('N'));
          return;
        }
        if (type === 'X') {
          terminated = true;
          if (!pooled) forward.push(frame(type, body));
          return;
        }
        if (type === 'startup') {
          key = body.toString('hex');
          const warm = pooled ? idle.get(key)?.pop() : undefined;
          if (pooled) replenish(key);
          if (warm) {
            attach(warm);
            // Answered at the edge: no far round trip.
            toClient.write(Buffer.concat(warm.greeting));
            return;
          }
          attach(dial());
        }
        tracker.fromClient(type, body);
        forward.push(type === 'startup' ? untypedFrame(body) : frame(type, body));
      });
      if (forward.length && upstream) upstream.toServer.write(Buffer.concat(forward));
    });
    const release = () => {
      sockets.delete(client);
      const target = upstream;
      upstream = undefined;
      if (!target) return;
      target.deliver = undefined;
      target.onGone = undefined;
      const reusable =
        pooled &&
        key !== undefined &&
        target.greeted &&
        target.status === 'I' &&
        !target.socket.destroyed;
      const list = key === undefined ? [] : (idle.get(key) ?? []);
      if (reusable && list.length < maxIdle && tracker.idle()) {
        list.push(target);
        if (key !== undefined) idle.set(key, list);
      } else if (!terminated || !pooled) {
        target.toServer.end();
      } else {
        target.toServer.write(frame('X', Buffer.alloc(0)));
        target.toServer.end();
      }
    };
    client.on('error', () => client.destroy());
    client.on('close', release);
  };

  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        stopListening();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function frame(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(body.length + 4, 1);
  body.copy(out, 5);
  return out;
}

function untypedFrame(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length + 4, 0);
  body.copy(out, 4);
  return out;
}
