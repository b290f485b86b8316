import type { Database, Transaction } from '../../db/client';
import { auditLog } from '../../db/schema';
import { ipOrNull, type RequestMeta } from '../auth/request-meta';

/**
 * Writes one audit_log row for the user's activity log. Metadata carries names, counts and
 * masked values only: never a key, token or address in clear.
 */
export async function recordEvent(
  db: Database | Transaction,
  userId: string,
  action: string,
  meta: RequestMeta | null,
  metadata: Record<string, string | number | boolean | null> = {},
): Promise<void> {
  await db.insert(auditLog).values({
    userId,
    action,
    ip: meta ? ipOrNull(meta.ip) : null,
    userAgent: meta?.userAgent?.slice(0, 512) ?? null,
    metadata,
  });
}

/** `a***@example.com`: enough for the owner to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.charAt(0)}***${email.slice(at)}`;
}
