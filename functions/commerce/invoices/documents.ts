/**
 * Invoice documents: the committed rows an invoice's PDF shows, the PDF stored in R2 after
 * the invoice commits, and the PDF served to its owner (drawn again if the store was missed).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { invoices, orderItems, orders, refunds, users } from '../../../db/schema';
import type { AuthContext, Services } from '../../platform/env';
import { ApiError } from '../../platform/errors';
import { type InvoiceDocument, renderInvoicePdf, sellerFrom } from './pdf';

/** Reads what an invoice's PDF shows; null when there is no such invoice. */
export async function loadInvoiceDocument(
  db: Database,
  invoiceId: string,
): Promise<InvoiceDocument | null> {
  const [row] = await db
    .select({ invoice: invoices, order: orders, locale: users.locale })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .innerJoin(users, eq(users.id, invoices.userId))
    .where(eq(invoices.id, invoiceId));
  if (!row) return null;
  const lines = await db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, row.order.id))
    .orderBy(asc(orderItems.id));
  let refund: InvoiceDocument['refund'] = null;
  let original: string | null = null;
  if (row.invoice.kind === 'credit_note') {
    if (row.invoice.refundId) {
      const [found] = await db
        .select({ amountMinor: refunds.amountMinor, reason: refunds.reason })
        .from(refunds)
        .where(eq(refunds.id, row.invoice.refundId));
      refund = found ?? null;
    }
    const [first] = await db
      .select({ number: invoices.number })
      .from(invoices)
      .where(and(eq(invoices.orderId, row.order.id), eq(invoices.kind, 'invoice')))
      .orderBy(asc(invoices.createdAt))
      .limit(1);
    original = first?.number ?? null;
  }
  return {
    invoice: row.invoice,
    order: row.order,
    lines,
    locale: row.locale === 'en' ? 'en' : 'fr',
    refund,
    invoiceNumber: original,
  };
}

/** Renders an invoice's PDF and stores it in R2 under its key (after the invoice committed). */
export async function storeInvoicePdf(
  services: Services,
  invoiceId: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const doc = await loadInvoiceDocument(services.db, invoiceId);
  if (!doc) return null;
  const bytes = await renderInvoicePdf(doc, sellerFrom(services.secrets));
  await services.media.put(doc.invoice.r2Key, bytes, {
    httpMetadata: { contentType: 'application/pdf' },
    customMetadata: { invoiceNumber: doc.invoice.number },
  });
  return bytes;
}

/**
 * An invoice's PDF for its owner or an administrator (anyone else: 404). The PDF is written
 * to R2 after the invoice's transaction commits; if that write never happened (the isolate
 * stopped first, R2 failed) it is drawn again from the committed rows and stored now.
 */
export async function invoicePdf(
  services: Services,
  caller: AuthContext,
  invoiceId: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; number: string }> {
  const [row] = await services.db
    .select({ userId: invoices.userId, r2Key: invoices.r2Key, number: invoices.number })
    .from(invoices)
    .where(eq(invoices.id, invoiceId));
  if (!row || (row.userId !== caller.userId && caller.role !== 'admin')) {
    throw new ApiError('NOT_FOUND', 'No such invoice.');
  }
  const stored = await services.media.get(row.r2Key);
  if (stored) return { bytes: new Uint8Array(await stored.arrayBuffer()), number: row.number };
  const bytes = await storeInvoicePdf(services, invoiceId);
  if (!bytes) throw new ApiError('NOT_FOUND', 'No such invoice.');
  return { bytes, number: row.number };
}
