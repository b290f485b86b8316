import { inject } from 'vitest';
import type { Exchange, WindowReport } from '../../tools/dev-services/round-trips';

/**
 * Counts the sequential Postgres and Redis round trips of one request through the stack's
 * recording proxies (tools/dev-services/round-trips.ts). Integration files run one at a time
 * and a test makes one request at a time, so everything in the window (the Durable Objects'
 * queries too) belongs to the request.
 */
const control = (path: string, init?: RequestInit) =>
  fetch(new URL(path, inject('roundTripsUrl')), init).then(async (res) => {
    if (!res.ok) throw new Error(`round-trip control ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  });

const now = async (): Promise<number> => ((await control('/now')) as { now: number }).now;

/** Sets the delay the proxies add to each direction (ms); tests restore 0 when done. */
export async function setLinkDelay(ms: number): Promise<void> {
  await control('/delay', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms }),
  });
}

/**
 * Waits until no Postgres or Redis exchange is open and none ended in the last 150 ms: work
 * trailing earlier requests (a waitUntil write, queued generation steps) has finished.
 */
export async function waitQuiet(timeoutMs: number): Promise<void> {
  const { quiet } = (await control(`/quiet?ms=150&timeout=${timeoutMs}`)) as { quiet: boolean };
  if (!quiet) throw new Error('round trips: the stack never went quiet before the measurement');
}

export interface Measured {
  /** The response, its body already read (use it as usual). */
  response: Response;
  /** Request start → first byte of the response body. */
  firstByte: WindowReport;
  /** Request start → end of the response body. */
  complete: WindowReport;
}

/**
 * Runs `request` and reports the round trips made before the first byte of its body and before
 * its end. Streams are read to the end; their bytes are kept for `response`.
 */
export async function measureRoundTrips(request: () => Promise<Response>): Promise<Measured> {
  // Work trailing the previous request (a sign-up's verification e-mail, a waitUntil write)
  // belongs to that request, not to this one.
  await waitQuiet(20_000);
  const from = await now();
  const res = await request();
  const chunks: Uint8Array[] = [];
  let firstByteAt: number | undefined;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (value?.length && firstByteAt === undefined) firstByteAt = await now();
      if (value) chunks.push(value);
      if (done) break;
    }
  }
  const endAt = await now();
  firstByteAt ??= endAt;
  const [firstByte, complete] = (await Promise.all([
    control(`/window?from=${from}&to=${firstByteAt}`),
    control(`/window?from=${from}&to=${endAt}`),
  ])) as [WindowReport, WindowReport];
  const response = new Response(
    res.status === 204 || res.status === 304 ? null : Buffer.concat(chunks),
    {
      status: res.status,
      headers: res.headers,
    },
  );
  return { response, firstByte, complete };
}

function listExchanges(exchanges: Exchange[]): string {
  const origin = exchanges[0]?.start ?? 0;
  return exchanges
    .map((e) => {
      const at = `${(e.start - origin).toFixed(1)}–${((e.end ?? e.start) - origin).toFixed(1)} ms`;
      return `    #${e.conn} ${at}: ${e.text.join(' ; ').replace(/\s+/g, ' ').slice(0, 300)}`;
    })
    .join('\n');
}

/** A readable account of a window: its counts and every exchange in order. */
export function describeWindow(report: WindowReport): string {
  return [
    `  postgres: ${report.postgres.roundTrips} sequential round trip(s), ${report.postgres.exchanges.length} exchange(s)`,
    listExchanges(report.postgres.exchanges),
    `  redis: ${report.redis.roundTrips} sequential call(s), ${report.redis.exchanges.length} call(s)`,
    listExchanges(report.redis.exchanges),
    `  together: ${report.total.roundTrips} sequential wait(s)`,
  ]
    .filter(Boolean)
    .join('\n');
}

export interface Budget {
  /** Sequential Postgres round trips allowed before the first byte. */
  postgres: number;
  /** Sequential Redis calls allowed before the first byte (unchecked when absent). */
  redis?: number;
  /** Sequential waits on Postgres or Redis, counted together (unchecked when absent). */
  total?: number;
}

/** Throws, naming the route and listing its queries in order, when `measured` breaks `budget`. */
export function assertBudget(route: string, measured: Measured, budget: Budget): void {
  const { postgres, redis, total } = measured.firstByte;
  const over =
    postgres.roundTrips > budget.postgres ||
    (budget.redis !== undefined && redis.roundTrips > budget.redis) ||
    (budget.total !== undefined && total.roundTrips > budget.total);
  if (!over) return;
  throw new Error(
    `${route} breaks its round-trip budget (postgres ≤ ${budget.postgres}${
      budget.redis !== undefined ? `, redis ≤ ${budget.redis}` : ''
    }${budget.total !== undefined ? `, both together ≤ ${budget.total}` : ''} before the first byte):\n${describeWindow(measured.firstByte)}`,
  );
}

/** Cuts the Worker off Postgres (connections cut and refused) or restores it; tests restore it. */
export async function setPostgresDown(down: boolean): Promise<void> {
  await control('/outage', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ postgres: down }),
  });
}
