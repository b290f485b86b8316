import { and, asc, count, desc, eq, isNotNull, or, type SQL, sql } from 'drizzle-orm';
import { promptFavorites, prompts } from '../../db/schema';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import type { AuthContext, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import type { PromptCreate, PromptListQuery, PromptPatch } from './schemas';
import { extractVariables } from './variables';

type PromptRow = typeof prompts.$inferSelect;
type Caller = Pick<AuthContext, 'userId' | 'role'>;

/** How many prompts one account may own. */
export const MAX_PROMPTS_PER_USER = 1000;
const DEFAULT_CATEGORY = 'general';

export interface Prompt {
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

export interface PromptPage {
  items: Prompt[];
  nextCursor: string | null;
}

export interface PromptCategory {
  category: string;
  count: number;
}

const notFound = () => new ApiError('NOT_FOUND', 'There is no such prompt.');

/** Owners edit their prompts; administrators also edit public ones. */
function canEdit(row: Pick<PromptRow, 'ownerId' | 'isPublic'>, caller: Caller): boolean {
  return row.ownerId === caller.userId || (caller.role === 'admin' && row.isPublic);
}

function toPrompt(row: PromptRow, favorite: boolean, caller: Caller): Prompt {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    category: row.category,
    tags: row.tags,
    isPublic: row.isPublic,
    variables: extractVariables(row.body),
    favorite,
    mine: row.ownerId === caller.userId,
    canEdit: canEdit(row, caller),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What a user can see: their own prompts and the public ones. */
function visibleTo(userId: string): SQL | undefined {
  return or(eq(prompts.ownerId, userId), eq(prompts.isPublic, true));
}

function assertMayPublish(caller: Caller, isPublic: boolean | undefined): void {
  if (isPublic && caller.role !== 'admin') {
    throw new ApiError('FORBIDDEN', 'Only administrators can make a prompt public.');
  }
}

/** `%` and `_` in the user's words match themselves, not any character. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * Full-text match on title and body (the expression of prompts_search_idx), or a substring
 * match, so "mark" finds "marketing" although full-text search only matches whole words.
 */
function searchCondition(q: string): SQL {
  const pattern = likePattern(q);
  return sql`(to_tsvector('simple', ${prompts.title} || ' ' || ${prompts.body}) @@ websearch_to_tsquery('simple', ${q}) or ${prompts.title} ilike ${pattern} or ${prompts.body} ilike ${pattern})`;
}

/**
 * The prompts the caller can see, filtered, newest first, a page at a time. The cursor holds
 * the exact creation timestamp (microseconds) and the id, so no row is skipped or repeated.
 */
export async function listPrompts(
  services: Services,
  caller: Caller,
  query: PromptListQuery,
): Promise<PromptPage> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const scope =
    query.scope === 'mine'
      ? eq(prompts.ownerId, caller.userId)
      : query.scope === 'public'
        ? eq(prompts.isPublic, true)
        : visibleTo(caller.userId);
  const rows = await services.db
    .select({
      prompt: prompts,
      favorite: sql<boolean>`${promptFavorites.userId} is not null`,
      exactAt: sql<string>`${prompts.createdAt}::text`,
    })
    .from(prompts)
    .leftJoin(
      promptFavorites,
      and(eq(promptFavorites.promptId, prompts.id), eq(promptFavorites.userId, caller.userId)),
    )
    .where(
      and(
        scope,
        query.q ? searchCondition(query.q) : undefined,
        query.category ? eq(prompts.category, query.category) : undefined,
        query.tag ? sql`${prompts.tags} @> array[${query.tag}]::text[]` : undefined,
        query.favorites === 'true' ? isNotNull(promptFavorites.userId) : undefined,
        cursor
          ? sql`(${prompts.createdAt}, ${prompts.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(prompts.createdAt), desc(prompts.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => toPrompt(row.prompt, row.favorite, caller)),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ at: last.exactAt, id: last.prompt.id })
        : null,
  };
}

/** A prompt the caller can see, with their favourite flag; 404 otherwise. */
async function visibleRow(
  services: Services,
  caller: Caller,
  id: string,
): Promise<{ row: PromptRow; favorite: boolean }> {
  const [found] = await services.db
    .select({ row: prompts, favorite: sql<boolean>`${promptFavorites.userId} is not null` })
    .from(prompts)
    .leftJoin(
      promptFavorites,
      and(eq(promptFavorites.promptId, prompts.id), eq(promptFavorites.userId, caller.userId)),
    )
    .where(and(eq(prompts.id, id), visibleTo(caller.userId)))
    .limit(1);
  if (!found) throw notFound();
  return found;
}

/** A row the caller may change: 404 when they cannot see it, 403 when they only can read it. */
async function editableRow(services: Services, caller: Caller, id: string) {
  const found = await visibleRow(services, caller, id);
  if (!canEdit(found.row, caller)) {
    throw new ApiError('FORBIDDEN', 'Only its author can change this prompt.');
  }
  return found;
}

/** One prompt the caller can see. */
export async function getPrompt(services: Services, caller: Caller, id: string): Promise<Prompt> {
  const { row, favorite } = await visibleRow(services, caller, id);
  return toPrompt(row, favorite, caller);
}

/** Saves a prompt owned by the caller; only administrators may publish it. */
export async function createPrompt(
  services: Services,
  caller: Caller,
  input: PromptCreate,
): Promise<Prompt> {
  assertMayPublish(caller, input.isPublic);
  const [owned] = await services.db
    .select({ n: count() })
    .from(prompts)
    .where(eq(prompts.ownerId, caller.userId));
  if ((owned?.n ?? 0) >= MAX_PROMPTS_PER_USER) {
    throw new ApiError(
      'CONFLICT',
      `You already have ${MAX_PROMPTS_PER_USER} prompts; delete one before adding another.`,
    );
  }
  const [row] = await services.db
    .insert(prompts)
    .values({
      ownerId: caller.userId,
      title: input.title,
      body: input.body,
      category: input.category ?? DEFAULT_CATEGORY,
      tags: input.tags ?? [],
      isPublic: input.isPublic ?? false,
    })
    .returning();
  if (!row) throw new Error('prompts insert returned no row');
  return toPrompt(row, false, caller);
}

/** Changes a prompt: the author's own, or a public one for an administrator. */
export async function updatePrompt(
  services: Services,
  caller: Caller,
  id: string,
  patch: PromptPatch,
): Promise<Prompt> {
  assertMayPublish(caller, patch.isPublic);
  const { favorite } = await editableRow(services, caller, id);
  const [row] = await services.db
    .update(prompts)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(prompts.id, id))
    .returning();
  if (!row) throw notFound();
  return toPrompt(row, favorite, caller);
}

/** Deletes a prompt: the author's own, or a public one for an administrator. */
export async function deletePrompt(services: Services, caller: Caller, id: string): Promise<void> {
  await editableRow(services, caller, id);
  await services.db.delete(prompts).where(eq(prompts.id, id));
}

/** Marks or unmarks a prompt the caller can see as a favourite; both are idempotent. */
export async function setFavorite(
  services: Services,
  caller: Caller,
  id: string,
  favorite: boolean,
): Promise<void> {
  await visibleRow(services, caller, id);
  if (favorite) {
    await services.db
      .insert(promptFavorites)
      .values({ userId: caller.userId, promptId: id })
      .onConflictDoNothing();
  } else {
    await services.db
      .delete(promptFavorites)
      .where(and(eq(promptFavorites.userId, caller.userId), eq(promptFavorites.promptId, id)));
  }
}

/** The categories of the prompts the caller can see, with how many each holds. */
export async function listCategories(
  services: Services,
  caller: Caller,
): Promise<PromptCategory[]> {
  const n = count();
  return services.db
    .select({ category: prompts.category, count: n })
    .from(prompts)
    .where(visibleTo(caller.userId))
    .groupBy(prompts.category)
    .orderBy(desc(n), asc(prompts.category));
}
