import { and, asc, desc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { conversations, messages } from '../../db/schema';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** The API shape of a conversation. */
export function toConversation(row: ConversationRow) {
  return {
    id: row.id,
    title: row.title,
    pinned: row.pinned,
    agentId: row.agentId,
    model: row.model,
    activeLeafId: row.activeLeafId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The API shape of a message. */
export function toMessage(row: MessageRow) {
  return {
    id: row.id,
    parentId: row.parentId,
    batchId: row.batchId,
    role: row.role,
    content: row.content,
    model: row.model,
    provider: row.provider,
    offline: row.provider === 'offline',
    status: row.status,
    error: row.error ?? null,
    attachments: row.attachments,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    tokensEstimated: row.tokensEstimated,
    costMicros: row.costMicros,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export type ApiMessage = ReturnType<typeof toMessage>;

const notFound = () => new ApiError('NOT_FOUND', 'No such conversation.');
const beingSaved = () =>
  new ApiError('SERVICE_UNAVAILABLE', 'The conversation is being saved; try again.', {
    headers: { 'Retry-After': '2' },
  });

/**
 * Runs `write` on the conversation's Postgres rows with its ChatSession object out of the
 * way: pending sends are written first (503 while Postgres cannot take them), and the
 * object reloads its live state from Postgres afterwards.
 */
export async function withSettledSession<T>(
  services: Services,
  conversationId: string,
  write: () => Promise<T>,
): Promise<T> {
  const session = services.chatSessions.forConversation(conversationId);
  if (!(await session.settle())) throw beingSaved();
  try {
    return await write();
  } finally {
    await session.forget();
  }
}

/** The caller's live (not deleted) conversation, or 404: another user's id looks absent. */
export async function requireConversation(
  db: Database,
  userId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ConversationRow> {
  const query = db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.id, id),
        eq(conversations.userId, userId),
        isNull(conversations.deletedAt),
      ),
    )
    .limit(1);
  const [row] = options.forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound();
  return row;
}

export async function createConversation(
  services: Services,
  userId: string,
  input: { title?: string; agentId?: string | null; model?: string },
): Promise<ConversationRow> {
  const [row] = await services.db
    .insert(conversations)
    .values({
      userId,
      title: input.title ?? 'New conversation',
      titleSource: input.title ? 'user' : 'auto',
      agentId: input.agentId ?? null,
      model: input.model ?? null,
    })
    .returning();
  if (!row) throw new ApiError('INTERNAL_SERVER_ERROR', 'The conversation was not created.');
  return row;
}

export async function updateConversation(
  services: Services,
  userId: string,
  id: string,
  patch: { title?: string; pinned?: boolean; agentId?: string | null },
): Promise<ConversationRow> {
  await requireConversation(services.db, userId, id);
  return withSettledSession(services, id, () =>
    writeConversationPatch(services, userId, id, patch),
  );
}

async function writeConversationPatch(
  services: Services,
  userId: string,
  id: string,
  patch: { title?: string; pinned?: boolean; agentId?: string | null },
): Promise<ConversationRow> {
  const [row] = await services.db
    .update(conversations)
    .set({
      ...(patch.title !== undefined ? { title: patch.title, titleSource: 'user' } : {}),
      ...(patch.pinned !== undefined ? { pinned: patch.pinned } : {}),
      ...(patch.agentId !== undefined ? { agentId: patch.agentId } : {}),
    })
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning();
  if (!row) throw notFound();
  return row;
}

/** Soft delete: the conversation disappears at once; the cron sweeper purges it later. */
export async function deleteConversation(
  services: Services,
  userId: string,
  id: string,
): Promise<void> {
  const deleted = await withSettledSession(services, id, () =>
    services.db
      .update(conversations)
      .set({ deletedAt: new Date() })
      .where(
        and(
          eq(conversations.id, id),
          eq(conversations.userId, userId),
          isNull(conversations.deletedAt),
        ),
      )
      .returning({ id: conversations.id }),
  );
  if (deleted.length === 0) throw notFound();
}

/**
 * The caller's conversations, most recently active first, paged by a (updated_at, id)
 * cursor. With `q`: full-text search over titles and message text (plus a substring match
 * on titles, so a half-typed word still finds them), each hit with a highlighted passage.
 */
export async function listConversations(
  services: Services,
  userId: string,
  query: { q?: string; pinned?: 'true' | 'false'; limit: number; cursor?: string },
) {
  const conditions: (SQL | undefined)[] = [
    eq(conversations.userId, userId),
    isNull(conversations.deletedAt),
  ];
  if (query.pinned) conditions.push(eq(conversations.pinned, query.pinned === 'true'));
  if (query.cursor) {
    const { at, id } = decodeCursor(query.cursor);
    // Compared as Postgres timestamps: a JS Date would drop the microseconds and repeat rows.
    conditions.push(
      sql`(${conversations.updatedAt}, ${conversations.id}) < (${at}::timestamptz, ${id}::uuid)`,
    );
  }
  let snippet: SQL<string | null> = sql<string | null>`null`;
  if (query.q) {
    const tsq = sql`websearch_to_tsquery('simple', ${query.q})`;
    const pattern = `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(
      or(
        sql`to_tsvector('simple', ${conversations.title}) @@ ${tsq}`,
        sql`${conversations.title} ILIKE ${pattern}`,
        sql`EXISTS (SELECT 1 FROM ${messages} m WHERE m.conversation_id = conversations.id
          AND to_tsvector('simple', m.content) @@ ${tsq})`,
      ),
    );
    snippet = sql<string | null>`(SELECT ts_headline('simple', m.content, ${tsq},
        'MaxWords=18, MinWords=6, StartSel=«, StopSel=»')
      FROM ${messages} m WHERE m.conversation_id = conversations.id
        AND to_tsvector('simple', m.content) @@ ${tsq}
      ORDER BY m.created_at DESC LIMIT 1)`;
  }
  const rows = await services.db
    .select({
      conversation: conversations,
      snippet,
      exactAt: sql<string>`${conversations.updatedAt}::text`,
    })
    .from(conversations)
    .where(and(...conditions))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({ ...toConversation(row.conversation), snippet: row.snippet })),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ at: last.exactAt, id: last.conversation.id })
        : null,
  };
}

/** Every message of a conversation (all branches), oldest first. */
export async function loadMessages(db: Database, conversationId: string): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** The conversation, all its messages and the replies still streaming. */
export async function getConversationDetail(services: Services, userId: string, id: string) {
  // Sends the conversation's object still holds are written first (a no-op when none are);
  // then read together: the messages are only returned once the conversation proved the
  // caller's.
  if (!(await services.chatSessions.forConversation(id).settle())) throw beingSaved();
  const [conversation, rows] = await Promise.all([
    requireConversation(services.db, userId, id),
    loadMessages(services.db, id),
  ]);
  const streaming = rows.some((row) => row.status === 'streaming');
  const running = streaming ? await services.chatSessions.forConversation(id).running() : [];
  return {
    conversation: toConversation(conversation),
    messages: rows.map(toMessage),
    running,
  };
}

/** The path from the root to a message, root first. */
export function pathTo(rows: MessageRow[], leafId: string | null): MessageRow[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const path: MessageRow[] = [];
  let current = leafId ? byId.get(leafId) : undefined;
  while (current) {
    path.push(current);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return path.reverse();
}

/** The newest leaf under a message: where a branch switch lands. */
export function newestLeafUnder(rows: MessageRow[], messageId: string): string {
  const children = new Map<string, MessageRow[]>();
  for (const row of rows) {
    if (!row.parentId) continue;
    const list = children.get(row.parentId) ?? [];
    list.push(row);
    children.set(row.parentId, list);
  }
  let current = messageId;
  for (;;) {
    const next = children.get(current);
    if (!next || next.length === 0) return current;
    const newest = next.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));
    current = newest.id;
  }
}

/** Shows another branch: the newest leaf under the chosen message becomes the active one. */
export async function selectBranch(
  services: Services,
  userId: string,
  conversationId: string,
  messageId: string,
): Promise<string> {
  await requireConversation(services.db, userId, conversationId);
  return withSettledSession(services, conversationId, async () => {
    const rows = await loadMessages(services.db, conversationId);
    if (!rows.some((row) => row.id === messageId)) {
      throw new ApiError('NOT_FOUND', 'No such message in this conversation.');
    }
    const leaf = newestLeafUnder(rows, messageId);
    await services.db
      .update(conversations)
      .set({ activeLeafId: leaf })
      .where(and(eq(conversations.id, conversationId), eq(conversations.userId, userId)));
    return leaf;
  });
}
