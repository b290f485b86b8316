import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  adminConfirmTransfer,
  adminGetOrder,
  adminListOrders,
  adminOrdersCsvUrl,
  adminRefund,
  ORDER_STATUSES,
  type OrderFilters,
  type OrderStatus,
  type OrderView,
} from '../api/shop';
import { authed } from '../auth';
import { splitFieldErrors } from '../components/form';
import {
  METHOD_KEYS,
  OrderDetails,
  OrderTable,
  orderNumber,
  STATUS_KEYS,
  StatusBadge,
  useDownload,
} from '../components/shop/orders';
import { minorToInput, newIdempotencyKey, parseMoney } from '../components/shop/shop';
import { useI18n } from '../i18n';
import {
  attempt,
  EmptyState,
  Field,
  FilterBar,
  formatDate,
  formatMoney,
  ProblemAlert,
  Toast,
  usePageTitle,
  useResource,
} from '../ui';
import { Facts } from '../ui/facts';

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
        <Field
          id="refund-amount"
          label={t('shop.adminOrders.amount', { currency: order.currency })}
          inputMode="decimal"
          value={amount}
          onValue={setAmount}
          error={local ?? byField.amountMinor}
        />
        <Field
          id="refund-reason"
          label={t('shop.adminOrders.reason')}
          value={reason}
          onValue={setReason}
          required
          maxLength={500}
          error={byField.reason}
        />
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
  const loaded = useResource(() => authed((token) => adminGetOrder(token, id)), [id]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const order = loaded.data;

  if (!order) {
    return loaded.problem ? (
      <ProblemAlert problem={loaded.problem} other={[]} />
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
        {message && <Toast>{message}</Toast>}
        <Facts
          items={[
            {
              label: t('shop.adminOrders.buyer'),
              value: `${order.billing.name} · ${order.billing.email}`,
            },
            { label: t('shop.checkout.method'), value: t(METHOD_KEYS[order.paymentMethod]) },
            order.bankReference && {
              label: t('shop.transfer.reference'),
              value: <code>{order.bankReference}</code>,
            },
            { label: t('shop.orders.placed'), value: formatDate(order.createdAt, lang) },
            {
              label: t('shop.cart.total'),
              value: formatMoney(order.totalMinor, order.currency, lang),
            },
          ]}
        />
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
                  loaded.setData(await authed((token) => adminConfirmTransfer(token, order.id)));
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
            loaded.setData(next);
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
  const { t } = useI18n();
  usePageTitle(t('shop.adminOrders.title'));
  const [draft, setDraft] = useState<OrderFilters>({});
  const [filters, setFilters] = useState<OrderFilters>({});
  const data = useResource(() => authed((token) => adminListOrders(token, filters)), [filters]);
  const [actionProblem, setProblem] = useState<ApiProblem | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { downloading, download } = useDownload(setProblem);
  const problem = actionProblem ?? data.problem;
  const dates = (['from', 'to'] as const).map((bound) => (
    <Field
      key={bound}
      id={`orders-${bound}`}
      kind="date"
      label={t(bound === 'from' ? 'shop.adminOrders.from' : 'shop.adminOrders.to')}
      value={draft[bound] ?? ''}
      onValue={(value) => setDraft({ ...draft, [bound]: value || undefined })}
    />
  ));

  return (
    <div class="page shop-page shop-admin">
      <h1 tabIndex={-1}>{t('shop.adminOrders.title')}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <FilterBar
        label={t('shop.filters')}
        applyLabel={t('shop.searchButton')}
        onApply={() => setFilters({ ...draft, page: 1 })}
      >
        <Field
          id="orders-q"
          kind="search"
          label={t('shop.search')}
          value={draft.q ?? ''}
          placeholder={t('shop.adminOrders.searchHint')}
          onValue={(q) => setDraft({ ...draft, q })}
        />
        <Field<OrderStatus | ''>
          id="orders-status"
          kind="select"
          label={t('shop.orders.status')}
          value={draft.status ?? ''}
          onValue={(status) => setDraft({ ...draft, status: status || undefined })}
          options={[
            { value: '', label: t('shop.admin.status.all') },
            ...ORDER_STATUSES.map((status) => ({ value: status, label: t(STATUS_KEYS[status]) })),
          ]}
        />
        {dates}
        <button
          type="button"
          class="button"
          disabled={downloading !== null}
          onClick={() =>
            download(
              'csv',
              adminOrdersCsvUrl(filters),
              `orders-${new Date().toISOString().slice(0, 10)}.csv`,
            )
          }
        >
          {downloading ? t('shop.orders.downloading') : t('shop.adminOrders.export')}
        </button>
      </FilterBar>
      {open && (
        <AdminOrder
          key={open}
          id={open}
          onChanged={() => void data.reload()}
          onClose={() => setOpen(null)}
        />
      )}
      {data.data === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : data.data.items.length === 0 ? (
        <div class="card">
          <EmptyState>{t('shop.adminOrders.none')}</EmptyState>
        </div>
      ) : (
        <section class="card">
          <p class="muted">{t('shop.adminOrders.count', { count: data.data.total })}</p>
          <OrderTable
            caption={t('shop.adminOrders.title')}
            rows={data.data.items}
            number={(order) => (
              <>
                <code>{orderNumber(order.id)}</code>
                {order.bankReference && (
                  <>
                    <br />
                    <code class="muted">{order.bankReference}</code>
                  </>
                )}
              </>
            )}
            buyer={{
              key: 'buyer',
              header: t('shop.adminOrders.buyer'),
              cell: (order) => (
                <>
                  {order.billingName}
                  <br />
                  <span class="muted">{order.userEmail}</span>
                </>
              ),
            }}
            actions={(order) => (
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
            )}
            total={data.data.total}
            limit={data.data.limit}
            page={filters.page ?? 1}
            onPage={(page) => setFilters({ ...filters, page })}
          />
        </section>
      )}
    </div>
  );
}
