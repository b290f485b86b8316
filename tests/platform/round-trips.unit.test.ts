import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgProxy } from '../../tools/dev-services/pg-proxy';
import { startPglite } from '../../tools/dev-services/pglite';
import {
  RoundTripRecorder,
  report,
  sequentialRoundTrips,
} from '../../tools/dev-services/round-trips';
import { freePort } from '../../tools/dev-services/stack';

describe('sequentialRoundTrips', () => {
  it('counts the longest chain of exchanges that do not overlap', () => {
    expect(sequentialRoundTrips([])).toBe(0);
    // two parallel reads, then a write: 2
    expect(
      sequentialRoundTrips([
        { start: 0, end: 10 },
        { start: 1, end: 9 },
        { start: 11, end: 20 },
      ]),
    ).toBe(2);
    // three in a row, one still open (ignored)
    expect(
      sequentialRoundTrips([
        { start: 0, end: 1 },
        { start: 1, end: 2 },
        { start: 2, end: 3 },
        { start: 3 },
      ]),
    ).toBe(3);
  });
});

const connect = (url: string) =>
  postgres(url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });

describe('the Postgres round-trip proxy', () => {
  const recorder = new RoundTripRecorder();
  let close: () => Promise<void>;
  let sql: postgres.Sql;
  let relayUrl: string;
  let poolUrl: string;

  beforeAll(async () => {
    const pg = await startPglite({ port: await freePort() });
    const upstream = new URL(pg.url);
    const target = { host: upstream.hostname, port: Number(upstream.port) };
    const relay = await startPgProxy({ upstream: target, port: 0, recorder });
    const pool = await startPgProxy({ upstream: target, port: 0, recorder, mode: 'pool' });
    upstream.port = String(relay.port);
    relayUrl = upstream.toString();
    upstream.port = String(pool.port);
    poolUrl = upstream.toString();
    sql = connect(relayUrl);
    close = async () => {
      await sql.end({ timeout: 1 });
      await relay.close();
      await pool.close();
      await pg.close();
    };
  }, 60_000);
  afterAll(() => close?.());

  it('relay mode: every connection pays its start-up', async () => {
    const from = recorder.now();
    for (let i = 0; i < 2; i++) {
      const client = connect(relayUrl);
      await client`select ${i}::int as n`;
      await client.end();
    }
    const texts = report(recorder, from, recorder.now()).postgres.exchanges.map((e) => e.text[0]);
    // postgres.js describes an unprepared query with parameters before it binds: 2 round trips.
    const q = ['select $1::int as n', '(bind, execute) select $1::int as n'];
    expect(texts).toEqual(['(start-up)', ...q, '(start-up)', ...q]);
  });

  it('pool mode: a later connection is answered from a warm upstream, without a start-up', async () => {
    const from = recorder.now();
    for (let i = 0; i < 3; i++) {
      const client = connect(poolUrl);
      const [row] = await client`select ${i}::int as n`;
      expect(row?.n).toBe(i);
      await client.end();
      // the proxy sees the close just after the client resolves
      await new Promise((r) => setTimeout(r, 20));
    }
    const texts = report(recorder, from, recorder.now()).postgres.exchanges.map((e) => e.text[0]);
    const q = ['select $1::int as n', '(bind, execute) select $1::int as n'];
    expect(texts).toEqual(['(start-up)', ...q, ...q, ...q]);
  });

  it('pool mode: warm spares answer a second concurrent start-up without a far round trip', async () => {
    const first = connect(poolUrl);
    await first`select 1 as n`;
    // the spares are opened in the background once the proxy has seen a start-up packet
    await new Promise((r) => setTimeout(r, 300));
    const from = recorder.now();
    const second = connect(poolUrl);
    const [row] = await second`select ${7}::int as n`;
    expect(row?.n).toBe(7);
    const texts = report(recorder, from, recorder.now()).postgres.exchanges.map((e) => e.text[0]);
    expect(texts).not.toContain('(start-up)');
    await Promise.all([first.end(), second.end()]);
  });

  it('node-postgres sends a parameterised query in one exchange (parse, bind, execute, sync)', async () => {
    const client = new pg.Client({ connectionString: poolUrl });
    await client.connect();
    const from = recorder.now();
    const { rows } = await client.query('select $1::int as n', [5]);
    expect(rows[0]?.n).toBe(5);
    const window = report(recorder, from, recorder.now()).postgres;
    expect(window.exchanges.map((e) => e.text[0])).toEqual(['select $1::int as n']);
    expect(window.roundTrips).toBe(1);
    await client.end();
  });

  it('pool mode: concurrent clients get their own upstream connection', async () => {
    const clients = [connect(poolUrl), connect(poolUrl)];
    const rows = await Promise.all(
      clients.map((c, i) =>
        c.begin(async (tx) => {
          await new Promise((r) => setTimeout(r, 20));
          return tx`select ${i}::int as n, pg_backend_pid() as pid`;
        }),
      ),
    );
    expect(rows.map((r) => r[0]?.n)).toEqual([0, 1]);
    await Promise.all(clients.map((c) => c.end()));
  });

  it('counts start-up, sequential queries and a pipelined batch with their SQL', async () => {
    const from = recorder.now();
    await sql`select 1 as a`;
    await sql`select 2 as b`;
    await Promise.all([sql`select 3 as c`, sql`select 4 as d`]);
    const window = report(recorder, from, recorder.now());
    // start-up (with the first query pipelined behind it or not), 2, then the batch
    expect(window.postgres.exchanges[0]?.text[0]).toBe('(start-up)');
    const texts = window.postgres.exchanges.flatMap((e) => e.text);
    expect(texts.filter((t) => t.startsWith('select'))).toEqual([
      'select 1 as a',
      'select 2 as b',
      'select 3 as c',
      'select 4 as d',
    ]);
    const batch = window.postgres.exchanges.at(-1);
    expect(batch?.text).toEqual(['select 3 as c', 'select 4 as d']);
    expect(window.postgres.roundTrips).toBe(window.postgres.exchanges.length);
    expect(window.postgres.roundTrips).toBeGreaterThanOrEqual(3);
    expect(window.postgres.roundTrips).toBeLessThanOrEqual(4);
  });

  it('delays each direction by the configured amount', async () => {
    recorder.delayMs = 20;
    try {
      const started = performance.now();
      await sql`select 5`;
      expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    } finally {
      recorder.delayMs = 0;
    }
  });
});
