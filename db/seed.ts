import { and, eq, sql } from 'drizzle-orm';
import { hashPassword } from '../functions/auth/password';
import type { Database } from './client';
import { productCategories, products, promoCodes, prompts, users } from './schema';

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

/** The demo catalog's categories, by slug. */
export const DEMO_CATEGORIES = [
  {
    slug: 'ebooks-templates',
    nameFr: 'Livres et modèles',
    nameEn: 'E-books and templates',
    sortOrder: 10,
  },
  { slug: 'credit-packs', nameFr: 'Packs de crédits', nameEn: 'Credit packs', sortOrder: 20 },
  { slug: 'plans', nameFr: 'Abonnements', nameEn: 'Plans', sortOrder: 30 },
  { slug: 'merch', nameFr: 'Boutique', nameEn: 'Merchandise', sortOrder: 40 },
] as const;

type DemoProduct = Omit<typeof products.$inferInsert, 'categoryId'> & {
  category: (typeof DEMO_CATEGORIES)[number]['slug'];
};

/** The demo catalog: prices in cents, VAT included (e-books at the French 5.5 % rate). */
export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    slug: 'guide-des-prompts',
    kind: 'digital',
    category: 'ebooks-templates',
    nameFr: 'Le guide des prompts',
    nameEn: 'The prompt guide',
    descriptionFr:
      'Un livre numérique de 120 pages pour écrire des prompts clairs, avec 60 exemples.',
    descriptionEn: 'A 120-page e-book on writing clear prompts, with 60 worked examples.',
    priceMinor: 1490,
    taxRateBps: 550,
  },
  {
    slug: 'modeles-emails-pro',
    kind: 'digital',
    category: 'ebooks-templates',
    nameFr: 'Modèles d’e-mails professionnels',
    nameEn: 'Business e-mail templates',
    descriptionFr:
      '50 modèles d’e-mails prêts à adapter avec l’IA : prospection, relance, support.',
    descriptionEn: '50 e-mail templates to adapt with AI: outreach, follow-up, support.',
    priceMinor: 990,
  },
  {
    slug: 'kit-reseaux-sociaux',
    kind: 'digital',
    category: 'ebooks-templates',
    nameFr: 'Kit réseaux sociaux',
    nameEn: 'Social media kit',
    descriptionFr: 'Un calendrier éditorial et 100 idées de publications à générer.',
    descriptionEn: 'An editorial calendar and 100 post ideas to generate.',
    priceMinor: 1900,
  },
  {
    slug: 'credits-100',
    kind: 'credit_pack',
    category: 'credit-packs',
    nameFr: '100 crédits',
    nameEn: '100 credits',
    descriptionFr: 'Pour essayer la génération d’images et d’audio.',
    descriptionEn: 'To try image and audio generation.',
    priceMinor: 500,
    credits: 100,
  },
  {
    slug: 'credits-500',
    kind: 'credit_pack',
    category: 'credit-packs',
    nameFr: '500 crédits',
    nameEn: '500 credits',
    descriptionFr: 'Le pack le plus choisi : 20 % de crédits en plus.',
    descriptionEn: 'The most popular pack: 20 % more credits.',
    priceMinor: 1990,
    credits: 500,
  },
  {
    slug: 'credits-2000',
    kind: 'credit_pack',
    category: 'credit-packs',
    nameFr: '2 000 crédits',
    nameEn: '2,000 credits',
    descriptionFr: 'Pour les équipes qui génèrent beaucoup de médias.',
    descriptionEn: 'For teams that generate a lot of media.',
    priceMinor: 5990,
    credits: 2000,
  },
  {
    slug: 'plan-pro-mensuel',
    kind: 'plan',
    category: 'plans',
    nameFr: 'Abonnement Pro mensuel',
    nameEn: 'Pro plan, monthly',
    descriptionFr: 'Plus de modèles, des quotas plus hauts et l’historique illimité.',
    descriptionEn: 'More models, higher quotas and unlimited history.',
    priceMinor: 1900,
    plan: 'pro',
    billingInterval: 'month',
  },
  {
    slug: 'plan-business-mensuel',
    kind: 'plan',
    category: 'plans',
    nameFr: 'Abonnement Business mensuel',
    nameEn: 'Business plan, monthly',
    descriptionFr: 'Les quotas les plus hauts, l’API et le support prioritaire.',
    descriptionEn: 'The highest quotas, the API and priority support.',
    priceMinor: 4900,
    plan: 'business',
    billingInterval: 'month',
  },
  {
    slug: 't-shirt-webox',
    kind: 'physical',
    category: 'merch',
    nameFr: 'T-shirt WeBox',
    nameEn: 'WeBox T-shirt',
    descriptionFr: 'T-shirt en coton biologique, logo brodé.',
    descriptionEn: 'Organic cotton T-shirt with an embroidered logo.',
    priceMinor: 2490,
    stock: 25,
  },
  {
    slug: 'mug-webox',
    kind: 'physical',
    category: 'merch',
    nameFr: 'Mug WeBox',
    nameEn: 'WeBox mug',
    descriptionFr: 'Mug en céramique de 33 cl.',
    descriptionEn: 'A 33 cl ceramic mug.',
    priceMinor: 1490,
    stock: 40,
  },
];

/** Demo promo codes: 10 % off once per buyer, and free shipping. */
export const DEMO_PROMO_CODES: Array<typeof promoCodes.$inferInsert> = [
  { code: 'BIENVENUE10', kind: 'percent', value: 10, perUserLimit: 1 },
  { code: 'LIVRAISON', kind: 'free_shipping' },
];

/** Inserts the demo catalog and promo codes that are missing (matched by slug and code). */
async function seedCatalog(db: Database): Promise<void> {
  for (const category of DEMO_CATEGORIES) {
    await db
      .insert(productCategories)
      .values(category)
      .onConflictDoNothing({ target: productCategories.slug });
  }
  const categories = await db
    .select({ id: productCategories.id, slug: productCategories.slug })
    .from(productCategories);
  const idOf = new Map(categories.map((row) => [row.slug, row.id]));
  for (const { category, ...product } of DEMO_PRODUCTS) {
    await db
      .insert(products)
      .values({ ...product, categoryId: idOf.get(category) ?? null })
      .onConflictDoNothing({ target: products.slug });
  }
  for (const promo of DEMO_PROMO_CODES) {
    await db.insert(promoCodes).values(promo).onConflictDoNothing({ target: promoCodes.code });
  }
}

/**
 * Inserts the demo catalog, accounts and prompts that are missing; running it twice changes
 * nothing.
 */
export async function seed(db: Database): Promise<void> {
  await seedCatalog(db);
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
