import { desc } from 'drizzle-orm';
import { emailOutbox } from '../../db/schema';
import type { Services } from '../platform/env';

/** The newest outgoing e-mails, with their delivery status. */
export async function listOutbox(services: Services, limit: number) {
  const rows = await services.db
    .select()
    .from(emailOutbox)
    .orderBy(desc(emailOutbox.createdAt))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    to: row.toAddress,
    subject: row.subject,
    text: row.textBody,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  }));
}
