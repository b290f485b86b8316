import { and, eq, sql } from 'drizzle-orm';
import { hashPassword } from '../functions/auth/password';
import type { Database } from './client';
import { prompts, users } from './schema';

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

/** Public prompts of the demo admin, so the library is not empty on a fresh `npm run dev`. */
export const DEMO_PROMPTS = [
  {
    title: 'Summarise a text',
    category: 'writing',
    tags: ['summary', 'reading'],
    body: 'Summarise the text below in {{length}} bullet points. Keep the key figures and names, drop the examples, and end with one sentence on what the reader should do next.\n\nText:\n{{text}}',
  },
  {
    title: 'Cold e-mail to a prospect',
    category: 'sales',
    tags: ['email', 'outreach'],
    body: 'Write a cold e-mail to {{contact}} at {{company}} about {{product}}. Under 120 words, one concrete benefit for {{company}}, one question as the call to action, no buzzwords. Give two subject lines.',
  },
  {
    title: 'Rédiger une réponse client',
    category: 'support',
    tags: ['français', 'client'],
    body: 'Rédige une réponse courtoise et claire au message client ci-dessous. Reconnais le problème, donne la solution en étapes numérotées, puis indique le délai : {{délai}}. Ton : {{ton}}.\n\nMessage du client :\n{{message}}',
  },
  {
    title: 'Explain code',
    category: 'development',
    tags: ['code', 'review'],
    body: 'Explain what this {{language}} code does, step by step, for a developer new to the project. Then list possible bugs, edge cases and one improvement.\n\n```{{language}}\n{{code}}\n```',
  },
  {
    title: 'Social media post',
    category: 'marketing',
    tags: ['social', 'copy'],
    body: 'Write three {{network}} posts announcing {{announcement}} to {{audience}}. Each under 60 words, each with a different angle (benefit, story, question), and at most two hashtags.',
  },
  {
    title: 'Meeting notes to action items',
    category: 'productivity',
    tags: ['meeting', 'summary'],
    body: 'Turn these meeting notes into a table of action items with owner, deadline and status, then list open questions and decisions made.\n\nNotes:\n{{notes}}',
  },
];

/** Inserts the demo accounts and prompts if they are missing; running it twice changes nothing. */
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
  const adminEmail = DEMO_ACCOUNTS.find((account) => account.role === 'admin')?.email ?? '';
  const [admin] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, adminEmail))
    .limit(1);
  if (!admin) return;
  for (const prompt of DEMO_PROMPTS) {
    const [existing] = await db
      .select({ id: prompts.id })
      .from(prompts)
      .where(and(eq(prompts.ownerId, admin.id), eq(prompts.title, prompt.title)))
      .limit(1);
    if (!existing)
      await db.insert(prompts).values({ ...prompt, ownerId: admin.id, isPublic: true });
  }
}
