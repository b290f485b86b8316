import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/client';
import { agents, users } from '../../db/schema';
import { requireModel } from '../models/service';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { randomToken } from '../platform/tokens';
import {
  type AgentLocale,
  BUILTIN_AGENTS,
  type BuiltinAgent,
  builtinId,
  findBuiltin,
} from './builtins';
import { AGENT_LIMITS, type AgentCreate, type AgentPatch } from './schemas';

type AgentRow = typeof agents.$inferSelect;
type Db = Pick<Services, 'db'>;

/** How many agents one account may own; listings stay one cheap query. */
export const MAX_AGENTS_PER_USER = 200;

export interface AgentSummary {
  id: string;
  name: string;
  description: string;
  icon: string;
  defaultModel: string | null;
  temperature: number | null;
  builtin: boolean;
  shared: boolean;
  updatedAt: string | null;
}

export interface Agent extends AgentSummary {
  systemPrompt: string;
  knowledge: string;
  shareUrl: string | null;
  createdAt: string | null;
}

/** What someone holding a share link sees: never the owner. */
export interface SharedAgent {
  name: string;
  icon: string;
  description: string;
  systemPrompt: string;
  defaultModel: string | null;
  temperature: number | null;
  knowledge: string;
}

/** What the chat needs to run a conversation with an agent. */
export interface AgentContext {
  id: string;
  name: string;
  icon: string;
  /** The agent's instructions, followed by its reference knowledge under a heading. */
  systemPrompt: string;
  defaultModel: string | null;
  temperature: number | null;
}

/** An agent's name and icon, for listings such as the conversation list. */
export interface AgentLabel {
  name: string;
  icon: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** randomToken(32): 32 bytes in unpadded base64url. */
const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const COPY_SUFFIX: Record<AgentLocale, string> = { fr: ' (copie)', en: ' (copy)' };
const KNOWLEDGE_HEADING: Record<AgentLocale, string> = {
  fr: 'Connaissances de référence :',
  en: 'Reference knowledge:',
};

const notFound = () => new ApiError('NOT_FOUND', 'There is no such agent.');
const readOnly = () =>
  new ApiError('FORBIDDEN', 'Built-in agents are read-only; duplicate one to change it.');

/** The caller's language for built-in agents; French unless they chose English. */
export async function userLocale(services: Db, userId: string): Promise<AgentLocale> {
  const [row] = await services.db
    .select({ locale: users.locale })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.locale === 'en' ? 'en' : 'fr';
}

function shareUrl(appOrigin: string, token: string): string {
  return `${appOrigin}/agents?shared=${encodeURIComponent(token)}`;
}

function builtinAgent(agent: BuiltinAgent, locale: AgentLocale): Agent {
  const text = agent[locale];
  return {
    id: builtinId(agent),
    name: text.name,
    description: text.description,
    icon: agent.icon,
    defaultModel: null,
    temperature: agent.temperature,
    builtin: true,
    shared: false,
    updatedAt: null,
    systemPrompt: text.systemPrompt,
    knowledge: '',
    shareUrl: null,
    createdAt: null,
  };
}

function ownAgent(row: AgentRow, appOrigin: string): Agent {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    icon: row.icon,
    defaultModel: row.defaultModel,
    temperature: row.temperature,
    builtin: false,
    shared: row.shareToken !== null,
    updatedAt: row.updatedAt.toISOString(),
    systemPrompt: row.systemPrompt,
    knowledge: row.knowledge,
    shareUrl: row.shareToken ? shareUrl(appOrigin, row.shareToken) : null,
    createdAt: row.createdAt.toISOString(),
  };
}

function summary(agent: Agent): AgentSummary {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    icon: agent.icon,
    defaultModel: agent.defaultModel,
    temperature: agent.temperature,
    builtin: agent.builtin,
    shared: agent.shared,
    updatedAt: agent.updatedAt,
  };
}

/** The caller's own agent row by id; 404 for a malformed id or someone else's agent. */
async function ownRow(services: Db, userId: string, id: string): Promise<AgentRow> {
  if (!UUID.test(id)) throw notFound();
  const [row] = await services.db
    .select()
    .from(agents)
    .where(and(eq(agents.id, id), eq(agents.ownerId, userId)))
    .limit(1);
  if (!row) throw notFound();
  return row;
}

/** A built-in agent in the caller's language, or the caller's own agent; 404 otherwise. */
async function loadAgent(services: Services, userId: string, id: string): Promise<Agent> {
  const builtin = findBuiltin(id);
  if (builtin) return builtinAgent(builtin, await userLocale(services, userId));
  return ownAgent(await ownRow(services, userId, id), services.config.appOrigin);
}

/** Fails with 409 when the caller already owns as many agents as allowed. */
async function assertRoomForAgent(services: Db, userId: string): Promise<void> {
  const [row] = await services.db
    .select({ n: count() })
    .from(agents)
    .where(eq(agents.ownerId, userId));
  if ((row?.n ?? 0) >= MAX_AGENTS_PER_USER) {
    throw new ApiError(
      'CONFLICT',
      `You already have ${MAX_AGENTS_PER_USER} agents; delete one before adding another.`,
    );
  }
}

/** The default model must be an enabled registry slug (requireModel also refuses unknown providers). */
async function assertModel(services: Db, slug: string | null | undefined): Promise<void> {
  if (slug) await requireModel(services.db, slug);
}

/** "<name> (copy)" in the caller's language, shortened so it still fits the name limit. */
export function copyName(name: string, locale: AgentLocale): string {
  const suffix = COPY_SUFFIX[locale];
  let base = [...name.trim()];
  while (base.join('').length + suffix.length > AGENT_LIMITS.name) base = base.slice(0, -1);
  return `${base.join('').trimEnd()}${suffix}`;
}

/** The built-in agents in the caller's language, then the caller's own, most recent first. */
export async function listAgents(services: Services, userId: string): Promise<AgentSummary[]> {
  const [locale, rows] = await Promise.all([
    userLocale(services, userId),
    services.db
      .select()
      .from(agents)
      .where(eq(agents.ownerId, userId))
      .orderBy(desc(agents.updatedAt), desc(agents.id)),
  ]);
  return [
    ...BUILTIN_AGENTS.map((agent) => summary(builtinAgent(agent, locale))),
    ...rows.map((row) => summary(ownAgent(row, services.config.appOrigin))),
  ];
}

/** One agent the caller may read: a built-in one or their own. */
export function getAgent(services: Services, userId: string, id: string): Promise<Agent> {
  return loadAgent(services, userId, id);
}

/** Creates an agent owned by the caller. */
export async function createAgent(
  services: Services,
  userId: string,
  input: AgentCreate,
): Promise<Agent> {
  await assertModel(services, input.defaultModel);
  await assertRoomForAgent(services, userId);
  const [row] = await services.db
    .insert(agents)
    .values({
      ownerId: userId,
      name: input.name,
      description: input.description ?? '',
      systemPrompt: input.systemPrompt,
      knowledge: input.knowledge ?? '',
      icon: input.icon ?? '🤖',
      temperature: input.temperature ?? null,
      defaultModel: input.defaultModel ?? null,
    })
    .returning();
  if (!row) throw new Error('agents insert returned no row');
  return ownAgent(row, services.config.appOrigin);
}

/** Changes the caller's own agent; built-in agents are read-only (403). */
export async function updateAgent(
  services: Services,
  userId: string,
  id: string,
  patch: AgentPatch,
): Promise<Agent> {
  if (findBuiltin(id)) throw readOnly();
  await ownRow(services, userId, id);
  await assertModel(services, patch.defaultModel);
  const [row] = await services.db
    .update(agents)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(agents.id, id), eq(agents.ownerId, userId)))
    .returning();
  if (!row) throw notFound();
  return ownAgent(row, services.config.appOrigin);
}

/** Deletes the caller's own agent; its share link dies with it. */
export async function deleteAgent(services: Services, userId: string, id: string): Promise<void> {
  if (findBuiltin(id)) throw readOnly();
  if (!UUID.test(id)) throw notFound();
  const deleted = await services.db
    .delete(agents)
    .where(and(eq(agents.id, id), eq(agents.ownerId, userId)))
    .returning({ id: agents.id });
  if (deleted.length === 0) throw notFound();
}

async function insertCopy(
  services: Services,
  userId: string,
  source: SharedAgent,
  locale: AgentLocale,
): Promise<Agent> {
  await assertRoomForAgent(services, userId);
  const [row] = await services.db
    .insert(agents)
    .values({
      ownerId: userId,
      name: copyName(source.name, locale),
      description: source.description,
      systemPrompt: source.systemPrompt,
      knowledge: source.knowledge,
      icon: source.icon,
      temperature: source.temperature,
      defaultModel: source.defaultModel,
    })
    .returning();
  if (!row) throw new Error('agents insert returned no row');
  return ownAgent(row, services.config.appOrigin);
}

/** Copies a built-in agent (in the caller's language) or one of the caller's own into a new one. */
export async function duplicateAgent(
  services: Services,
  userId: string,
  id: string,
): Promise<Agent> {
  const locale = await userLocale(services, userId);
  const source = await loadAgent(services, userId, id);
  return insertCopy(services, userId, source, locale);
}

/**
 * Turns on the agent's read-only share link. Sharing an agent that already has a link
 * returns the same link, so a second click never breaks links already sent.
 */
export async function shareAgent(
  services: Services,
  userId: string,
  id: string,
): Promise<{ shareUrl: string; token: string }> {
  if (findBuiltin(id)) throw readOnly();
  const row = await ownRow(services, userId, id);
  if (row.shareToken) {
    return { shareUrl: shareUrl(services.config.appOrigin, row.shareToken), token: row.shareToken };
  }
  const token = randomToken(32);
  try {
    const [updated] = await services.db
      .update(agents)
      .set({ shareToken: token, updatedAt: new Date() })
      .where(and(eq(agents.id, id), eq(agents.ownerId, userId), isNull(agents.shareToken)))
      .returning({ shareToken: agents.shareToken });
    // Null when a concurrent request shared it first: answer with the link it stored.
    const stored = updated?.shareToken ?? (await ownRow(services, userId, id)).shareToken;
    if (!stored) throw notFound();
    return { shareUrl: shareUrl(services.config.appOrigin, stored), token: stored };
  } catch (err) {
    if (isUniqueViolation(err, 'agents_share_token_key')) {
      throw new ApiError('CONFLICT', 'Creating the share link collided; try again.');
    }
    throw err;
  }
}

/** Revokes the agent's share link: the old link stops working at once. */
export async function unshareAgent(services: Services, userId: string, id: string): Promise<void> {
  if (findBuiltin(id)) throw readOnly();
  await ownRow(services, userId, id);
  await services.db
    .update(agents)
    .set({ shareToken: null, updatedAt: new Date() })
    .where(and(eq(agents.id, id), eq(agents.ownerId, userId)));
}

/** The read-only view behind a share link; 404 once the link is revoked. */
export async function getSharedAgent(services: Db, token: string): Promise<SharedAgent> {
  if (!SHARE_TOKEN.test(token)) throw notFound();
  const [row] = await services.db
    .select({
      name: agents.name,
      icon: agents.icon,
      description: agents.description,
      systemPrompt: agents.systemPrompt,
      defaultModel: agents.defaultModel,
      temperature: agents.temperature,
      knowledge: agents.knowledge,
    })
    .from(agents)
    .where(eq(agents.shareToken, token))
    .limit(1);
  if (!row) throw notFound();
  return row;
}

/** Copies a shared agent into the caller's own agents. */
export async function duplicateSharedAgent(
  services: Services,
  userId: string,
  token: string,
): Promise<Agent> {
  const source = await getSharedAgent(services, token);
  return insertCopy(services, userId, source, await userLocale(services, userId));
}

/**
 * The agent a chat runs with: a built-in one in the caller's language, or the caller's own
 * (its knowledge appended under a heading). Someone else's agent, or none, is NOT_FOUND.
 */
export async function resolveAgent(
  services: Db,
  userId: string,
  agentId: string,
): Promise<AgentContext> {
  const locale = await userLocale(services, userId);
  const row = findBuiltin(agentId) ? null : await ownRow(services, userId, agentId);
  const context = agentContext(agentId, locale, row);
  if (!context) throw notFound();
  return context;
}

/**
 * The chat context of an agent id from what was read for it: a built-in one in `locale`, else
 * `row` (the caller's own agent row, read by the caller); null when neither (a deleted or
 * foreign agent: the conversation goes on without instructions).
 */
export function agentContext(
  agentId: string,
  locale: string | null,
  row: AgentRow | null,
): AgentContext | null {
  const lang: AgentLocale = locale === 'en' ? 'en' : 'fr';
  const builtin = findBuiltin(agentId);
  if (builtin) {
    const text = builtin[lang];
    return {
      id: builtinId(builtin),
      name: text.name,
      icon: builtin.icon,
      systemPrompt: text.systemPrompt,
      defaultModel: null,
      temperature: builtin.temperature,
    };
  }
  if (!row) return null;
  const knowledge = row.knowledge.trim();
  return {
    id: row.id,
    name: row.name,
    icon: row.icon,
    systemPrompt: knowledge
      ? `${row.systemPrompt}\n\n${KNOWLEDGE_HEADING[lang]}\n${knowledge}`
      : row.systemPrompt,
    defaultModel: row.defaultModel,
    temperature: row.temperature,
  };
}

/**
 * Names and icons of the given agent ids that the caller may see, for listings. Ids of
 * deleted, foreign or malformed agents are simply absent from the map.
 */
export async function agentLabels(
  services: Db,
  userId: string,
  agentIds: readonly string[],
): Promise<Map<string, AgentLabel>> {
  const labels = new Map<string, AgentLabel>();
  const ids = [...new Set(agentIds)];
  const own = ids.filter((id) => UUID.test(id));
  const builtins = ids.flatMap((id) => {
    const agent = findBuiltin(id);
    return agent ? [agent] : [];
  });
  if (builtins.length > 0) {
    const locale = await userLocale(services, userId);
    for (const agent of builtins) {
      labels.set(builtinId(agent), { name: agent[locale].name, icon: agent.icon });
    }
  }
  if (own.length > 0) {
    const rows = await services.db
      .select({ id: agents.id, name: agents.name, icon: agents.icon })
      .from(agents)
      .where(and(eq(agents.ownerId, userId), inArray(agents.id, own)));
    for (const row of rows) labels.set(row.id, { name: row.name, icon: row.icon });
  }
  return labels;
}

/** One agent's name and icon for the caller, or null when they cannot see it. */
export async function agentLabel(
  services: Db,
  userId: string,
  agentId: string,
): Promise<AgentLabel | null> {
  return (await agentLabels(services, userId, [agentId])).get(agentId) ?? null;
}
