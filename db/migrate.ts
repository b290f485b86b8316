import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { openDatabase } from './client';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the committed SQL migrations (drizzle-kit output) to a database, in order, once. */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const handle = openDatabase(databaseUrl);
  try {
    // The postgres-js migrator is driver-specific; the handle holds a postgres-js client here.
    await migrate(handle.db as unknown as Parameters<typeof migrate>[0], {
      migrationsFolder: MIGRATIONS,
    });
  } finally {
    await handle.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to the database to migrate.');
    process.exit(1);
  }
  await runMigrations(url);
  console.log('migrations applied');
}
