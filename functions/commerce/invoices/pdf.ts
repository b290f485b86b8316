/**
 * An invoice or credit note drawn as a PDF (pdf-lib, standard Helvetica): the seller, the
 * buyer, the lines, the totals, VAT per rate and the payment method, in French or English.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { BillingDetails, orderItems, orders } from '../../../db/schema';
import { currencyExponent } from '../../payments/money';
import type { Secrets } from '../../platform/env';
import { pdfText } from '../../platform/pdf-text';
import { DEFAULT_SHIPPING } from '../cart-pricing';
import type { InvoiceRow } from './numbering';
import { refundVat, vatBreakdown } from './vat';

type OrderRow = typeof orders.$inferSelect;
type OrderItemRow = typeof orderItems.$inferSelect;

export interface Seller {
  name: string;
  addressLines: string[];
  vatId: string | null;
}

/** The seller printed on invoices: SELLER_* variables, or WeBox's name alone. */
export function sellerFrom(
  secrets: Pick<Secrets, 'SELLER_NAME' | 'SELLER_ADDRESS' | 'SELLER_VAT_ID'>,
): Seller {
  return {
    name: secrets.SELLER_NAME ?? 'WeBox',
    addressLines: (secrets.SELLER_ADDRESS ?? '')
      .split(/\\n|\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    vatId: secrets.SELLER_VAT_ID ?? null,
  };
}

/** Everything printed on one invoice or credit note, read from committed rows. */
export interface InvoiceDocument {
  invoice: InvoiceRow;
  order: OrderRow;
  lines: OrderItemRow[];
  locale: 'fr' | 'en';
  /** Credit notes: the refund and the number of the invoice it corrects. */
  refund: { amountMinor: number; reason: string | null } | null;
  invoiceNumber: string | null;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };

/** An amount as printed: "1 234,56 €" in French, "€1,234.56" in English. */
export function formatMoney(minor: number, currency: string, locale: 'fr' | 'en'): string {
  const exponent = currencyExponent(currency);
  const unit = 10 ** exponent;
  const abs = Math.abs(minor);
  const whole = String(Math.floor(abs / unit)).replace(
    /\B(?=(\d{3})+(?!\d))/g,
    locale === 'fr' ? ' ' : ',',
  );
  const fraction = exponent > 0 ? String(abs % unit).padStart(exponent, '0') : '';
  const number = fraction ? `${whole}${locale === 'fr' ? ',' : '.'}${fraction}` : whole;
  const sign = minor < 0 ? '-' : '';
  const symbol = SYMBOLS[currency];
  if (locale === 'fr') return `${sign}${number} ${symbol ?? currency}`;
  return symbol ? `${sign}${symbol}${number}` : `${sign}${number} ${currency}`;
}

const formatRate = (bps: number, locale: 'fr' | 'en') => {
  const text = String(bps / 100);
  return `${locale === 'fr' ? text.replace('.', ',') : text} %`;
};

const formatDate = (date: Date, locale: 'fr' | 'en') => {
  const d = String(date.getUTCDate()).padStart(2, '0');
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const y = date.getUTCFullYear();
  return locale === 'fr' ? `${d}/${m}/${y}` : `${y}-${m}-${d}`;
};

const LABELS = {
  fr: {
    invoice: 'FACTURE',
    credit_note: 'AVOIR',
    number: 'N°',
    date: 'Date',
    order: 'Commande',
    seller: 'Vendeur',
    buyer: 'Client',
    vatId: 'N° TVA',
    item: 'Désignation',
    qty: 'Qté',
    unit: 'Prix unit. TTC',
    discount: 'Remise',
    rate: 'TVA',
    total: 'Total TTC',
    subtotal: 'Sous-total',
    promo: 'Code promo',
    shipping: 'Livraison',
    grandTotal: 'Total TTC',
    vatIncluded: 'dont TVA',
    base: 'Base HT',
    vatAmount: 'Montant TVA',
    gross: 'TTC',
    paidWith: 'Moyen de paiement',
    reference: 'Référence du virement',
    correction: 'Avoir sur la facture',
    refundOf: 'Remboursement de la commande',
    reason: 'Motif',
    pricesNote: 'Prix toutes taxes comprises.',
    methods: {
      stripe: 'Carte bancaire (Stripe)',
      paypal: 'PayPal',
      bank_transfer: 'Virement bancaire',
    },
    page: 'Page',
  },
  en: {
    invoice: 'INVOICE',
    credit_note: 'CREDIT NOTE',
    number: 'No.',
    date: 'Date',
    order: 'Order',
    seller: 'Seller',
    buyer: 'Bill to',
    vatId: 'VAT no.',
    item: 'Description',
    qty: 'Qty',
    unit: 'Unit price',
    discount: 'Discount',
    rate: 'VAT',
    total: 'Total',
    subtotal: 'Subtotal',
    promo: 'Promo code',
    shipping: 'Shipping',
    grandTotal: 'Total',
    vatIncluded: 'incl. VAT',
    base: 'Net',
    vatAmount: 'VAT',
    gross: 'Gross',
    paidWith: 'Payment method',
    reference: 'Transfer reference',
    correction: 'Credit note for invoice',
    refundOf: 'Refund of order',
    reason: 'Reason',
    pricesNote: 'Prices include VAT.',
    methods: { stripe: 'Card (Stripe)', paypal: 'PayPal', bank_transfer: 'Bank transfer' },
    page: 'Page',
  },
} as const;

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const GREY = rgb(0.35, 0.35, 0.35);

/** Writes text with the standard fonts, replacing what WinAnsi cannot encode. */
class Writer {
  page: PDFPage;
  y: number;
  pages = 1;

  constructor(
    private readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  /**
   * Text as printed: no-break, narrow and thin spaces become plain spaces, then what the font
   * cannot draw is replaced the way every WeBox PDF replaces it.
   */
  clean(font: PDFFont, text: string): string {
    return pdfText(text.replace(/[\u202f\u2009\u00a0]/g, ' '), font);
  }

  /** Cuts text to `width`, ending with an ellipsis when it had to cut. */
  fit(font: PDFFont, size: number, text: string, width: number): string {
    const clean = this.clean(font, text);
    if (font.widthOfTextAtSize(clean, size) <= width) return clean;
    let cut = clean.length;
    while (cut > 1 && font.widthOfTextAtSize(`${clean.slice(0, cut)}…`, size) > width) cut--;
    return `${clean.slice(0, cut)}…`;
  }

  text(
    value: string,
    x: number,
    options: {
      size?: number;
      bold?: boolean;
      align?: 'left' | 'right';
      width?: number;
      color?: ReturnType<typeof rgb>;
    } = {},
  ): void {
    const font = options.bold ? this.bold : this.regular;
    const size = options.size ?? 9;
    const shown = options.width
      ? this.fit(font, size, value, options.width)
      : this.clean(font, value);
    const left = options.align === 'right' ? x - font.widthOfTextAtSize(shown, size) : x;
    this.page.drawText(shown, { x: left, y: this.y, size, font, color: options.color });
  }

  line(): void {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: A4[0] - MARGIN, y: this.y },
      thickness: 0.5,
      color: GREY,
    });
  }

  /** Moves down; starts a new page when the next `need` points would not fit. */
  down(points: number, need = 0): boolean {
    this.y -= points;
    if (this.y - need >= MARGIN + 20) return false;
    this.page = this.pdf.addPage(A4);
    this.pages++;
    this.y = A4[1] - MARGIN;
    return true;
  }
}

/**
 * Draws an invoice or credit note as a PDF with pdf-lib's standard Helvetica (WinAnsi, which
 * covers French accents and €). The dates embedded are the invoice's own, so rendering the
 * same rows again gives the same document.
 */
export async function renderInvoicePdf(
  doc: InvoiceDocument,
  seller: Seller,
): Promise<Uint8Array<ArrayBuffer>> {
  const { invoice, order, locale } = doc;
  const t = LABELS[locale];
  // French typography puts a space before the colon.
  const sep = locale === 'fr' ? ' : ' : ': ';
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  const pdf = await PDFDocument.create();
  const title = `${invoice.kind === 'invoice' ? t.invoice : t.credit_note} ${invoice.number}`;
  pdf.setTitle(title);
  pdf.setSubject(`${t.order} ${order.id}`);
  pdf.setAuthor(seller.name);
  pdf.setProducer('WeBox');
  pdf.setCreator('WeBox');
  pdf.setCreationDate(invoice.createdAt);
  pdf.setModificationDate(invoice.createdAt);
  const w = new Writer(
    pdf,
    await pdf.embedFont(StandardFonts.Helvetica),
    await pdf.embedFont(StandardFonts.HelveticaBold),
  );
  const right = A4[0] - MARGIN;

  w.text(invoice.kind === 'invoice' ? t.invoice : t.credit_note, MARGIN, { size: 20, bold: true });
  w.text(`${t.number} ${invoice.number}`, right, { size: 11, bold: true, align: 'right' });
  w.down(16);
  w.text(`${t.date}${sep}${formatDate(invoice.createdAt, locale)}`, right, { align: 'right' });
  w.down(12);
  w.text(`${t.order}${sep}${order.id}`, right, { align: 'right', color: GREY });
  if (invoice.kind === 'credit_note' && doc.invoiceNumber) {
    w.down(12);
    w.text(`${t.correction} ${doc.invoiceNumber}`, right, { align: 'right' });
  }
  w.down(28);

  const billing: BillingDetails = order.billing;
  const sellerLines = [
    ...seller.addressLines,
    ...(seller.vatId ? [`${t.vatId}${sep}${seller.vatId}`] : []),
  ];
  const buyerLines = [
    billing.email,
    billing.address,
    [billing.postalCode, billing.city].filter(Boolean).join(' '),
    billing.country,
    billing.vatId ? `${t.vatId}${sep}${billing.vatId}` : undefined,
  ].filter((line): line is string => Boolean(line));
  const blockTop = w.y;
  w.text(t.seller, MARGIN, { bold: true, color: GREY });
  w.down(13);
  w.text(seller.name, MARGIN, { bold: true, width: 230 });
  for (const line of sellerLines) {
    w.down(12);
    w.text(line, MARGIN, { width: 230 });
  }
  const sellerBottom = w.y;
  w.y = blockTop;
  const buyerX = 320;
  w.text(t.buyer, buyerX, { bold: true, color: GREY });
  w.down(13);
  w.text(billing.name, buyerX, { bold: true, width: right - buyerX });
  for (const line of buyerLines) {
    w.down(12);
    w.text(line, buyerX, { width: right - buyerX });
  }
  w.y = Math.min(w.y, sellerBottom);
  w.down(30);

  const cols = { qty: 320, unit: 392, discount: 446, rate: 490, total: right };
  const header = () => {
    w.text(t.item, MARGIN, { bold: true });
    w.text(t.qty, cols.qty, { bold: true, align: 'right' });
    w.text(t.unit, cols.unit, { bold: true, align: 'right' });
    w.text(t.discount, cols.discount, { bold: true, align: 'right' });
    w.text(t.rate, cols.rate, { bold: true, align: 'right' });
    w.text(t.total, cols.total, { bold: true, align: 'right' });
    w.down(6);
    w.line();
    w.down(13);
  };
  header();
  const orderVat = vatBreakdown(doc.lines, order.shippingMinor);
  if (invoice.kind === 'invoice') {
    for (const line of doc.lines) {
      w.text(line.name, MARGIN, { width: cols.qty - MARGIN - 30 });
      w.text(String(line.quantity), cols.qty, { align: 'right' });
      w.text(money(line.unitPriceMinor), cols.unit, { align: 'right' });
      w.text(line.discountMinor > 0 ? money(-line.discountMinor) : '', cols.discount, {
        align: 'right',
      });
      w.text(formatRate(line.taxRateBps, locale), cols.rate, { align: 'right' });
      w.text(money(line.lineTotalMinor), cols.total, { align: 'right' });
      if (w.down(14, 14)) header();
    }
    if (order.shippingMinor > 0) {
      w.text(t.shipping, MARGIN);
      w.text('1', cols.qty, { align: 'right' });
      w.text(money(order.shippingMinor), cols.unit, { align: 'right' });
      w.text(formatRate(DEFAULT_SHIPPING.taxRateBps, locale), cols.rate, { align: 'right' });
      w.text(money(order.shippingMinor), cols.total, { align: 'right' });
      w.down(14);
    }
  } else {
    w.text(`${t.refundOf} ${order.id}`, MARGIN, { width: cols.qty - MARGIN - 30 });
    w.text('1', cols.qty, { align: 'right' });
    w.text(money(invoice.totalMinor), cols.unit, { align: 'right' });
    w.text(money(invoice.totalMinor), cols.total, { align: 'right' });
    w.down(14);
    if (doc.refund?.reason) {
      w.text(`${t.reason}${sep}${doc.refund.reason}`, MARGIN, {
        width: right - MARGIN,
        color: GREY,
      });
      w.down(14);
    }
  }
  w.down(0, 120);
  w.line();
  w.down(16);

  const labelX = 400;
  const row = (label: string, value: string, bold = false) => {
    w.text(label, labelX, { bold, align: 'right' });
    w.text(value, right, { bold, align: 'right' });
    w.down(13);
  };
  const vat =
    invoice.kind === 'invoice' ? orderVat : refundVat(orderVat, Math.abs(invoice.totalMinor));
  if (invoice.kind === 'invoice') {
    row(t.subtotal, money(order.subtotalMinor));
    if (order.discountMinor > 0) {
      row(
        order.promoCode ? `${t.promo} ${order.promoCode}` : t.discount,
        money(-order.discountMinor),
      );
    }
    if (order.shippingMinor > 0) row(t.shipping, money(order.shippingMinor));
  }
  row(t.grandTotal, money(invoice.totalMinor), true);
  row(t.vatIncluded, money(vat.reduce((sum, line) => sum + line.vatMinor, 0)));
  w.down(10, 60);

  w.text(t.rate, MARGIN, { bold: true });
  w.text(t.base, 200, { bold: true, align: 'right' });
  w.text(t.vatAmount, 290, { bold: true, align: 'right' });
  w.text(t.gross, 380, { bold: true, align: 'right' });
  w.down(13);
  for (const line of vat) {
    w.text(formatRate(line.rateBps, locale), MARGIN);
    w.text(money(line.netMinor), 200, { align: 'right' });
    w.text(money(line.vatMinor), 290, { align: 'right' });
    w.text(money(line.grossMinor), 380, { align: 'right' });
    w.down(13, 40);
  }
  w.down(14, 40);
  w.text(`${t.paidWith}${sep}${t.methods[order.paymentMethod]}`, MARGIN);
  if (order.paymentMethod === 'bank_transfer' && order.bankReference) {
    w.down(12);
    w.text(`${t.reference}${sep}${order.bankReference}`, MARGIN);
  }
  w.down(12);
  w.text(t.pricesNote, MARGIN, { color: GREY });

  const pages = pdf.getPages();
  pages.forEach((page, i) => {
    page.drawText(`${invoice.number} · ${t.page} ${i + 1}/${pages.length}`, {
      x: MARGIN,
      y: MARGIN - 20,
      size: 8,
      font: w.regular,
      color: GREY,
    });
  });
  return new Uint8Array(await pdf.save());
}
