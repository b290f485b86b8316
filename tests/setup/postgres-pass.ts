import { spawnSync } from 'node:child_process';
import postgres from 'postgres';
import { connectTestRedis, TEST_REDIS_URL } from '../helpers/redis';
import { type MissingService, missingServicesVerdict } from './real-services';

/**
 * The last step of `npm test`: runs the integration suite a second time against the real
 * PostgreSQL server, then says loudly which real servers were missing. With CI=true a
 * missing PostgreSQL or Redis fails the run; on a laptop those checks are skipped.
 */
const url = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const missing: MissingService[] = [];

const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
let postgresUp = false;
try {
  await probe`select 1`;
  postgresUp = true;
} catch (err) {
  missing.push({
    name: 'PostgreSQL',
    where: new URL(url).host,
    reason: `${(err as Error).message}; the integration pass on real PostgreSQL did not run`,
  });
} finally {
  await probe.end({ timeout: 1 }).catch(() => {});
}

const redis = await connectTestRedis();
if (redis) redis.disconnect();
else {
  missing.push({
    name: 'Redis',
    where: new URL(TEST_REDIS_URL).host,
    reason: 'no answer; the real-Redis checks ran on the in-memory stand-in or were skipped',
  });
}

let status = 0;
if (postgresUp) {
  console.log(`Integration suite against the real PostgreSQL server at ${new URL(url).host}`);
  const run = spawnSync('vitest', ['run', '--project', 'integration'], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DB: 'postgres' },
  });
  status = run.status ?? 1;
}

const verdict = missingServicesVerdict(missing);
for (const line of verdict.lines) console.log(line);
process.exit(verdict.fail ? 1 : status);
