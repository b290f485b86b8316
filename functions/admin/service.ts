import { desc } from 'drizzle-orm';
import { emailOutbox } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';

/**
 * The newest outgoing e-mails, with their delivery status. Development only: their bodies
 * hold live sign-in, verification and reset links, so in production (and staging) the outbox
 * is not an API at all, even for administrators.
 */
export async function listOutbox(services: Pick<Services, 'config' | 'db'>, limit: number) {
  if (services.config.environment !== 'development') {
    throw new ApiError('NOT_FOUND', 'The mail outbox is only available in development.');
  }
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
