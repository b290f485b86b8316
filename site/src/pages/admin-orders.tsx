import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  adminConfirmTransfer,
  adminGetOrder,
  adminListOrders,
  adminOrdersCsvUrl,
  adminRefund,
  fetchFile,
  ORDER_STATUSES,
  type OrderFilters,
  type OrderStatus,
  type OrderView,
} from '../api/shop';
import { authed } from '../auth';
import { ProblemAlert, splitFieldErrors } from '../components/form';
import {
  attempt,
  formatDate,
  formatMoney,
  minorToInput,
  newIdempotencyKey,
  parseMoney,
} from '../components/shop/shop';
import { useI18n } from '../i18n';
import { METHOD_KEYS } from './checkout';
import { OrderDetails, orderNumber, STATUS_KEYS, StatusBadge, saveBlob } from './orders';

type AdminPage = Awaited<ReturnType<typeof adminListOrders>>;

const REFUNDABLE: readonly OrderStatus[] = ['paid', 'fulfilled', 'partially_refunded'];

function RefundForm({ order, onDone }: { order: OrderView; onDone(order: OrderView): void }) {
  const { t, lang } = useI18n();
  const remaining = order.totalMinor - order.refundedMinor;
  const [amount, setAmount] = useState(minorToInput(remaining));
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  // One key per refund form: a double click or a retry refunds once.
  const [key] = useState(newIdempotencyKey);
  const { byField, other } = splitFieldErrors(problem, ['amountMinor', 'reason']);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const minor = parseMoney(amount);
    if (minor === null || Number.isNaN(minor) || minor <= 0) {
      setLocal(t('shop.admin.priceInvalid'));
      return;
    }
    setLocal(null);
    setPending(true);
    setProblem(null);
    await attempt(async () => {
      const input = minor === remaining ? { reason } : { reason, amountMinor: minor };
      onDone(await authed((token) => adminRefund(token, order.id, input, key)));
    }, setProblem);
    setPending(false);
  }

  return (
    <form
      class="card shop-admin-form"
      aria-label={t('shop.adminOrders.refund')}
      onSubmit={(e) => void submit(e)}
    >
      <h2>{t('shop.adminOrders.refund')}</h2>
      <p class="muted">
        {t('shop.adminOrders.refundable', { amount: formatMoney(remaining, order.currency, lang) })}
      </p>
      {problem && <ProblemAlert problem={problem} other={other} />}
      <div class="toolbar">
        <div class="field">
          <label for="refund-amount">
            {t('shop.adminOrders.amount', { currency: order.currency })}
          </label>
          <input
            id="refund-amount"
            type="text"
            inputMode="decimal"
            value={amount}
            aria-invalid={local || byField.amountMinor ? true : undefined}
            onInput={(event) => setAmount(event.currentTarget.value)}
          />
          {(local ?? byField.amountMinor) && (
            <p class="field-error">{local ?? byField.amountMinor}</p>
          )}
        </div>
        <div class="field">
          <label for="refund-reason">{t('shop.adminOrders.reason')}</label>
          <input
            id="refund-reason"
            type="text"
            value={reason}
            required
            maxLength={500}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          {byField.reason && <p class="field-error">{byField.reason}</p>}
        </div>
        <button type="submit" class="button button-danger" disabled={pending || !reason.trim()}>
          {pending ? t('shop.saving') : t('shop.adminOrders.refundSubmit')}
        </button>
      </div>
    </form>
  );
}

function AdminOrder({
  id,
  onChanged,
  onClose,
}: {
  id: string;
  onChanged(): void;
  onClose(): void;
}) {
  const { t, lang } = useI18n();
  const [order, setOrder] = useState<OrderView | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    void attempt(
      async () => setOrder(await authed((token) => adminGetOrder(token, id))),
      setProblem,
    );
  }, [id]);

  if (!order) {
    return problem ? (
      <ProblemAlert problem={problem} other={[]} />
    ) : (
      <p role="status">{t('app.loading')}</p>
    );
  }

  const canConfirm =
    order.paymentMethod === 'bank_transfer' &&
    (order.status === 'pending' || order.status === 'cancelled');

  return (
    <section class="shop-admin-order" aria-labelledby="admin-order-title">
      <div class="card">
        <h2 id="admin-order-title">
          {t('shop.orders.orderNamed', { number: orderNumber(order.id) })}{' '}
          <StatusBadge status={order.status} />
        </h2>
        {problem && <ProblemAlert problem={problem} other={[]} />}
        {message && (
          <p class="alert alert-info" role="status">
            {message}
          </p>
        )}
        <dl class="facts">
          <div>
            <dt>{t('shop.adminOrders.buyer')}</dt>
            <dd>
              {order.billing.name} · {order.billing.email}
            </dd>
          </div>
          <div>
            <dt>{t('shop.checkout.method')}</dt>
            <dd>{t(METHOD_KEYS[order.paymentMethod])}</dd>
          </div>
          {order.bankReference && (
            <div>
              <dt>{t('shop.transfer.reference')}</dt>
              <dd>
                <code>{order.bankReference}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('shop.orders.placed')}</dt>
            <dd>{formatDate(order.createdAt, lang)}</dd>
          </div>
          <div>
            <dt>{t('shop.cart.total')}</dt>
            <dd>{formatMoney(order.totalMinor, order.currency, lang)}</dd>
          </div>
        </dl>
        <p class="actions">
          {canConfirm && (
            <button
              type="button"
              class="button button-primary button-inline"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                setProblem(null);
                void attempt(async () => {
                  setOrder(await authed((token) => adminConfirmTransfer(token, order.id)));
                  setMessage(t('shop.adminOrders.confirmed'));
                  onChanged();
                }, setProblem).finally(() => setBusy(false));
              }}
            >
              {t('shop.adminOrders.confirm')}
            </button>
          )}
          <button type="button" class="button" onClick={onClose}>
            {t('shop.close')}
          </button>
        </p>
      </div>
      {REFUNDABLE.includes(order.status) && (
        <RefundForm
          key={order.refundedMinor}
          order={order}
          onDone={(next) => {
            setOrder(next);
            setMessage(t('shop.adminOrders.refunded'));
            onChanged();
          }}
        />
      )}
      <OrderDetails order={order} />
    </section>
  );
}

/** Orders for administrators: filter, export CSV, confirm bank transfers, refund. */
export function AdminOrdersPage() {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<OrderFilters>({});
  const [filters, setFilters] = useState<OrderFilters>({});
  const [data, setData] = useState<AdminPage | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    document.title = `${t('shop.adminOrders.title')} · WeBox`;
  }, [t]);

  async function load() {
    await attempt(
      async () => setData(await authed((token) => adminListOrders(token, filters))),
      setProblem,
    );
  }

  useEffect(() => {
    void load();
  }, [filters]);

  const pages = data ? Math.max(1, Math.ceil(data.total / data.limit)) : 1;
  const page = filters.page ?? 1;

  return (
    <div class="page shop-page shop-admin">
      <h1 tabIndex={-1}>{t('shop.adminOrders.title')}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <form
        class="card toolbar"
        aria-label={t('shop.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ ...draft, page: 1 });
        }}
      >
        <div class="field">
          <label for="orders-q">{t('shop.search')}</label>
          <input
            id="orders-q"
            type="search"
            value={draft.q ?? ''}
            placeholder={t('shop.adminOrders.searchHint')}
            onInput={(event) => setDraft({ ...draft, q: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="orders-status">{t('shop.orders.status')}</label>
          <select
            id="orders-status"
            value={draft.status ?? ''}
            onChange={(event) =>
              setDraft({
                ...draft,
                status: (event.currentTarget.value || undefined) as OrderStatus | undefined,
              })
            }
          >
            <option value="">{t('shop.admin.status.all')}</option>
            {ORDER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(STATUS_KEYS[status])}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="orders-from">{t('shop.adminOrders.from')}</label>
          <input
            id="orders-from"
            type="date"
            value={draft.from ?? ''}
            onInput={(event) =>
              setDraft({ ...draft, from: event.currentTarget.value || undefined })
            }
          />
        </div>
        <div class="field">
          <label for="orders-to">{t('shop.adminOrders.to')}</label>
          <input
            id="orders-to"
            type="date"
            value={draft.to ?? ''}
            onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value || undefined })}
          />
        </div>
        <button type="submit" class="button">
          {t('shop.searchButton')}
        </button>
        <button
          type="button"
          class="button"
          disabled={exporting}
          onClick={() => {
            setExporting(true);
            setProblem(null);
            void attempt(async () => {
              const blob = await authed((token) => fetchFile(token, adminOrdersCsvUrl(filters)));
              saveBlob(blob, `orders-${new Date().toISOString().slice(0, 10)}.csv`);
            }, setProblem).finally(() => setExporting(false));
          }}
        >
          {exporting ? t('shop.orders.downloading') : t('shop.adminOrders.export')}
        </button>
      </form>
      {open && (
        <AdminOrder
          key={open}
          id={open}
          onChanged={() => void load()}
          onClose={() => setOpen(null)}
        />
      )}
      {data === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : data.items.length === 0 ? (
        <p class="card muted">{t('shop.adminOrders.none')}</p>
      ) : (
        <section class="card">
          <p class="muted">{t('shop.adminOrders.count', { count: data.total })}</p>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('shop.orders.number')}</th>
                  <th scope="col">{t('shop.orders.placed')}</th>
                  <th scope="col">{t('shop.adminOrders.buyer')}</th>
                  <th scope="col">{t('shop.orders.status')}</th>
                  <th scope="col">{t('shop.checkout.method')}</th>
                  <th scope="col">{t('shop.cart.total')}</th>
                  <th scope="col">{t('shop.admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((order) => (
                  <tr key={order.id} data-order={order.id}>
                    <td>
                      <code>{orderNumber(order.id)}</code>
                      {order.bankReference && (
                        <>
                          <br />
                          <code class="muted">{order.bankReference}</code>
                        </>
                      )}
                    </td>
                    <td>{formatDate(order.createdAt, lang)}</td>
                    <td>
                      {order.billingName}
                      <br />
                      <span class="muted">{order.userEmail}</span>
                    </td>
                    <td>
                      <StatusBadge status={order.status} />
                    </td>
                    <td>{t(METHOD_KEYS[order.paymentMethod])}</td>
                    <td>{formatMoney(order.totalMinor, order.currency, lang)}</td>
                    <td>
                      <button
                        type="button"
                        class="button"
                        aria-label={t('shop.adminOrders.open', { number: orderNumber(order.id) })}
                        onClick={() => {
                          setOpen(order.id);
                          window.scrollTo(0, 0);
                        }}
                      >
                        {t('shop.adminOrders.details')}
                      </button>
                    </td>
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
                onClick={() => setFilters({ ...filters, page: page - 1 })}
              >
                {t('shop.previous')}
              </button>
              <span>{t('shop.pageOf', { page, pages })}</span>
              <button
                type="button"
                class="button"
                disabled={page >= pages}
                onClick={() => setFilters({ ...filters, page: page + 1 })}
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
