import { sql } from 'drizzle-orm';
import { hashPassword } from '../functions/auth/password';
import type { Database } from './client';
import { users } from './schema';

/** The logins printed by `npm run dev`. Local data only: never seeded in production. */
export const DEMO_ACCOUNTS = [
  {
    email: 'admin@webox.local',
    password: 'webox-admin-2026',
    name: 'Ada Admin',
    role: 'admin' as const,
  },
  {
    email: 'demo@webox.local',
    password: 'webox-demo-2026',
    name: 'Dominique Demo',
    role: 'user' as const,
  },
];

/** Inserts the demo accounts if they are missing; running it twice changes nothing. */
export async function seed(db: Database): Promise<void> {
  for (const account of DEMO_ACCOUNTS) {
    await db
      .insert(users)
      .values({
        email: account.email,
        name: account.name,
        role: account.role,
        passwordHash: await hashPassword(account.password),
        emailVerifiedAt: sql`now()`,
      })
      .onConflictDoNothing({ target: users.email });
  }
}
