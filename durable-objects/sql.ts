/**
 * A tagged template over a Durable Object's SQLite storage with bound parameters:
 * sql`SELECT * FROM items WHERE id = ${id}` never splices values into the text.
 */
export function sqlTag(storage: DurableObjectStorage) {
  return <T extends Record<string, SqlStorageValue>>(
    strings: TemplateStringsArray,
    ...values: SqlStorageValue[]
  ): T[] => storage.sql.exec<T>(strings.join('?'), ...values).toArray();
}

/**
 * Runs ordered schema migrations once per object, under blockConcurrencyWhile so no
 * request sees a half-built schema; the applied version is kept in `_meta`.
 */
export async function migrate(ctx: DurableObjectState, steps: string[]): Promise<void> {
  await ctx.blockConcurrencyWhile(async () => {
    const { sql } = ctx.storage;
    sql.exec('CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
    const row = sql
      .exec<{ value: number }>("SELECT value FROM _meta WHERE key = 'schema'")
      .toArray()[0];
    const current = row?.value ?? 0;
    for (let version = current; version < steps.length; version++) {
      const step = steps[version];
      if (step) sql.exec(step);
      sql.exec(
        "INSERT INTO _meta (key, value) VALUES ('schema', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        version + 1,
      );
    }
  });
}
