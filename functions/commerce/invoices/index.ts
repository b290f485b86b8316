/**
 * Invoices and credit notes.
 *
 * numbering.ts  gapless yearly numbers, issued inside the order's transaction; R2 keys
 * vat.ts        VAT per rate of an order and of a refund
 * pdf.ts        the printed document: seller, amounts as printed, the PDF itself
 * documents.ts  the rows a PDF shows, storing it in R2, serving it to its owner
 */
export { invoicePdf, loadInvoiceDocument, storeInvoicePdf } from './documents';
export { type InvoiceRow, invoiceKey, invoiceNumber, issueInvoice } from './numbering';
export {
  formatMoney,
  type InvoiceDocument,
  renderInvoicePdf,
  type Seller,
  sellerFrom,
} from './pdf';
export { type VatLine, vatBreakdown } from './vat';
