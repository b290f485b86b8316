import { and, eq, inArray } from 'drizzle-orm';
import { chatAttachments, conversations, messages } from '../../db/schema';
import { resolveAgent } from '../agents/service';
import { modelSlug, requireModel, resolveProvider } from '../models/service';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { assertWithinQuota } from '../usage/service';
import { requireAttachments } from './attachments';
import {
  type ApiMessage,
  type ConversationRow,
  loadMessages,
  type MessageRow,
  pathTo,
  requireConversation,
  toMessage,
  withSettledSession,
} from './conversations';
import { buildHistory, DEFAULT_MODEL, jobFor, type PreparedModel, type SendInput } from './live';
import type { TurnJob } from './turns';

export type { SendInput } from './live';

export interface TurnStarted {
  userMessage: ApiMessage | null;
  replies: ApiMessage[];
  after: number;
  streamUrl: string;
}

type Prepared = PreparedModel;

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
    paid ? assertWithinQuota(services, userId) : null,
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

/** The files a thread's messages carry, for its history (one read, none when there are none). */
async function threadFiles(services: Services, thread: MessageRow[]) {
  const ids = thread.flatMap((row) => row.attachments.map((a) => a.id));
  if (ids.length === 0) return [];
  return services.db.select().from(chatAttachments).where(inArray(chatAttachments.id, ids));
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

/**
 * Sends a user message and starts one reply per model (compare when several). Models, keys,
 * quota and attachments are checked here first, in parallel; the conversation's ChatSession
 * object then lays the send on its live state, starts the replies and writes the messages
 * to Postgres through its outbox after answering. Warm, the send reads nothing from Postgres
 * before the replies start (unless it carries attachments); cold, the object loads the
 * conversation in one parallel round trip.
 */
export async function sendMessage(
  services: Services,
  userId: string,
  conversationId: string,
  input: SendInput,
): Promise<TurnStarted> {
  const session = services.chatSessions.forConversation(conversationId);
  const explicit = input.models ?? (input.model ? [input.model] : null);
  const [files, early] = await inOrder([
    requireAttachments(services, userId, input.attachmentIds ?? []),
    explicit ? prepareModels(services, userId, explicit) : Promise.resolve(null),
  ] as const);
  const request = { conversationId, userId, input, files, temperature: input.temperature };
  let outcome = await session.send({ ...request, prepared: early });
  if (outcome.kind === 'models') {
    // The conversation's own model (or its agent's) decides; the object said which.
    const prepared = await prepareModels(services, userId, outcome.slugs);
    outcome = await session.send({ ...request, prepared });
  }
  if (outcome.kind === 'problem') throw new ApiError(outcome.code, outcome.detail);
  if (outcome.kind !== 'started') throw new Error('the conversation asked for models twice');
  return {
    userMessage: outcome.userMessage,
    replies: outcome.replies,
    after: outcome.after,
    streamUrl: `/api/conversations/${conversationId}/stream?after=${outcome.after}`,
  };
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
  return withSettledSession(services, conversationId, () =>
    regenerateSettled(services, userId, conversationId, messageId, input),
  );
}

async function regenerateSettled(
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
  const files = await threadFiles(services, thread);
  const history = await buildHistory(services.media, files, thread, entry.model, agent);
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
  // The object checks the owner on its live state: a warm stream reads nothing from Postgres.
  const stream = await services.chatSessions
    .forConversation(conversationId)
    .subscribe(after, { conversationId, userId });
  if (!stream) throw new ApiError('NOT_FOUND', 'No such conversation.');
  return stream;
}
