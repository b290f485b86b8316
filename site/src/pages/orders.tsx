import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  cancelOrder,
  fetchFile,
  getOrder,
  listOrders,
  type OrderPage,
  type OrderStatus,
  type OrderView,
} from '../api/shop';
import { authed } from '../auth';
import { ProblemAlert } from '../components/form';
import { attempt, formatDate, formatMoney, formatRate } from '../components/shop/shop';
import { ShopLinks } from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { METHOD_KEYS, orderHref, TransferInstructions } from './checkout';

export const STATUS_KEYS: Record<OrderStatus, MessageKey> = {
  pending: 'shop.status.pending',
  paid: 'shop.status.paid',
  fulfilled: 'shop.status.fulfilled',
  cancelled: 'shop.status.cancelled',
  refunded: 'shop.status.refunded',
  partially_refunded: 'shop.status.partially_refunded',
};

/** While a paid order waits for the provider's confirmation, it is read again this often. */
const POLL_MS = 2000;
const POLL_LIMIT = 30;

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

/** Lines, totals with VAT, history, invoices and refunds of one order (buyer or admin). */
export function OrderDetails({ order }: { order: OrderView }) {
  const { t, lang } = useI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const money = (minor: number) => formatMoney(minor, order.currency, lang);

  return (
    <>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <section class="card" aria-labelledby="order-lines-title">
        <h2 id="order-lines-title">{t('shop.orders.lines')}</h2>
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('shop.admin.product')}</th>
                <th scope="col">{t('shop.quantity')}</th>
                <th scope="col">{t('shop.orders.unitPrice')}</th>
                <th scope="col">{t('shop.cart.discount')}</th>
                <th scope="col">{t('shop.cart.total')}</th>
              </tr>
            </thead>
            <tbody>
              {order.lines.map((line) => (
                <tr key={line.id}>
                  <td>{line.name}</td>
                  <td>{line.quantity}</td>
                  <td>{money(line.unitPriceMinor)}</td>
                  <td>{line.discountMinor > 0 ? `−${money(line.discountMinor)}` : '—'}</td>
                  <td>{money(line.lineTotalMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <dl class="shop-totals">
          <div>
            <dt>{t('shop.cart.subtotal')}</dt>
            <dd>{money(order.subtotalMinor)}</dd>
          </div>
          {order.discountMinor > 0 && (
            <div class="shop-discount">
              <dt>
                {order.promoCode
                  ? t('shop.cart.discountCode', { code: order.promoCode })
                  : t('shop.cart.discount')}
              </dt>
              <dd>−{money(order.discountMinor)}</dd>
            </div>
          )}
          {order.shippingMinor > 0 && (
            <div>
              <dt>{t('shop.cart.shipping')}</dt>
              <dd>{money(order.shippingMinor)}</dd>
            </div>
          )}
          {order.vat.map((line) => (
            <div key={line.rateBps} class="shop-vat">
              <dt>
                {t('shop.cart.vatLine', {
                  rate: formatRate(line.rateBps, lang),
                  net: money(line.netMinor),
                })}
              </dt>
              <dd>{money(line.vatMinor)}</dd>
            </div>
          ))}
          <div class="shop-total">
            <dt>{t('shop.cart.total')}</dt>
            <dd>{money(order.totalMinor)}</dd>
          </div>
          {order.refundedMinor > 0 && (
            <div>
              <dt>{t('shop.orders.refunded')}</dt>
              <dd>−{money(order.refundedMinor)}</dd>
            </div>
          )}
        </dl>
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
                    {
                      number: invoice.number,
                    },
                  )}{' '}
                  · {formatMoney(invoice.totalMinor, invoice.currency, lang)} ·{' '}
                  {formatDate(invoice.createdAt, lang, false)}
                </span>
                <button
                  type="button"
                  class="button"
                  disabled={downloading !== null}
                  onClick={() => {
                    setDownloading(invoice.id);
                    setProblem(null);
                    void attempt(async () => {
                      const blob = await authed((token) => fetchFile(token, invoice.pdfUrl));
                      saveBlob(blob, `webox-${invoice.number}.pdf`);
                    }, setProblem).finally(() => setDownloading(null));
                  }}
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

function OrderPageView({ id, payment }: { id: string; payment: string | null }) {
  const { t, lang } = useI18n();
  const [order, setOrder] = useState<OrderView | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('shop.orders.orderNamed', { number: orderNumber(id) })} · WeBox`;
  }, [t, id]);

  useEffect(() => {
    let stopped = false;
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      attempt(async () => {
        const fresh = await authed((token) => getOrder(token, id));
        if (stopped) return;
        setOrder(fresh);
        // Back from the payment page: the provider's confirmation may still be on its way.
        if (payment === 'success' && fresh.status === 'pending' && polls++ < POLL_LIMIT) {
          timer = setTimeout(() => void load(), POLL_MS);
        }
      }, setProblem);
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, payment]);

  if (!order) {
    return (
      <div class="page shop-page">
        <p>
          <Link href="/orders">{t('shop.orders.back')}</Link>
        </p>
        {problem ? (
          <>
            <h1 tabIndex={-1}>{t('shop.orders.missing')}</h1>
            <ProblemAlert problem={problem} other={[]} />
          </>
        ) : (
          <p role="status">{t('app.loading')}</p>
        )}
      </div>
    );
  }

  return (
    <div class="page shop-page">
      <div class="shop-head">
        <Link href="/orders">{t('shop.orders.back')}</Link>
        <ShopLinks />
      </div>
      <h1 tabIndex={-1}>{t('shop.orders.orderNamed', { number: orderNumber(order.id) })}</h1>
      {payment === 'success' && order.status === 'pending' && (
        <p class="alert alert-info" role="status">
          {t('shop.orders.confirming')}
        </p>
      )}
      {payment === 'cancelled' && order.status === 'pending' && (
        <p class="alert alert-error" role="status">
          {t('shop.orders.paymentCancelled')}
        </p>
      )}
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <section class="card">
        <dl class="facts">
          <div>
            <dt>{t('shop.orders.status')}</dt>
            <dd>
              <StatusBadge status={order.status} />
            </dd>
          </div>
          <div>
            <dt>{t('shop.orders.placed')}</dt>
            <dd>{formatDate(order.createdAt, lang)}</dd>
          </div>
          <div>
            <dt>{t('shop.checkout.method')}</dt>
            <dd>{t(METHOD_KEYS[order.paymentMethod])}</dd>
          </div>
          <div>
            <dt>{t('shop.cart.total')}</dt>
            <dd>{formatMoney(order.totalMinor, order.currency, lang)}</dd>
          </div>
        </dl>
        {order.status === 'pending' && (
          <p class="actions">
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                setProblem(null);
                void attempt(async () => {
                  setOrder(await authed((token) => cancelOrder(token, order.id)));
                }, setProblem).finally(() => setBusy(false));
              }}
            >
              {t('shop.orders.cancel')}
            </button>
          </p>
        )}
      </section>
      {order.instructions && <TransferInstructions instructions={order.instructions} />}
      <OrderDetails order={order} />
    </div>
  );
}

function OrderList() {
  const { t, lang } = useI18n();
  const [page, setPage] = useState(1);
  const [orders, setOrders] = useState<OrderPage | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    document.title = `${t('area.orders')} · WeBox`;
  }, [t]);

  useEffect(() => {
    void attempt(
      async () => setOrders(await authed((token) => listOrders(token, page))),
      setProblem,
    );
  }, [page]);

  const pages = orders ? Math.max(1, Math.ceil(orders.total / orders.limit)) : 1;
  return (
    <div class="page shop-page">
      <div class="shop-head">
        <h1 tabIndex={-1}>{t('area.orders')}</h1>
        <ShopLinks />
      </div>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {orders === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : orders.items.length === 0 ? (
        <div class="card">
          <p>{t('shop.orders.none')}</p>
          <Link href="/marketplace" class="button">
            {t('shop.cart.browse')}
          </Link>
        </div>
      ) : (
        <section class="card">
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('shop.orders.number')}</th>
                  <th scope="col">{t('shop.orders.placed')}</th>
                  <th scope="col">{t('shop.orders.status')}</th>
                  <th scope="col">{t('shop.checkout.method')}</th>
                  <th scope="col">{t('shop.orders.items')}</th>
                  <th scope="col">{t('shop.cart.total')}</th>
                </tr>
              </thead>
              <tbody>
                {orders.items.map((order) => (
                  <tr key={order.id} data-order={order.id}>
                    <td>
                      <Link href={orderHref(order.id)}>{orderNumber(order.id)}</Link>
                    </td>
                    <td>{formatDate(order.createdAt, lang)}</td>
                    <td>
                      <StatusBadge status={order.status} />
                    </td>
                    <td>{t(METHOD_KEYS[order.paymentMethod])}</td>
                    <td>{order.itemCount}</td>
                    <td>{formatMoney(order.totalMinor, order.currency, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav class="pager" aria-label={t('shop.pages')}>
              <button
                type="button"
                class="button"
                disabled={page <= 1}
                onClick={() => setPage(page - 1)}
              >
                {t('shop.previous')}
              </button>
              <span>{t('shop.pageOf', { page, pages })}</span>
              <button
                type="button"
                class="button"
                disabled={page >= pages}
                onClick={() => setPage(page + 1)}
              >
                {t('shop.next')}
              </button>
            </nav>
          )}
        </section>
      )}
    </div>
  );
}

const ORDER_PATH = /^\/orders\/([0-9a-f-]{36})$/i;

/**
 * The buyer's orders, or one order: `/orders?id=<id>`, or `/orders/<id>` as the payment
 * providers' return links name it.
 */
export function OrdersPage() {
  const { path, search } = useLocation();
  const params = new URLSearchParams(search);
  const fromPath = ORDER_PATH.exec(path)?.[1];
  const id = params.get('id') ?? fromPath ?? null;
  useEffect(() => {
    // One address per order in the app: the provider's path form becomes the query form.
    if (fromPath) {
      const payment = params.get('payment');
      navigate(
        `${orderHref(fromPath)}${payment ? `&payment=${encodeURIComponent(payment)}` : ''}`,
        {
          replace: true,
        },
      );
    }
  }, [fromPath]);
  return id ? <OrderPageView key={id} id={id} payment={params.get('payment')} /> : <OrderList />;
}

/** Whether a path is one order's page in the providers' return-link form. */
export function isOrderPath(path: string): boolean {
  return ORDER_PATH.test(path);
}
