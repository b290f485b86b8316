import { join } from 'node:path';
import { DEMO_ACCOUNTS } from '../../db/seed';
import { ROOT, startStack } from './stack';

/**
 * `npm run dev`: the whole platform on http://localhost:8787 with embedded defaults.
 * Stops every service on Ctrl-C.
 */
const port = Number(process.env.PORT ?? 8787);
const stack = await startStack({
  stateDir: join(ROOT, '.data'),
  workerPort: port,
  publicHost: 'localhost',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  userEnvFile: join(ROOT, '.dev.vars'),
  testScheduled: true,
  // Demo payee details so bank-transfer checkout works locally; .dev.vars overrides them.
  vars: {
    BANK_IBAN: 'FR76 0000 0000 0000 0000 0000 000',
    BANK_BIC: 'DEMOFRPP',
    BANK_HOLDER: 'WeBox (demo, local only)',
  },
  verbose: true,
  log: (line) => console.log(`[dev] ${line}`),
});

const width = 64;
const line = '─'.repeat(width);
console.log(`\n${line}`);
console.log(`  WeBox is running at ${stack.baseUrl}`);
console.log(`  API docs:  ${stack.baseUrl}/api/docs`);
console.log(`  Health:    ${stack.baseUrl}/api/health`);
console.log('  Demo logins:');
for (const account of DEMO_ACCOUNTS) {
  console.log(`    ${account.role.padEnd(5)}  ${account.email}  /  ${account.password}`);
}
console.log(`  Mail:      every message is in the email_outbox table and printed here`);
console.log(`  Press Ctrl-C to stop.\n${line}\n`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\n[dev] stopping…');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
