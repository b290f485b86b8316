import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { serialiseBatches } from './pglite-batches';

export interface PgliteServer {
  url: string;
  close(): Promise<void>;
}

/**
 * PGlite (PostgreSQL in WebAssembly) behind its Postgres wire-protocol socket, so the
 * Worker reaches it over TCP with the same driver it uses for a real server. More than one
 * connection must be allowed: with 1, a second request's connection waits forever.
 */
export async function startPglite(opts: {
  port: number;
  host?: string;
  /** A directory for durable data, or undefined for an in-memory database. */
  dataDir?: string;
  maxConnections?: number;
}): Promise<PgliteServer> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({
    db,
    port: opts.port,
    host,
    maxConnections: opts.maxConnections ?? 20,
  });
  serialiseBatches(server);
  await server.start();
  return {
    url: `postgres://postgres:postgres@${host}:${opts.port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
