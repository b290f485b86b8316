/**
 * Invoice and credit-note numbers: one gapless sequence per year, handed out inside the
 * transaction that records the invoice, and the R2 key its PDF is stored under.
 */
import { sql } from 'drizzle-orm';
import type { Transaction } from '../../../db/client';
import { invoiceCounters, invoices } from '../../../db/schema';

export type InvoiceRow = typeof invoices.$inferSelect;

/** The R2 key of an invoice's PDF: under its owner's prefix, like every user file. */
export function invoiceKey(userId: string, invoiceId: string): string {
  return `invoices/${userId}/${invoiceId}.pdf`;
}

/** "2026-000123": the year and the sequence within it, zero-padded so numbers sort. */
export function invoiceNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(6, '0')}`;
}

/**
 * Numbers and records an invoice or credit note inside the caller's transaction. The number
 * comes from one counter row per year, incremented in place: the row stays locked until the
 * transaction ends, so numbers are handed out one at a time, and a rollback gives the number
 * back with everything else, so the sequence has no gaps.
 */
export async function issueInvoice(
  tx: Transaction,
  input: {
    orderId: string;
    userId: string;
    kind: 'invoice' | 'credit_note';
    totalMinor: number;
    currency: string;
    refundId?: string;
    at?: Date;
  },
): Promise<InvoiceRow> {
  const at = input.at ?? new Date();
  const year = at.getUTCFullYear();
  const [counter] = await tx
    .insert(invoiceCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({
      target: invoiceCounters.year,
      set: { last: sql`${invoiceCounters.last} + 1` },
    })
    .returning({ last: invoiceCounters.last });
  if (!counter) throw new Error('invoice counter returned no row');
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(invoices)
    .values({
      id,
      orderId: input.orderId,
      userId: input.userId,
      kind: input.kind,
      year,
      sequence: counter.last,
      number: invoiceNumber(year, counter.last),
      totalMinor: input.totalMinor,
      currency: input.currency,
      r2Key: invoiceKey(input.userId, id),
      refundId: input.refundId ?? null,
      createdAt: at,
    })
    .returning();
  if (!row) throw new Error('invoice insert returned no row');
  return row;
}
