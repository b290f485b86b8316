import { expect } from 'vitest';
import { call, json, type TestUser } from '../helpers/api';

/** An agent as the API returns it (GET /api/agents/{id}). */
export interface AgentBody {
  id: string;
  name: string;
  description: string;
  icon: string;
  systemPrompt: string;
  knowledge: string;
  defaultModel: string | null;
  temperature: number | null;
  builtin: boolean;
  shared: boolean;
  shareUrl: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export type AgentSummaryBody = Omit<
  AgentBody,
  'systemPrompt' | 'knowledge' | 'shareUrl' | 'createdAt'
>;

export const BUILTIN_KEYS = [
  'sales',
  'marketing',
  'finance',
  'legal',
  'hr',
  'support',
  'developer',
  'copywriter',
];

/** Creates an agent for `user` and returns it; fails the test unless the API answers 201. */
export async function createAgent(
  user: TestUser,
  fields: Record<string, unknown> = {},
): Promise<AgentBody> {
  const res = await call('/api/agents', {
    token: user.accessToken,
    json: { name: 'Release notes', systemPrompt: 'Write release notes.', ...fields },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<AgentBody>(res);
}

/** The caller's agent list. */
export async function listAgents(user: TestUser): Promise<AgentSummaryBody[]> {
  const res = await call('/api/agents', { token: user.accessToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ items: AgentSummaryBody[] }>(res)).items;
}

/** Switches the user's profile language, which picks the built-in agents' language. */
export async function setLocale(user: TestUser, locale: 'fr' | 'en'): Promise<void> {
  const res = await call('/api/profile', {
    method: 'PATCH',
    token: user.accessToken,
    json: { locale },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Turns on the agent's share link and returns its token and URL. */
export async function shareAgent(
  user: TestUser,
  id: string,
): Promise<{ shareUrl: string; token: string }> {
  const res = await call(`/api/agents/${id}/share`, { method: 'POST', token: user.accessToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<{ shareUrl: string; token: string }>(res);
}
