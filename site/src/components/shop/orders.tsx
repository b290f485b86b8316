import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiProblem } from '../../api/client';
import {
  type CartView,
  type CheckoutResult,
  fetchFile,
  type OrderStatus,
  type OrderView,
  type PaymentMethod,
} from '../../api/shop';
import { authed } from '../../auth';
import { type MessageKey, useI18n } from '../../i18n';
import { type Column, DataTable, formatDate, formatMoney, Pager, ProblemAlert } from '../../ui';
import { type Fact, Facts } from '../../ui/facts';
import { attempt } from '../../ui/hooks';
import { formatRate } from './shop';

type VatLine = CartView['vat'][number];

export const STATUS_KEYS: Record<OrderStatus, MessageKey> = {
  pending: 'shop.status.pending',
  paid: 'shop.status.paid',
  fulfilled: 'shop.status.fulfilled',
  cancelled: 'shop.status.cancelled',
  refunded: 'shop.status.refunded',
  partially_refunded: 'shop.status.partially_refunded',
};

export const METHOD_KEYS: Record<PaymentMethod, MessageKey> = {
  stripe: 'shop.method.stripe',
  paypal: 'shop.method.paypal',
  bank_transfer: 'shop.method.bank_transfer',
};

/** One order's page in the app. */
export function orderHref(id: string): string {
  return `/orders?id=${encodeURIComponent(id)}`;
}

/** A short, readable order number (the id's first 8 characters). */
export function orderNumber(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

export function StatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useI18n();
  return <span class={`badge shop-status shop-status-${status}`}>{t(STATUS_KEYS[status])}</span>;
}

/** Saves a blob under a file name through a temporary link (the file needs the access token). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads files that need the access token (invoices, exports): `downloading` names the one
 * on its way; a problem goes to `onProblem`.
 */
export function useDownload(onProblem: (problem: ApiProblem | null) => void) {
  const [downloading, setDownloading] = useState<string | null>(null);
  function download(id: string, url: string, name: string) {
    setDownloading(id);
    onProblem(null);
    void attempt(async () => {
      saveBlob(await authed((token) => fetchFile(token, url)), name);
    }, onProblem).finally(() => setDownloading(null));
  }
  return { downloading, download };
}

/** The amounts of a cart or an order: subtotal, discount, shipping, VAT by rate, total. */
export function TotalsList({
  currency,
  subtotalMinor,
  discountMinor,
  promoCode,
  shipping,
  vat,
  totalMinor,
  after = [],
  label,
}: {
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  promoCode: string | null | undefined;
  /** The shipping line's value, or null when there is none. */
  shipping: ComponentChildren | null;
  vat: readonly VatLine[];
  totalMinor: number;
  /** Lines under the total. */
  after?: ReadonlyArray<Fact | false>;
  label?: string;
}) {
  const { t, lang } = useI18n();
  const money = (minor: number) => formatMoney(minor, currency, lang);
  return (
    <Facts
      class="shop-totals"
      label={label}
      items={[
        { label: t('shop.cart.subtotal'), value: money(subtotalMinor) },
        discountMinor > 0 && {
          label: promoCode
            ? t('shop.cart.discountCode', { code: promoCode })
            : t('shop.cart.discount'),
          value: `−${money(discountMinor)}`,
          class: 'shop-discount',
        },
        shipping !== null && { label: t('shop.cart.shipping'), value: shipping },
        ...vat.map((line) => ({
          label: t('shop.cart.vatLine', {
            rate: formatRate(line.rateBps, lang),
            net: money(line.netMinor),
          }),
          value: money(line.vatMinor),
          class: 'shop-vat',
        })),
        { label: t('shop.cart.total'), value: money(totalMinor), class: 'shop-total' },
        ...after,
      ]}
    />
  );
}

/** Lines, totals with VAT, history, invoices and refunds of one order (buyer or admin). */
export function OrderDetails({ order }: { order: OrderView }) {
  const { t, lang } = useI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const { downloading, download } = useDownload(setProblem);
  const money = (minor: number) => formatMoney(minor, order.currency, lang);

  return (
    <>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <section class="card" aria-labelledby="order-lines-title">
        <h2 id="order-lines-title">{t('shop.orders.lines')}</h2>
        <DataTable
          caption={t('shop.orders.lines')}
          hideCaption
          rows={order.lines}
          rowKey={(line) => line.id}
          columns={[
            {
              key: 'product',
              header: t('shop.admin.product'),
              rowHeader: true,
              cell: (line) => line.name,
            },
            {
              key: 'quantity',
              header: t('shop.quantity'),
              numeric: true,
              cell: (line) => line.quantity,
            },
            {
              key: 'unit',
              header: t('shop.orders.unitPrice'),
              numeric: true,
              cell: (line) => money(line.unitPriceMinor),
            },
            {
              key: 'discount',
              header: t('shop.cart.discount'),
              numeric: true,
              cell: (line) => (line.discountMinor > 0 ? `−${money(line.discountMinor)}` : '—'),
            },
            {
              key: 'total',
              header: t('shop.cart.total'),
              numeric: true,
              cell: (line) => money(line.lineTotalMinor),
            },
          ]}
        />
        <TotalsList
          currency={order.currency}
          subtotalMinor={order.subtotalMinor}
          discountMinor={order.discountMinor}
          promoCode={order.promoCode}
          shipping={order.shippingMinor > 0 ? money(order.shippingMinor) : null}
          vat={order.vat}
          totalMinor={order.totalMinor}
          after={[
            order.refundedMinor > 0 && {
              label: t('shop.orders.refunded'),
              value: `−${money(order.refundedMinor)}`,
            },
          ]}
        />
      </section>
      {order.invoices.length > 0 && (
        <section class="card" aria-labelledby="order-invoices-title">
          <h2 id="order-invoices-title">{t('shop.orders.invoices')}</h2>
          <ul class="shop-invoices">
            {order.invoices.map((invoice) => (
              <li key={invoice.id}>
                <span>
                  {t(
                    invoice.kind === 'invoice' ? 'shop.orders.invoice' : 'shop.orders.creditNote',
                    { number: invoice.number },
                  )}{' '}
                  · {formatMoney(invoice.totalMinor, invoice.currency, lang)} ·{' '}
                  {formatDate(invoice.createdAt, lang, false)}
                </span>
                <button
                  type="button"
                  class="button"
                  disabled={downloading !== null}
                  onClick={() =>
                    download(invoice.id, invoice.pdfUrl, `webox-${invoice.number}.pdf`)
                  }
                >
                  {downloading === invoice.id
                    ? t('shop.orders.downloading')
                    : t('shop.orders.download', { number: invoice.number })}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {order.refunds.length > 0 && (
        <section class="card" aria-labelledby="order-refunds-title">
          <h2 id="order-refunds-title">{t('shop.orders.refunds')}</h2>
          <ul>
            {order.refunds.map((refund) => (
              <li key={refund.id}>
                {formatDate(refund.createdAt, lang)} · {money(refund.amountMinor)}
                {refund.reason ? ` · ${refund.reason}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section class="card" aria-labelledby="order-history-title">
        <h2 id="order-history-title">{t('shop.orders.history')}</h2>
        <ol class="shop-history">
          {order.history.map((event, index) => (
            <li key={`${event.createdAt}-${index}`}>
              <time dateTime={event.createdAt}>{formatDate(event.createdAt, lang)}</time>{' '}
              <StatusBadge status={event.toStatus} />
              {event.note && <span class="muted"> {event.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** What an order list row has, for the buyer and the administrator alike. */
interface OrderRow {
  id: string;
  createdAt: string;
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  totalMinor: number;
  currency: string;
}

/**
 * A page of orders: number (`number` shows it), date, status, payment method, total, with
 * `extra` columns after the date (the buyer) or before the total (items), and server paging.
 */
export function OrderTable<R extends OrderRow>({
  caption,
  rows,
  number,
  buyer,
  items,
  actions,
  total,
  limit,
  page,
  onPage,
}: {
  caption: string;
  rows: readonly R[];
  number(row: R): ComponentChildren;
  buyer?: Column<R>;
  items?: Column<R>;
  actions?(row: R): ComponentChildren;
  total: number;
  limit: number;
  page: number;
  onPage(page: number): void;
}) {
  const { t, lang } = useI18n();
  const pages = Math.max(1, Math.ceil(total / limit));
  const columns: Array<Column<R> | undefined> = [
    { key: 'number', header: t('shop.orders.number'), rowHeader: true, cell: number },
    {
      key: 'placed',
      header: t('shop.orders.placed'),
      cell: (order) => formatDate(order.createdAt, lang),
    },
    buyer,
    {
      key: 'status',
      header: t('shop.orders.status'),
      cell: (order) => <StatusBadge status={order.status} />,
    },
    {
      key: 'method',
      header: t('shop.checkout.method'),
      cell: (order) => t(METHOD_KEYS[order.paymentMethod]),
    },
    items,
    {
      key: 'total',
      header: t('shop.cart.total'),
      numeric: true,
      cell: (order) => formatMoney(order.totalMinor, order.currency, lang),
    },
  ];
  return (
    <>
      <DataTable
        caption={caption}
        hideCaption
        rows={rows}
        rowKey={(order) => order.id}
        columns={columns.filter((column): column is Column<R> => column !== undefined)}
        actions={actions}
      />
      {pages > 1 && <Pager page={page} pages={pages} onPage={onPage} />}
    </>
  );
}

/** How to pay a bank-transfer order: payee, IBAN, BIC, the reference to quote, amount, deadline. */
export function TransferInstructions({
  instructions,
}: {
  instructions: NonNullable<CheckoutResult['instructions']>;
}) {
  const { t, lang } = useI18n();
  return (
    <section class="card shop-transfer" aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('shop.transfer.title')}</h2>
      <p>{t('shop.transfer.intro')}</p>
      <Facts
        items={[
          { label: t('shop.transfer.holder'), value: instructions.holder },
          { label: 'IBAN', value: <code>{instructions.iban}</code> },
          instructions.bic && { label: 'BIC', value: <code>{instructions.bic}</code> },
          {
            label: t('shop.transfer.reference'),
            value: <code class="shop-reference">{instructions.reference}</code>,
          },
          {
            label: t('shop.transfer.amount'),
            value: formatMoney(instructions.amountMinor, instructions.currency, lang),
          },
          instructions.expiresAt && {
            label: t('shop.transfer.before'),
            value: formatDate(instructions.expiresAt, lang, false),
          },
        ]}
      />
    </section>
  );
}
