import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { emailOutbox } from '../../db/schema';
import type { Logger } from './logging';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  readonly configured: boolean;
  /** Writes the message to the outbox, then sends it when a mail API is configured. */
  send(message: MailMessage): Promise<{ id: string; status: 'queued' | 'sent' | 'failed' }>;
}

interface MailConfig {
  apiUrl?: string;
  apiKey?: string;
  from?: string;
}

const SEND_TIMEOUT_MS = 5_000;

/**
 * The mailer speaks the Resend-style `POST /emails` API over fetch. Without settings the
 * message stays in the outbox (status queued), which the dev outbox page lists.
 */
export function createMailer(db: Database, logger: Logger, config: MailConfig): Mailer {
  const configured = Boolean(config.apiUrl && config.apiKey);
  return {
    configured,
    async send(message) {
      const [row] = await db
        .insert(emailOutbox)
        .values({
          toAddress: message.to,
          subject: message.subject,
          textBody: message.text,
          htmlBody: message.html,
        })
        .returning({ id: emailOutbox.id });
      if (!row) throw new Error('outbox insert returned no row');
      if (!configured) return { id: row.id, status: 'queued' };
      try {
        const res = await fetch(new URL('emails', ensureSlash(config.apiUrl ?? '')), {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${config.apiKey}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            from: config.from ?? 'WeBox <no-reply@webox.app>',
            to: [message.to],
            subject: message.subject,
            text: message.text,
            html: message.html,
          }),
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        if (!res.ok) throw new Error(`mail API answered ${res.status}`);
        const body = (await res.json()) as { id?: string };
        await db
          .update(emailOutbox)
          .set({
            status: 'sent',
            providerId: body.id ?? null,
            sentAt: new Date(),
            attempts: sql`${emailOutbox.attempts} + 1`,
          })
          .where(eq(emailOutbox.id, row.id));
        return { id: row.id, status: 'sent' };
      } catch (err) {
        logger.warn('mail send failed', { outboxId: row.id, error: err });
        await db
          .update(emailOutbox)
          .set({
            status: 'failed',
            lastError: err instanceof Error ? err.message : String(err),
            attempts: sql`${emailOutbox.attempts} + 1`,
          })
          .where(eq(emailOutbox.id, row.id));
        return { id: row.id, status: 'failed' };
      }
    },
  };
}

function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
