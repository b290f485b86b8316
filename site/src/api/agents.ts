import type { Agent, AgentSummary, SharedAgent } from '../../../functions/agents/service';
import { bearer, client, sendJson, sendOk } from './client';

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { Agent, AgentSummary, SharedAgent };

/** What the agent form sends; null clears the model or temperature. */
export interface AgentInput {
  name: string;
  description: string;
  systemPrompt: string;
  knowledge: string;
  icon: string;
  temperature: number | null;
  defaultModel: string | null;
}

/** Built-in agents (in the profile language) and the user's own. */
export async function listAgents(accessToken: string): Promise<AgentSummary[]> {
  return (await sendJson(() => client.api.agents.$get(undefined, bearer(accessToken)))).items;
}

export async function getAgent(accessToken: string, id: string): Promise<Agent> {
  return await sendJson(() =>
    client.api.agents[':id'].$get({ param: { id } }, bearer(accessToken)),
  );
}

export async function createAgent(accessToken: string, input: AgentInput): Promise<Agent> {
  return await sendJson(() => client.api.agents.$post({ json: input }, bearer(accessToken)));
}

export async function updateAgent(
  accessToken: string,
  id: string,
  input: AgentInput,
): Promise<Agent> {
  return await sendJson(() =>
    client.api.agents[':id'].$patch({ param: { id }, json: input }, bearer(accessToken)),
  );
}

export async function deleteAgent(accessToken: string, id: string): Promise<void> {
  await sendOk(() => client.api.agents[':id'].$delete({ param: { id } }, bearer(accessToken)));
}

/** Copies a built-in agent or one of the user's own into a new agent. */
export async function duplicateAgent(accessToken: string, id: string): Promise<Agent> {
  return await sendJson(() =>
    client.api.agents[':id'].duplicate.$post({ param: { id } }, bearer(accessToken)),
  );
}

/** Turns on the read-only share link (or returns the one already on). */
export async function shareAgent(
  accessToken: string,
  id: string,
): Promise<{ shareUrl: string; token: string }> {
  return await sendJson(() =>
    client.api.agents[':id'].share.$post({ param: { id } }, bearer(accessToken)),
  );
}

export async function unshareAgent(accessToken: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.agents[':id'].share.$delete({ param: { id } }, bearer(accessToken)),
  );
}

/** The read-only view behind a share link. */
export async function getSharedAgent(accessToken: string, token: string): Promise<SharedAgent> {
  return await sendJson(() =>
    client.api.agents.shared[':token'].$get({ param: { token } }, bearer(accessToken)),
  );
}

/** Copies a shared agent into the user's own. */
export async function addSharedAgent(accessToken: string, token: string): Promise<Agent> {
  return await sendJson(() =>
    client.api.agents.shared[':token'].duplicate.$post({ param: { token } }, bearer(accessToken)),
  );
}
