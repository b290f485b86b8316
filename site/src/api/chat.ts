import type { z } from '@hono/zod-openapi';
import type { Agent } from '../../../functions/agents/service';
import type {
  ConversationDetailSchema,
  ConversationListSchema,
  ConversationSchema,
  MessageSchema,
  TurnStartedSchema,
} from '../../../functions/chat/schemas';
import type { UserModel } from '../../../functions/models/registry';
import { bearer, client, problemFrom, sendJson, sendOk } from './client';
import { fileType } from './media';

/** Response shapes come from the API's own schemas, so the two cannot drift apart. */
export type ChatMessage = z.infer<typeof MessageSchema>;
export type Conversation = z.infer<typeof ConversationSchema>;
export type ConversationListItem = z.infer<typeof ConversationListSchema>['items'][number];
export type ConversationDetail = z.infer<typeof ConversationDetailSchema>;
export type TurnStarted = z.infer<typeof TurnStartedSchema>;
export type { Agent, UserModel };

/** What an upload returns: the id to send with the message. */
export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  kind: 'image' | 'text';
}

/** The file types the chat accepts, as the server checks them. */
export const ATTACHMENT_ACCEPT = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/json',
  'application/pdf',
  '.md',
  '.csv',
  '.json',
  '.txt',
].join(',');
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** The model a new conversation uses when neither it nor its agent names one. */
export const DEFAULT_MODEL = 'offline/offline-detailed';
export const MAX_COMPARE = 12;

function auth(accessToken: string): Record<string, string> {
  return { Authorization: `Bearer ${accessToken}` };
}

export async function listModels(accessToken: string): Promise<UserModel[]> {
  return (await sendJson(() => client.api.models.$get(undefined, bearer(accessToken)))).items;
}

/** A page of conversations; with `q`, the ones whose title or messages match. */
export async function listConversationPage(
  accessToken: string,
  query: { q?: string; pinned?: 'true' | 'false'; limit?: number; cursor?: string },
): Promise<{ items: ConversationListItem[]; nextCursor: string | null }> {
  const params: Record<string, string> = { limit: String(query.limit ?? 30) };
  if (query.q) params.q = query.q;
  if (query.pinned) params.pinned = query.pinned;
  if (query.cursor) params.cursor = query.cursor;
  return await sendJson(() =>
    client.api.conversations.$get({ query: params }, bearer(accessToken)),
  );
}

export async function createConversation(
  accessToken: string,
  input: { agentId?: string; model?: string },
): Promise<Conversation> {
  return await sendJson(() => client.api.conversations.$post({ json: input }, bearer(accessToken)));
}

export async function getConversation(
  accessToken: string,
  id: string,
): Promise<ConversationDetail> {
  return await sendJson(() =>
    client.api.conversations[':id'].$get({ param: { id } }, bearer(accessToken)),
  );
}

export async function updateConversation(
  accessToken: string,
  id: string,
  patch: { title?: string; pinned?: boolean },
): Promise<Conversation> {
  return await sendJson(() =>
    client.api.conversations[':id'].$patch({ param: { id }, json: patch }, bearer(accessToken)),
  );
}

export async function deleteConversation(accessToken: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.conversations[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
}

/** What a message carries: one model, or 2–12 to compare; `editOf` makes it a new branch. */
export interface SendInput {
  content: string;
  model?: string;
  models?: string[];
  editOf?: string;
  attachmentIds?: string[];
  temperature?: number;
}

export async function sendMessage(
  accessToken: string,
  id: string,
  input: SendInput,
): Promise<TurnStarted> {
  return await sendJson(() =>
    client.api.conversations[':id'].messages.$post(
      { param: { id }, json: input },
      bearer(accessToken),
    ),
  );
}

/** Another reply to the same user message, with the same model or `model`. */
export async function regenerate(
  accessToken: string,
  id: string,
  messageId: string,
  model?: string,
): Promise<TurnStarted> {
  return await sendJson(() =>
    client.api.conversations[':id'].messages[':messageId'].regenerate.$post(
      { param: { id, messageId }, json: model ? { model } : {} },
      bearer(accessToken),
    ),
  );
}

/** Shows the branch through a message; the server lands on the newest leaf under it. */
export async function selectBranch(
  accessToken: string,
  id: string,
  messageId: string,
): Promise<string> {
  return (
    await sendJson(() =>
      client.api.conversations[':id'].active.$put(
        { param: { id }, json: { messageId } },
        bearer(accessToken),
      ),
    )
  ).activeLeafId;
}

/** Stops one reply, or every running reply of the conversation. */
export async function stopReplies(
  accessToken: string,
  id: string,
  turnId?: string,
): Promise<string[]> {
  return (
    await sendJson(() =>
      client.api.conversations[':id'].stop.$post(
        { param: { id }, json: turnId ? { turnId } : {} },
        bearer(accessToken),
      ),
    )
  ).stopped;
}

/**
 * Opens the reply stream after an event id. Network failures are left as they are (a
 * TypeError) so the stream reader can reconnect; an HTTP error becomes an ApiProblem.
 */
export async function openStream(
  accessToken: string,
  id: string,
  lastEventId: number,
  signal: AbortSignal,
): Promise<Response> {
  const res = await fetch(`/api/conversations/${encodeURIComponent(id)}/stream`, {
    headers: { ...auth(accessToken), 'Last-Event-ID': String(lastEventId) },
    cache: 'no-store',
    signal,
  });
  if (!res.ok) throw await problemFrom(res);
  return res;
}

export async function getAgent(accessToken: string, id: string): Promise<Agent> {
  return await sendJson(() =>
    client.api.agents[':id'].$get({ param: { id } }, bearer(accessToken)),
  );
}

/** Uploads one file for a message; the server checks its type by its content. */
export async function uploadAttachment(accessToken: string, file: File): Promise<Attachment> {
  const type = fileType(file);
  return (await sendJson(() =>
    fetch(`/api/chat/attachments?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { ...auth(accessToken), 'Content-Type': type },
      body: file,
    }),
  )) as Attachment;
}

/** An attachment's bytes (it needs the access token, so it is fetched, not linked). */
export async function fetchAttachment(accessToken: string, id: string): Promise<Blob> {
  const res = await sendOk(() =>
    fetch(`/api/chat/attachments/${encodeURIComponent(id)}`, { headers: auth(accessToken) }),
  );
  return await res.blob();
}

/** The file name a download response suggests, if any. */
function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // Fall through to the plain name.
    }
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? null;
}

/** A conversation as a Markdown, JSON or PDF file. */
export async function exportConversation(
  accessToken: string,
  id: string,
  format: 'md' | 'json' | 'pdf',
): Promise<{ blob: Blob; fileName: string }> {
  const res = await sendOk(() =>
    fetch(`/api/conversations/${encodeURIComponent(id)}/export?format=${format}`, {
      headers: auth(accessToken),
    }),
  );
  const fileName =
    dispositionName(res.headers.get('Content-Disposition')) ?? `conversation.${format}`;
  return { blob: await res.blob(), fileName };
}

/** Creates a conversation from a JSON export. */
export async function importConversation(
  accessToken: string,
  fileText: string,
): Promise<Conversation> {
  return (await sendJson(() =>
    fetch('/api/conversations/import', {
      method: 'POST',
      headers: { ...auth(accessToken), 'Content-Type': 'application/json' },
      body: fileText,
    }),
  )) as Conversation;
}
