import { Pool } from '@neondatabase/serverless';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNeon } from 'drizzle-orm/neon-serverless';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';

export { schema };
export type Schema = typeof schema;
type Relations = ExtractTablesWithRelations<Schema>;

/** The driver-neutral drizzle database every service receives. */
export type Database = PgDatabase<PgQueryResultHKT, Schema, Relations>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, Relations>;

export interface DbHandle {
  db: Database;
  driver: 'neon' | 'postgres';
  /** Ends the connection; in a Worker pass it to `ctx.waitUntil`, never await it inline. */
  close(): Promise<void>;
}

/** True for Neon's hosts, which are reached over Neon's WebSocket proxy. */
export function isNeonUrl(url: string): boolean {
  return /\.neon\.(tech|build)$/i.test(new URL(url).hostname);
}

/**
 * Opens a database for one request (or one process). Neon URLs use the Neon serverless
 * driver (WebSocket, interactive transactions); anything else (local Postgres, Hyperdrive)
 * uses node-postgres over TCP (`cloudflare:sockets` in a Worker, `net` in Node).
 *
 * node-postgres sends an unnamed statement's Parse, Bind, Describe, Execute and Sync in one
 * write, so a query with parameters costs one round trip. (postgres.js without prepared
 * statements sends Parse/Describe first and waits for the parameter types: two round trips
 * per query, which is what issue 13 measured.)
 */
export function openDatabase(url: string, options: { max?: number } = {}): DbHandle {
  if (isNeonUrl(url)) {
    const pool = new Pool({ connectionString: url, max: options.max ?? 1 });
    return {
      db: drizzleNeon({ client: pool, schema }) as unknown as Database,
      driver: 'neon',
      close: () => pool.end(),
    };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 1,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 20_000,
  });
  // An idle connection that the server drops must not crash the isolate or the process.
  pool.on('error', () => {});
  return {
    db: drizzleNodePostgres({ client: pool, schema }) as unknown as Database,
    driver: 'postgres',
    close: () => pool.end(),
  };
}

/** True when a query failed on a unique constraint (SQLSTATE 23505), however the driver wraps it. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as {
      code?: unknown;
      constraint_name?: unknown;
      constraint?: unknown;
    };
    if (candidate.code === '23505') {
      const name = candidate.constraint_name ?? candidate.constraint;
      return constraint === undefined || name === constraint;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
