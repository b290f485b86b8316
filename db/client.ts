import { Pool } from '@neondatabase/serverless';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNeon } from 'drizzle-orm/neon-serverless';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
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
 * driver (WebSocket, interactive transactions); anything else uses postgres.js over TCP,
 * which loads both under wrangler and in Node (node-postgres does not load in the
 * Workers vitest pool).
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
  const client = postgres(url, {
    max: options.max ?? 1,
    // The type catalogue query costs one round trip per connection and we use no custom types.
    fetch_types: false,
    // A connection lives for one request, so named statements would never be reused; and
    // behind a pooler (or PGlite's socket, which shares one backend between connections)
    // named statements from different clients can collide.
    prepare: false,
    connect_timeout: 5,
    idle_timeout: 20,
    onnotice: () => {},
  });
  return {
    db: drizzlePostgres({ client, schema }) as unknown as Database,
    driver: 'postgres',
    close: () => client.end({ timeout: 1 }),
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
