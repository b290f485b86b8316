import type { Prompt, PromptCategory, PromptPage } from '../../../functions/prompts/service';
import { bearer, client, sendJson, sendOk } from './client';

export {
  extractVariables,
  fillPrompt,
  MissingVariablesError,
} from '../../../functions/prompts/variables';
/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { Prompt, PromptCategory, PromptPage };

/** Where the chat page picks up text handed over by another page. */
export const CHAT_DRAFT_KEY = 'webox:chat-draft';

export interface PromptFilters {
  q?: string;
  category?: string;
  tag?: string;
  favorites?: boolean;
  scope?: 'all' | 'mine' | 'public';
  cursor?: string;
}

export interface PromptInput {
  title: string;
  body: string;
  category?: string;
  tags: string[];
  isPublic?: boolean;
}

/** A page of the prompts the user can see, newest first. */
export async function listPrompts(
  accessToken: string,
  filters: PromptFilters = {},
): Promise<PromptPage> {
  const query: Record<string, string> = { limit: '30' };
  if (filters.q) query.q = filters.q;
  if (filters.category) query.category = filters.category;
  if (filters.tag) query.tag = filters.tag;
  if (filters.favorites) query.favorites = 'true';
  if (filters.scope) query.scope = filters.scope;
  if (filters.cursor) query.cursor = filters.cursor;
  return await sendJson(() => client.api.prompts.$get({ query }, bearer(accessToken)));
}

export async function listCategories(accessToken: string): Promise<PromptCategory[]> {
  return (await sendJson(() => client.api.prompts.categories.$get(undefined, bearer(accessToken))))
    .items;
}

export async function createPrompt(accessToken: string, input: PromptInput): Promise<Prompt> {
  return await sendJson(() => client.api.prompts.$post({ json: input }, bearer(accessToken)));
}

export async function updatePrompt(
  accessToken: string,
  id: string,
  input: PromptInput,
): Promise<Prompt> {
  return await sendJson(() =>
    client.api.prompts[':id'].$patch({ param: { id }, json: input }, bearer(accessToken)),
  );
}

export async function deletePrompt(accessToken: string, id: string): Promise<void> {
  await sendOk(() => client.api.prompts[':id'].$delete({ param: { id } }, bearer(accessToken)));
}

export async function setFavorite(
  accessToken: string,
  id: string,
  favorite: boolean,
): Promise<void> {
  await sendOk(() =>
    favorite
      ? client.api.prompts[':id'].favorite.$put({ param: { id } }, bearer(accessToken))
      : client.api.prompts[':id'].favorite.$delete({ param: { id } }, bearer(accessToken)),
  );
}

/** Hands text to the chat page, which reads and clears it when it opens. */
export function handToChat(text: string): void {
  sessionStorage.setItem(CHAT_DRAFT_KEY, JSON.stringify({ text }));
}
