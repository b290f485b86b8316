import { bearer, client, sendJson } from './client';

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
  return (
    await sendJson(() =>
      client.api.admin.outbox.$get({ query: { limit: String(limit) } }, bearer(accessToken)),
    )
  ).items;
}
