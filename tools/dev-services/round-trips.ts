import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import * as http from './http';

/** One exchange with a backing service: the client spoke, then waited until `end`. */
export interface Exchange {
  service: 'postgres' | 'redis';
  /** Connection number (Postgres) or request number (Redis). */
  conn: number;
  /** Milliseconds on the recorder's clock: when the client's first bytes arrived. */
  start: number;
  /** When the answer that handed the turn back was delivered to the client; unset while open. */
  end?: number;
  /** SQL statements, `(start-up)`, `(auth)` or the Redis command(s). */
  text: string[];
}

/**
 * Keeps the exchanges of the Postgres and Redis proxies (a bounded log) and the delay they add
 * to each direction, so a test or the bench can count the sequential round trips of a window.
 */
export class RoundTripRecorder {
  readonly exchanges: Exchange[] = [];
  /** Added to each direction of every Postgres and Redis link, in milliseconds. */
  delayMs = 0;
  /** While true the Worker cannot reach Postgres: its connections are cut and refused. */
  postgresDown = false;
  private readonly outageListeners = new Set<() => void>();
  private nextConn = 1;

  /** Called when an outage starts (the Postgres proxy cuts its client connections). */
  onOutage(listener: () => void): () => void {
    this.outageListeners.add(listener);
    return () => this.outageListeners.delete(listener);
  }

  setPostgresDown(down: boolean): void {
    this.postgresDown = down;
    if (down) for (const listener of this.outageListeners) listener();
  }

  now(): number {
    return performance.now();
  }

  connectionId(): number {
    return this.nextConn++;
  }

  open(service: Exchange['service'], conn: number, text: string[] = []): Exchange {
    const exchange: Exchange = { service, conn, start: this.now(), text };
    this.exchanges.push(exchange);
    // A long dev session must not grow without bound.
    if (this.exchanges.length > 20_000) this.exchanges.splice(0, 10_000);
    return exchange;
  }

  /** True when no exchange is open and none ended in the last `ms`. */
  quiet(ms: number): boolean {
    const now = this.now();
    for (let i = this.exchanges.length - 1; i >= 0; i--) {
      const e = this.exchanges[i];
      if (!e) continue;
      // Exchanges are appended in start order; a minute back is far enough (a stuck one is
      // not trailing work).
      if (now - e.start > 60_000) break;
      if (e.end === undefined || now - e.end < ms) return false;
    }
    return true;
  }

  /** The exchanges that started at or after `from` and were answered by `to`. */
  window(from: number, to: number): Exchange[] {
    return this.exchanges.filter((e) => e.start >= from && e.end !== undefined && e.end <= to);
  }
}

/**
 * The length of the longest chain of exchanges that do not overlap: the round trips a client
 * had to wait for one after the other. Parallel exchanges and a pipelined batch count once
 * (greedy by earliest end is optimal for this interval-scheduling count).
 */
export function sequentialRoundTrips(exchanges: Pick<Exchange, 'start' | 'end'>[]): number {
  const done = exchanges
    .filter((e): e is { start: number; end: number } => e.end !== undefined)
    .sort((a, b) => a.end - b.end);
  let count = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const e of done) {
    if (e.start >= lastEnd) {
      count++;
      lastEnd = e.end;
    }
  }
  return count;
}

export interface WindowReport {
  postgres: { roundTrips: number; exchanges: Exchange[] };
  redis: { roundTrips: number; exchanges: Exchange[] };
  /** Postgres and Redis together: a Redis call in parallel with a query counts once. */
  total: { roundTrips: number };
}

export function report(recorder: RoundTripRecorder, from: number, to: number): WindowReport {
  const all = recorder.window(from, to).sort((a, b) => a.start - b.start);
  const postgres = all.filter((e) => e.service === 'postgres');
  const redis = all.filter((e) => e.service === 'redis');
  return {
    postgres: { roundTrips: sequentialRoundTrips(postgres), exchanges: postgres },
    redis: { roundTrips: sequentialRoundTrips(redis), exchanges: redis },
    total: { roundTrips: sequentialRoundTrips(all) },
  };
}

async function handleControl(
  recorder: RoundTripRecorder,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  if (url.pathname === '/now') return http.sendJson(res, 200, { now: recorder.now() });
  if (url.pathname === '/window') {
    const from = Number(url.searchParams.get('from') ?? 0);
    const to = Number(url.searchParams.get('to') ?? recorder.now());
    return http.sendJson(res, 200, report(recorder, from, to));
  }
  if (url.pathname === '/quiet') {
    // Waits for work trailing an earlier request (a waitUntil write) to finish, so that it is
    // not counted against the next request's budget.
    const ms = Number(url.searchParams.get('ms') ?? 100);
    const deadline = recorder.now() + Number(url.searchParams.get('timeout') ?? 5_000);
    while (!recorder.quiet(ms) && recorder.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return http.sendJson(res, 200, { quiet: recorder.quiet(ms), now: recorder.now() });
  }
  if (url.pathname === '/delay' && req.method === 'POST') {
    const body = http.parseJsonBody(await http.readBody(req, 1_000, () => new Error('big')), () =>
      Error('not JSON'),
    ) as { ms?: unknown };
    if (typeof body.ms !== 'number' || body.ms < 0) return http.sendJson(res, 400, {});
    recorder.delayMs = body.ms;
    return http.sendJson(res, 200, { delayMs: recorder.delayMs });
  }
  if (url.pathname === '/outage' && req.method === 'POST') {
    const body = http.parseJsonBody(await http.readBody(req, 1_000, () => new Error('big')), () =>
      Error('not JSON'),
    ) as { postgres?: unknown };
    if (typeof body.postgres !== 'boolean') return http.sendJson(res, 400, {});
    recorder.setPostgresDown(body.postgres);
    return http.sendJson(res, 200, { postgresDown: recorder.postgresDown });
  }
  return http.sendJson(res, 404, {
    error:
      'GET /now, GET /window?from&to, GET /quiet?ms&timeout, POST /delay {ms}, POST /outage {postgres}',
  });
}

/**
 * Serves `GET /now`, `GET /window?from=&to=`, `GET /quiet?ms=&timeout=`, `POST /delay {ms}` and
 * `POST /outage {postgres: boolean}` (cuts the Worker off Postgres) for tests and the bench.
 */
export function serveControl(recorder: RoundTripRecorder, port = 0): Promise<http.Listening> {
  return http.serveJson({
    port,
    host: '127.0.0.1',
    handle: (req, res) => handleControl(recorder, req, res),
    errorReply: (error) => [500, { error: http.errorMessage(error) }],
  });
}
