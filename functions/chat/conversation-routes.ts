import { z } from '@hono/zod-openapi';
import { registryVersion } from '../models/service';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import {
  createConversation,
  deleteConversation,
  getConversationDetail,
  listConversations,
  selectBranch,
  toConversation,
  updateConversation,
} from './conversations';
import { CHAT_SEND_RULE, CHAT_WRITE_RULE } from './limits';
import {
  ConversationCreateSchema,
  ConversationDetailSchema,
  ConversationListQuerySchema,
  ConversationListSchema,
  ConversationParamSchema,
  ConversationPatchSchema,
  ConversationSchema,
  MessageParamSchema,
  RegenerateSchema,
  SelectBranchSchema,
  SendMessageSchema,
  StopSchema,
  StreamQuerySchema,
  TurnStartedSchema,
} from './schemas';
import { openStream, regenerate, sendMessage, stopReplies } from './service';

const tags = ['chat'];
const listRoute = userRoute({
  method: 'get',
  path: '/conversations',
  tags,
  summary: 'Your conversations, most recent first; search titles and messages with q',
  request: { query: ConversationListQuerySchema },
  responses: { 200: jsonResponse(ConversationListSchema, 'A page') },
});

const createConversationRoute = userRoute({
  method: 'post',
  path: '/conversations',
  tags,
  summary: 'Start a conversation, optionally with an agent and a model',
  rateLimit: rateLimitByUser(CHAT_WRITE_RULE),
  request: { body: jsonBody(ConversationCreateSchema) },
  responses: {
    201: jsonResponse(ConversationSchema, 'Created'),
  },
});

const getRoute = userRoute({
  method: 'get',
  path: '/conversations/{id}',
  tags,
  summary: 'A conversation with every message of every branch',
  request: { params: ConversationParamSchema },
  responses: {
    200: jsonResponse(ConversationDetailSchema, 'The conversation'),
  },
});

const patchRoute = userRoute({
  method: 'patch',
  path: '/conversations/{id}',
  tags,
  summary: 'Rename, pin or unpin, or change the agent',
  rateLimit: rateLimitByUser(CHAT_WRITE_RULE),
  request: { params: ConversationParamSchema, body: jsonBody(ConversationPatchSchema) },
  responses: {
    200: jsonResponse(ConversationSchema, 'Updated'),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/conversations/{id}',
  tags,
  summary: 'Delete a conversation (purged for good after 30 days)',
  rateLimit: rateLimitByUser(CHAT_WRITE_RULE),
  request: { params: ConversationParamSchema },
  responses: { 204: { description: 'Deleted' } },
});

const sendRoute = userRoute({
  method: 'post',
  path: '/conversations/{id}/messages',
  tags,
  summary: 'Send a message; one reply per model starts streaming',
  description:
    'Give `model` for one reply or `models` (2–12) to compare. `editOf` makes the message a new branch beside an earlier one. The replies run in the conversation’s ChatSession object and finish even if you disconnect; read them from `streamUrl`.',
  rateLimit: rateLimitByUser(CHAT_SEND_RULE),
  prefetch: [registryVersion],
  request: { params: ConversationParamSchema, body: jsonBody(SendMessageSchema) },
  responses: {
    202: jsonResponse(TurnStartedSchema, 'Replies started'),
    ...problemResponses(422, 424, 503),
  },
});

const regenerateRoute = userRoute({
  method: 'post',
  path: '/conversations/{id}/messages/{messageId}/regenerate',
  tags,
  summary: 'Write another reply to the same message (a new branch)',
  rateLimit: rateLimitByUser(CHAT_SEND_RULE),
  prefetch: [registryVersion],
  request: { params: MessageParamSchema, body: jsonBody(RegenerateSchema) },
  responses: {
    202: jsonResponse(TurnStartedSchema, 'Reply started'),
    ...problemResponses(422, 424, 503),
  },
});

const branchRoute = userRoute({
  method: 'put',
  path: '/conversations/{id}/active',
  tags,
  summary: 'Show another branch (or continue from a compared answer)',
  rateLimit: rateLimitByUser(CHAT_WRITE_RULE),
  request: { params: ConversationParamSchema, body: jsonBody(SelectBranchSchema) },
  responses: {
    200: jsonResponse(z.object({ activeLeafId: z.string().uuid() }), 'The new active leaf'),
  },
});

const stopRoute = userRoute({
  method: 'post',
  path: '/conversations/{id}/stop',
  tags,
  summary: 'Stop one running reply, or all of them; what was written is kept',
  rateLimit: rateLimitByUser(CHAT_WRITE_RULE),
  request: { params: ConversationParamSchema, body: jsonBody(StopSchema) },
  responses: {
    200: jsonResponse(z.object({ stopped: z.array(z.string()) }), 'Asked to stop'),
  },
});

const streamRoute = userRoute({
  method: 'get',
  path: '/conversations/{id}/stream',
  tags,
  summary: 'The replies as Server-Sent Events, resumable with Last-Event-ID',
  description:
    'Events: `start` (a reply began: turnId, model, offline), `delta` (text), `done` (status, tokens, cost, error). Each has an id; reconnect with `Last-Event-ID` (or `?after=`) to get exactly what you missed. The stream ends when no reply is running.',
  request: { params: ConversationParamSchema, query: StreamQuerySchema },
  responses: {
    200: { description: 'An SSE stream', content: { 'text/event-stream': { schema: z.string() } } },
  },
});

/** Conversations, messages and their live reply stream. */
export const conversationRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const page = await listConversations(c.var.services, c.var.auth.userId, c.req.valid('query'));
    return c.json(page, 200);
  })
  .openapi(createConversationRoute, async (c) => {
    const row = await createConversation(c.var.services, c.var.auth.userId, c.req.valid('json'));
    return c.json(toConversation(row), 201);
  })
  .openapi(getRoute, async (c) => {
    const detail = await getConversationDetail(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
    );
    return c.json(detail, 200);
  })
  .openapi(patchRoute, async (c) => {
    const row = await updateConversation(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    return c.json(toConversation(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteConversation(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(sendRoute, async (c) => {
    const started = await sendMessage(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    return c.json(started, 202);
  })
  .openapi(regenerateRoute, async (c) => {
    const { id, messageId } = c.req.valid('param');
    const started = await regenerate(
      c.var.services,
      c.var.auth.userId,
      id,
      messageId,
      c.req.valid('json'),
    );
    return c.json(started, 202);
  })
  .openapi(branchRoute, async (c) => {
    const activeLeafId = await selectBranch(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('json').messageId,
    );
    return c.json({ activeLeafId }, 200);
  })
  .openapi(stopRoute, async (c) => {
    const stopped = await stopReplies(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      c.req.valid('json').turnId,
    );
    return c.json({ stopped }, 200);
  })
  .openapi(streamRoute, async (c) => {
    const header = Number.parseInt(c.req.header('Last-Event-ID') ?? '', 10);
    const after =
      Number.isSafeInteger(header) && header >= 0 ? header : (c.req.valid('query').after ?? 0);
    const stream = await openStream(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('param').id,
      after,
    );
    return c.body(stream, 200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    });
  });
