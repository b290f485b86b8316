import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { call, json, type TestUser } from '../helpers/api';

/** A prompt as the API returns it. */
export interface PromptBody {
  id: string;
  title: string;
  body: string;
  category: string;
  tags: string[];
  isPublic: boolean;
  variables: string[];
  favorite: boolean;
  mine: boolean;
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PromptPageBody {
  items: PromptBody[];
  nextCursor: string | null;
}

/** A word no other test (or seed) uses, to find one test's prompts in a shared database. */
export function uniqueWord(prefix = 'w'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** Saves a prompt for `user`; fails the test unless the API answers 201. */
export async function createPrompt(
  user: TestUser,
  fields: Record<string, unknown> = {},
): Promise<PromptBody> {
  const res = await call('/api/prompts', {
    token: user.accessToken,
    json: { title: 'A prompt', body: 'Do something useful.', ...fields },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<PromptBody>(res);
}

/** GET /api/prompts with the given query. */
export async function listPrompts(
  user: TestUser,
  params: Record<string, string> = {},
): Promise<PromptPageBody> {
  const res = await call(`/api/prompts?${new URLSearchParams(params)}`, {
    token: user.accessToken,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<PromptPageBody>(res);
}

/** The ids of a listing, for order-sensitive comparisons. */
export async function listIds(
  user: TestUser,
  params: Record<string, string> = {},
): Promise<string[]> {
  return (await listPrompts(user, params)).items.map((item) => item.id);
}
