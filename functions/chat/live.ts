import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import {
  agents,
  chatAttachments,
  conversations,
  type MessageAttachment,
  messages,
  users,
} from '../../db/schema';
import { type AgentContext, agentContext } from '../agents/service';
import type { ChatMessage, ChatPart, ProviderConfig } from '../models/providers/types';
import { type ModelRow, modelSlug } from '../models/service';
import { ApiError } from '../platform/errors';
import { type AttachmentRow, toBase64 } from './attachments';
import { type ConversationRow, loadMessages, type MessageRow, pathTo } from './conversations';
import type { TurnJob } from './turns';

/**
 * A conversation's live state, as its ChatSession object keeps it between sends: the row, the
 * agent it runs with, every message and the files its messages carry. Loaded from Postgres
 * in one parallel round trip when the object is cold; afterwards the object is its writer.
 */
export interface LiveConversation {
  conversation: ConversationRow;
  agent: AgentContext | null;
  messages: MessageRow[];
  files: AttachmentRow[];
}

/** The live state of a conversation (deleted ones too: the caller decides), or null. */
export async function loadLive(
  db: Database,
  conversationId: string,
): Promise<LiveConversation | null> {
  const [[head], rows, files] = await Promise.all([
    db
      .select({ conversation: conversations, locale: users.locale, agent: agents })
      .from(conversations)
      .innerJoin(users, eq(users.id, conversations.userId))
      .leftJoin(
        agents,
        and(
          sql`${agents.id}::text = ${conversations.agentId}`,
          eq(agents.ownerId, conversations.userId),
        ),
      )
      .where(eq(conversations.id, conversationId))
      .limit(1),
    loadMessages(db, conversationId),
    db
      .select()
      .from(chatAttachments)
      .where(
        sql`${chatAttachments.id}::text IN (SELECT jsonb_array_elements(m.attachments)->>'id'
          FROM ${messages} m WHERE m.conversation_id = ${conversationId}::uuid)`,
      ),
  ]);
  if (!head) return null;
  const { agentId } = head.conversation;
  return {
    conversation: head.conversation,
    agent: agentId ? agentContext(agentId, head.locale, head.agent) : null,
    messages: rows,
    files,
  };
}

/** Parses stored live JSON back, dates included (every `…At` field is a date). */
export function reviveJson<T>(text: string): T {
  return JSON.parse(text, (key, value) =>
    key.endsWith('At') && typeof value === 'string' ? new Date(value) : value,
  ) as T;
}

/** The model a conversation uses when neither the request nor its agent names one. */
export const DEFAULT_MODEL = 'offline/offline-detailed';
/** The longest a reply may run before the ChatSession watchdog ends it. */
export const TURN_DEADLINE_MS = 10 * 60_000;

/** The model of one reply of a send, checked by the Worker (registry, key, quota). */
export interface PreparedModel {
  model: ModelRow;
  config: ProviderConfig;
}

export interface SendInput {
  content: string;
  model?: string;
  models?: string[];
  editOf?: string;
  attachmentIds?: string[];
  temperature?: number;
}

/** The one statement that brings a send to Postgres, kept in the object's outbox until it lands. */
export interface SendWrite {
  conversationId: string;
  /** The leaf the send went under; the conversation only moves if Postgres still has it. */
  expectedLeaf: string | null;
  leaf: string;
  model: string | null;
  title: string | null;
  rows: MessageRow[];
}

export interface SendPlan {
  userRow: MessageRow;
  replies: MessageRow[];
  /** The thread the replies answer, root first, ending with the user message. */
  thread: MessageRow[];
  write: SendWrite;
}

/** Share of a model's context window the history may fill; the rest is left for the reply. */
const CONTEXT_SHARE = 0.75;

/** Rough token count for trimming history (the provider counts exactly; this only budgets). */
const roughTokens = (text: string) => Math.ceil(text.length / 3);

/**
 * The provider messages for a thread: the agent's instructions, then the path from the root,
 * oldest messages dropped first when the model's context window would overflow. Images go
 * to vision models as images and to others as a note; text files go in as quoted context.
 */
export async function buildHistory(
  media: Pick<R2Bucket, 'get'>,
  files: readonly AttachmentRow[],
  thread: MessageRow[],
  model: ModelRow,
  agent: AgentContext | null,
): Promise<ChatMessage[]> {
  const byId = new Map(files.map((file) => [file.id, file]));
  const out: ChatMessage[] = [];
  let budget = Math.floor(model.contextWindow * CONTEXT_SHARE);
  if (agent) budget -= roughTokens(agent.systemPrompt);
  for (const row of [...thread].reverse()) {
    if (row.role === 'assistant' && !row.content) continue;
    const parts: ChatPart[] = [];
    for (const attachment of row.attachments) {
      const file = byId.get(attachment.id);
      if (!file) continue;
      if (file.kind === 'text') {
        parts.push({
          type: 'text',
          text: `Attached file "${file.name}":\n"""\n${file.extractedText ?? ''}\n"""`,
        });
      } else if (model.vision) {
        const object = await media.get(file.r2Key);
        if (object) {
          const bytes = new Uint8Array(await object.arrayBuffer());
          parts.push({ type: 'image', mediaType: file.contentType, data: toBase64(bytes) });
        }
      } else {
        parts.push({
          type: 'text',
          text: `[Image "${file.name}" attached; this model cannot see images.]`,
        });
      }
    }
    const cost =
      roughTokens(row.content) +
      parts.reduce((sum, part) => sum + (part.type === 'text' ? roughTokens(part.text) : 800), 0);
    if (budget - cost < 0 && out.length > 0) break;
    budget -= cost;
    const content: ChatMessage['content'] =
      parts.length === 0 ? row.content : [...parts, { type: 'text', text: row.content }];
    out.push({ role: row.role, content });
  }
  out.reverse();
  if (agent) out.unshift({ role: 'system', content: agent.systemPrompt });
  return out;
}

function firstLineTitle(content: string, attachments: MessageAttachment[]): string {
  const line = content.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  const base = line || attachments[0]?.name || 'New conversation';
  return base.length > 60 ? `${base.slice(0, 59).trimEnd()}…` : base;
}

/**
 * Lays out a send on the live state, writing nothing: the user message under the active leaf
 * (or beside `editOf` as a new branch) and one streaming reply per model.
 */
export function planSend(
  live: LiveConversation,
  userId: string,
  input: SendInput,
  prepared: PreparedModel[],
  files: AttachmentRow[],
): SendPlan {
  const { conversation } = live;
  const attachments: MessageAttachment[] = files.map((file) => ({
    id: file.id,
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    kind: file.kind,
  }));
  let parentId: string | null = conversation.activeLeafId;
  if (input.editOf) {
    const edited = live.messages.find((row) => row.id === input.editOf);
    if (edited?.role !== 'user') {
      throw new ApiError('NOT_FOUND', 'No such user message to edit in this conversation.');
    }
    parentId = edited.parentId;
  }
  // Explicit times: ordering by time must put a parent before its children.
  const sentAt = new Date();
  const userRow: MessageRow = {
    id: crypto.randomUUID(),
    conversationId: conversation.id,
    userId,
    parentId,
    role: 'user',
    content: input.content,
    batchId: null,
    model: null,
    provider: null,
    status: 'complete',
    error: null,
    attachments,
    inputTokens: null,
    outputTokens: null,
    tokensEstimated: false,
    costMicros: null,
    createdAt: sentAt,
    completedAt: sentAt,
  };
  const replies: MessageRow[] = prepared.map(({ model }, index) => ({
    ...userRow,
    id: crypto.randomUUID(),
    parentId: userRow.id,
    batchId: userRow.id,
    role: 'assistant',
    content: '',
    model: modelSlug(model),
    provider: model.provider,
    status: 'streaming',
    attachments: [],
    createdAt: new Date(sentAt.getTime() + 1 + index),
    completedAt: null,
  }));
  const title =
    conversation.titleSource === 'auto' && live.messages.length === 0
      ? firstLineTitle(input.content, attachments)
      : null;
  const single = prepared.length === 1 ? prepared[0] : undefined;
  return {
    userRow,
    replies,
    thread: [...pathTo(live.messages, parentId), userRow],
    write: {
      conversationId: conversation.id,
      expectedLeaf: conversation.activeLeafId,
      leaf: replies[0]?.id ?? userRow.id,
      model: single ? modelSlug(single.model) : null,
      title,
      rows: [userRow, ...replies],
    },
  };
}

/** The live state after a send: its messages added, the leaf moved, the title set. */
export function applySend(
  live: LiveConversation,
  plan: SendPlan,
): LiveConversation['conversation'] {
  const { write } = plan;
  return {
    ...live.conversation,
    activeLeafId: write.leaf,
    model: write.model ?? live.conversation.model,
    title: write.title ?? live.conversation.title,
    updatedAt: plan.userRow.createdAt,
  };
}

/**
 * Writes a send in one statement (atomic, idempotent): the messages (a retry after a lost
 * answer inserts nothing twice), and the conversation's leaf, model, title and activity time.
 * The leaf only moves while Postgres still has the leaf the send went under, so a branch
 * switch written meanwhile is not undone. A conversation purged meanwhile takes nothing.
 */
export async function writeSend(db: Database, send: SendWrite): Promise<void> {
  const values = sql.join(
    send.rows.map(
      (row) => sql`(${row.id}::uuid, ${row.conversationId}::uuid, ${row.userId}::uuid,
        ${row.parentId}::uuid, ${row.role}::message_role, ${row.content}, ${row.batchId}::uuid,
        ${row.model}, ${row.provider}::model_provider, ${row.status}::message_status,
        ${JSON.stringify(row.attachments)}::jsonb, ${row.createdAt.toISOString()}::timestamptz,
        ${row.completedAt?.toISOString() ?? null}::timestamptz)`,
    ),
    sql`, `,
  );
  const sentAt = send.rows[0]?.createdAt.toISOString() ?? new Date().toISOString();
  await db.execute(sql`
    WITH moved AS (
      UPDATE ${conversations} SET
        active_leaf_id = CASE WHEN active_leaf_id IS NOT DISTINCT FROM ${send.expectedLeaf}::uuid
          THEN ${send.leaf}::uuid ELSE active_leaf_id END,
        updated_at = greatest(updated_at, ${sentAt}::timestamptz),
        model = coalesce(${send.model}, model), title = coalesce(${send.title}, title)
      WHERE id = ${send.conversationId}::uuid
      RETURNING id
    )
    INSERT INTO ${messages} (id, conversation_id, user_id, parent_id, role, content, batch_id,
      model, provider, status, attachments, created_at, completed_at)
    SELECT v.* FROM (VALUES ${values}) AS v(id, conversation_id, user_id, parent_id, role, content,
      batch_id, model, provider, status, attachments, created_at, completed_at)
    WHERE EXISTS (SELECT 1 FROM moved)
    ON CONFLICT (id) DO NOTHING`);
}

export function jobFor(
  userId: string,
  conversationId: string,
  reply: MessageRow,
  prepared: PreparedModel,
  history: ChatMessage[],
  source: TurnJob['source'],
  temperature: number | undefined,
): TurnJob {
  const { model, config } = prepared;
  return {
    turnId: reply.id,
    conversationId,
    userId,
    parentId: reply.parentId ?? '',
    batchId: reply.batchId ?? reply.id,
    source,
    model: {
      slug: modelSlug(model),
      provider: model.provider,
      modelId: model.modelId,
      displayName: model.displayName,
      inputPriceMicros: model.inputPriceMicros,
      outputPriceMicros: model.outputPriceMicros,
    },
    messages: history,
    temperature,
    config,
    deadline: Date.now() + TURN_DEADLINE_MS,
  };
}
