import { and, eq, inArray, sql } from 'drizzle-orm';
import { chatAttachments, conversations, type MessageAttachment, messages } from '../../db/schema';
import { type AgentContext, resolveAgent } from '../agents/service';
import type { ChatMessage, ChatPart } from '../models/providers/types';
import { type ModelRow, modelSlug, requireModel, resolveProvider } from '../models/service';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertWithinQuota } from '../usage/service';
import { requireAttachments, toBase64 } from './attachments';
import {
  type ApiMessage,
  type ConversationRow,
  loadMessages,
  type MessageRow,
  pathTo,
  requireConversation,
  toMessage,
} from './conversations';
import type { TurnJob } from './turns';

/** The model a conversation uses when neither the request nor its agent names one. */
export const DEFAULT_MODEL = 'offline/offline-detailed';
/** The longest a reply may run before the ChatSession watchdog ends it. */
export const TURN_DEADLINE_MS = 10 * 60_000;
/** Share of a model's context window the history may fill; the rest is left for the reply. */
const CONTEXT_SHARE = 0.75;

export interface TurnStarted {
  userMessage: ApiMessage | null;
  replies: ApiMessage[];
  after: number;
  streamUrl: string;
}

interface Prepared {
  model: ModelRow;
  config: TurnJob['config'];
}

/**
 * Checks every model and key before anything is written, so a refusal leaves no trace. The
 * registry comes from the isolate's cache; keys and the quota are read together.
 */
async function prepareModels(
  services: Services,
  userId: string,
  slugs: string[],
): Promise<Prepared[]> {
  const models = await Promise.all(slugs.map((slug) => requireModel(services, slug)));
  const paid = models.some((model) => model.provider !== 'offline');
  const [configs] = await Promise.all([
    Promise.all(models.map((model) => resolveProvider(services, userId, model.provider))),
    paid ? assertWithinQuota(services.db, userId) : null,
  ]);
  return models.map((model, index) => {
    const resolved = configs[index];
    if (!resolved) throw new Error('provider not resolved');
    return { model, config: resolved.config };
  });
}

/** Awaits every promise, then throws the first failure in argument order (not time order). */
async function inOrder<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function firstLineTitle(content: string, attachments: MessageAttachment[]): string {
  const line = content.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  const base = line || attachments[0]?.name || 'New conversation';
  return base.length > 60 ? `${base.slice(0, 59).trimEnd()}…` : base;
}

/** Rough token count for trimming history (the provider counts exactly; this only budgets). */
const roughTokens = (text: string) => Math.ceil(text.length / 3);

/**
 * The provider messages for a thread: the agent's instructions, then the path from the root,
 * oldest messages dropped first when the model's context window would overflow. Images go
 * to vision models as images and to others as a note; text files go in as quoted context.
 */
async function buildHistory(
  services: Services,
  thread: MessageRow[],
  model: ModelRow,
  agent: AgentContext | null,
): Promise<ChatMessage[]> {
  const attachmentIds = thread.flatMap((row) => row.attachments.map((a) => a.id));
  const files = attachmentIds.length
    ? await services.db
        .select()
        .from(chatAttachments)
        .where(inArray(chatAttachments.id, attachmentIds))
    : [];
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
        const object = await services.media.get(file.r2Key);
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

async function agentFor(services: Services, userId: string, conversation: ConversationRow) {
  if (!conversation.agentId) return null;
  try {
    return await resolveAgent(services, userId, conversation.agentId);
  } catch (err) {
    // A deleted agent leaves its conversations usable, without its instructions.
    if (err instanceof ApiError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/**
 * Starts the replies in the conversation's ChatSession object. If the object cannot be
 * reached the replies are marked failed at once, so no message is left "streaming".
 */
async function startTurns(
  services: Services,
  conversationId: string,
  jobs: TurnJob[],
): Promise<number> {
  try {
    const { after } = await services.chatSessions.forConversation(conversationId).startTurns(jobs);
    return after;
  } catch (err) {
    services.logger.error('chat turn not started', { conversationId, error: err });
    await services.db
      .update(messages)
      .set({
        status: 'failed',
        error: { code: 'NOT_STARTED', message: 'The reply could not be started; try again.' },
        completedAt: new Date(),
      })
      .where(
        and(
          inArray(
            messages.id,
            jobs.map((job) => job.turnId),
          ),
          eq(messages.status, 'streaming'),
        ),
      );
    throw new ApiError('SERVICE_UNAVAILABLE', 'The reply could not be started; try again.');
  }
}

function jobFor(
  userId: string,
  conversationId: string,
  reply: MessageRow,
  prepared: Prepared,
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

export interface SendInput {
  content: string;
  model?: string;
  models?: string[];
  editOf?: string;
  attachmentIds?: string[];
  temperature?: number;
}

/**
 * Sends a user message and starts one reply per model (compare when several). The user
 * message goes under the active leaf, or beside `editOf` as a new branch. Models, keys,
 * quota and attachments are checked first; the messages and the new leaf are written in one statement;
 * then the replies start streaming in the conversation's ChatSession object.
 */
export async function sendMessage(
  services: Services,
  userId: string,
  conversationId: string,
  input: SendInput,
  attempt = 1,
): Promise<TurnStarted> {
  const explicit = input.models ?? (input.model ? [input.model] : null);
  // One round trip: the conversation, its messages, the attachments and (when the request
  // names its models) the keys and quota are read together.
  const [conversation, existing, files, early] = await inOrder([
    requireConversation(services.db, userId, conversationId),
    loadMessages(services.db, conversationId),
    requireAttachments(services, userId, input.attachmentIds ?? []),
    explicit ? prepareModels(services, userId, explicit) : Promise.resolve(null),
  ] as const);
  const agent = await agentFor(services, userId, conversation);
  const slugs = explicit ?? [conversation.model ?? agent?.defaultModel ?? DEFAULT_MODEL];
  const prepared = early ?? (await prepareModels(services, userId, slugs));
  const attachments: MessageAttachment[] = files.map((file) => ({
    id: file.id,
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    kind: file.kind,
  }));
  let parentId: string | null = conversation.activeLeafId;
  if (input.editOf) {
    const edited = existing.find((row) => row.id === input.editOf);
    if (edited?.role !== 'user') {
      throw new ApiError('NOT_FOUND', 'No such user message to edit in this conversation.');
    }
    parentId = edited.parentId;
  }
  const compare = slugs.length > 1;
  // Explicit times: ordering by time must put a parent before its children.
  const sentAt = new Date();
  const userRow: MessageRow = {
    id: crypto.randomUUID(),
    conversationId,
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
    conversation.titleSource === 'auto' && existing.length === 0
      ? firstLineTitle(input.content, attachments)
      : null;
  const written = await writeSend(services, {
    conversationId,
    // A plain send goes under the leaf it read; if another send moved the leaf meanwhile,
    // nothing is written and the send starts over on the new leaf.
    expectedLeaf: input.editOf ? undefined : conversation.activeLeafId,
    leaf: replies[0]?.id ?? userRow.id,
    model: compare ? null : (slugs[0] ?? null),
    title,
    rows: [userRow, ...replies],
  });
  if (!written) {
    if (attempt >= 3) {
      throw new ApiError('CONFLICT', 'The conversation changed meanwhile; send again.');
    }
    return sendMessage(services, userId, conversationId, input, attempt + 1);
  }
  const thread = [...pathTo(existing, parentId), userRow];
  const jobs: TurnJob[] = [];
  for (const [index, reply] of replies.entries()) {
    const entry = prepared[index];
    if (!entry) continue;
    const history = await buildHistory(services, thread, entry.model, agent);
    const temperature = input.temperature ?? agent?.temperature ?? undefined;
    jobs.push(
      jobFor(
        userId,
        conversationId,
        reply,
        entry,
        history,
        compare ? 'compare' : 'chat',
        temperature,
      ),
    );
  }
  const after = await startTurns(services, conversationId, jobs);
  return {
    userMessage: toMessage(userRow),
    replies: replies.map(toMessage),
    after,
    streamUrl: `/api/conversations/${conversationId}/stream?after=${after}`,
  };
}

/**
 * Writes one send in one statement (one round trip, atomic): the conversation's new leaf,
 * model and title, the user message and its replies. With `expectedLeaf`, the conversation is
 * only moved if its leaf is still the one the send read; false when it was not (nothing
 * written).
 */
async function writeSend(
  services: Services,
  send: {
    conversationId: string;
    expectedLeaf?: string | null;
    leaf: string;
    model: string | null;
    title: string | null;
    rows: MessageRow[];
  },
): Promise<boolean> {
  const guard =
    send.expectedLeaf === undefined
      ? sql`TRUE`
      : sql`${conversations.activeLeafId} IS NOT DISTINCT FROM ${send.expectedLeaf}::uuid`;
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
  const result = await services.db.execute<{ id: string }>(sql`
    WITH moved AS (
      UPDATE ${conversations} SET active_leaf_id = ${send.leaf}::uuid, updated_at = now(),
        model = coalesce(${send.model}, model), title = coalesce(${send.title}, title)
      WHERE id = ${send.conversationId}::uuid AND ${guard}
      RETURNING id
    )
    INSERT INTO ${messages} (id, conversation_id, user_id, parent_id, role, content, batch_id,
      model, provider, status, attachments, created_at, completed_at)
    SELECT v.* FROM (VALUES ${values}) AS v(id, conversation_id, user_id, parent_id, role, content,
      batch_id, model, provider, status, attachments, created_at, completed_at)
    WHERE EXISTS (SELECT 1 FROM moved)
    RETURNING id`);
  const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  return rows.length > 0;
}

/**
 * Writes another reply to the same user message (a new branch), with the same model or
 * another one; the earlier replies stay as siblings to switch back to.
 */
export async function regenerate(
  services: Services,
  userId: string,
  conversationId: string,
  messageId: string,
  input: { model?: string; temperature?: number },
): Promise<TurnStarted> {
  const [conversation, existing] = await inOrder([
    requireConversation(services.db, userId, conversationId),
    loadMessages(services.db, conversationId),
  ] as const);
  const target = existing.find((row) => row.id === messageId);
  if (target?.role !== 'assistant' || !target.parentId) {
    throw new ApiError('NOT_FOUND', 'No such reply in this conversation.');
  }
  const agent = await agentFor(services, userId, conversation);
  const slug = input.model ?? target.model ?? DEFAULT_MODEL;
  const [entry] = await prepareModels(services, userId, [slug]);
  if (!entry) throw new ApiError('MODEL_UNAVAILABLE', `Model "${slug}" is not available.`);
  const parentId = target.parentId;
  const reply = await services.db.transaction(async (tx) => {
    const id = crypto.randomUUID();
    const [reply] = await tx
      .insert(messages)
      .values({
        id,
        batchId: id,
        conversationId,
        userId,
        parentId,
        role: 'assistant',
        model: modelSlug(entry.model),
        provider: entry.model.provider,
        status: 'streaming',
      })
      .returning();
    if (!reply) throw new ApiError('INTERNAL_SERVER_ERROR', 'The reply was not created.');
    await tx
      .update(conversations)
      .set({ activeLeafId: reply.id, updatedAt: new Date() })
      .where(eq(conversations.id, conversationId));
    return reply;
  });
  const thread = pathTo(existing, parentId);
  const history = await buildHistory(services, thread, entry.model, agent);
  const job = jobFor(
    userId,
    conversationId,
    reply,
    entry,
    history,
    'chat',
    input.temperature ?? agent?.temperature ?? undefined,
  );
  const after = await startTurns(services, conversationId, [job]);
  return {
    userMessage: null,
    replies: [toMessage(reply)],
    after,
    streamUrl: `/api/conversations/${conversationId}/stream?after=${after}`,
  };
}

/** Stops one running reply, or all of the conversation's; what was written is kept. */
export async function stopReplies(
  services: Services,
  userId: string,
  conversationId: string,
  turnId?: string,
): Promise<string[]> {
  await requireConversation(services.db, userId, conversationId);
  return services.chatSessions.forConversation(conversationId).stop(turnId);
}

/** The conversation's reply stream as SSE bytes, from after an event id. */
export async function openStream(
  services: Services,
  userId: string,
  conversationId: string,
  after: number,
): Promise<ReadableStream<Uint8Array>> {
  await requireConversation(services.db, userId, conversationId);
  return services.chatSessions.forConversation(conversationId).subscribe(after);
}
