import { spawnSync } from 'node:child_process';
import postgres from 'postgres';

/**
 * Runs the integration suite a second time against the real PostgreSQL server, when one
 * answers (CI always has one; a fresh laptop may not, and then this pass is skipped).
 */
const url = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
let available = false;
try {
  await probe`select 1`;
  available = true;
} catch (err) {
  console.log(
    `PostgreSQL pass skipped: no server answers at ${new URL(url).host} (${(err as Error).message}).`,
  );
} finally {
  await probe.end({ timeout: 1 }).catch(() => {});
}
if (available) {
  console.log(`Integration suite against the real PostgreSQL server at ${new URL(url).host}`);
  const run = spawnSync('vitest', ['run', '--project', 'integration'], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DB: 'postgres' },
  });
  process.exit(run.status ?? 1);
}
