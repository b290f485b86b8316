import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPglite } from '../../tools/dev-services/pglite';
import { freePort } from '../../tools/dev-services/stack';

describe('PGlite socket server', () => {
  let server: Awaited<ReturnType<typeof startPglite>>;
  beforeAll(async () => {
    server = await startPglite({ port: await freePort() });
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    await admin`create table items (id uuid primary key default gen_random_uuid(), label text not null, n int not null)`;
    await admin.end();
  }, 60_000);
  afterAll(() => server.close());

  it('keeps concurrent clients apart: typed parameters and transactions never cross', async () => {
    const clients = Array.from({ length: 8 }, () =>
      postgres(server.url, { max: 1, prepare: false, onnotice: () => {}, fetch_types: false }),
    );
    try {
      await Promise.all(
        clients.map(async (sql, c) => {
          for (let i = 0; i < 10; i++) {
            // Differently typed parameters: a Bind landing on another client's statement fails.
            await sql`select id from items where id = ${crypto.randomUUID()}`;
            await sql`select count(*) from items where label = ${`c${c}`}`;
            await sql.begin(async (tx) => {
              const [row] =
                await tx`insert into items (label, n) values (${`c${c}`}, ${i}) returning id`;
              await tx`update items set n = n + 1 where id = ${row?.id}`;
            });
          }
        }),
      );
      const check = postgres(server.url, { max: 1, onnotice: () => {} });
      const [row] = await check`select count(*)::int as rows, sum(n)::int as total from items`;
      await check.end();
      expect(row).toEqual({ rows: 80, total: 8 * 55 });
    } finally {
      await Promise.all(clients.map((sql) => sql.end()));
    }
  });

  it('rolls back a transaction whose client hangs up', async () => {
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    await sql
      .begin(async (tx) => {
        await tx`insert into items (label, n) values ('ghost', 1)`;
        throw new Error('client gives up');
      })
      .catch(() => {});
    await sql.end();
    const check = postgres(server.url, { max: 1, onnotice: () => {} });
    const rows = await check`select 1 from items where label = 'ghost'`;
    await check.end();
    expect(rows).toHaveLength(0);
  });
});
