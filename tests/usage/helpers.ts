import type { sql } from '../helpers/api';

/**
 * Makes Postgres refuse the user's usage rows (a trigger that raises, as a database failing
 * mid-write would) and returns the trigger's name; drop the trigger and its function of that
 * name to accept them again.
 */
export async function refuseUsage(db: ReturnType<typeof sql>, userId: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/.test(userId)) throw new Error('unexpected user id');
  const name = `refuse_usage_${userId.replaceAll('-', '')}`;
  await db.unsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'usage refused by the test'; END $$`);
  await db.unsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON usage_events FOR EACH ROW
    WHEN (NEW.user_id = '${userId}') EXECUTE FUNCTION ${name}()`);
  return name;
}

/** Polls until `check` returns a value. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
