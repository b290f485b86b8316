import { bearer, client, problemFrom, send } from './client';

/** One outgoing e-mail, as the admin outbox lists it. */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The newest outgoing e-mails (at most `limit`), newest first. */
export async function listOutbox(accessToken: string, limit = 50): Promise<OutboxMessage[]> {
  const res = await send(() =>
    client.api.admin.outbox.$get({ query: { limit: String(limit) } }, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()).items;
}
