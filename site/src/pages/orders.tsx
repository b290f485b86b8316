import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import { cancelOrder, getOrder, listOrders, type OrderView } from '../api/shop';
import { authed } from '../auth';
import {
  METHOD_KEYS,
  OrderDetails,
  OrderTable,
  orderHref,
  orderNumber,
  StatusBadge,
  TransferInstructions,
} from '../components/shop/orders';
import { BrowseEmpty, NotLoaded, ShopLinks, ShopPage } from '../components/shop/widgets';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import {
  attempt,
  ConfirmAction,
  formatDate,
  formatMoney,
  ProblemAlert,
  Toast,
  usePageTitle,
  useResource,
} from '../ui';
import { Facts } from '../ui/facts';

/** While a paid order waits for the provider's confirmation, it is read again this often. */
const POLL_MS = 2000;
const POLL_LIMIT = 30;

function OrderPageView({ id, payment }: { id: string; payment: string | null }) {
  const { t, lang } = useI18n();
  const [order, setOrder] = useState<OrderView | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  usePageTitle(t('shop.orders.orderNamed', { number: orderNumber(id) }));

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
      <NotLoaded
        back="/orders"
        backLabel={t('shop.orders.back')}
        missing={t('shop.orders.missing')}
        problem={problem}
      />
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
        <Toast>{t('shop.orders.confirming')}</Toast>
      )}
      {payment === 'cancelled' && order.status === 'pending' && (
        <Toast tone="error">{t('shop.orders.paymentCancelled')}</Toast>
      )}
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <section class="card">
        <Facts
          items={[
            { label: t('shop.orders.status'), value: <StatusBadge status={order.status} /> },
            { label: t('shop.orders.placed'), value: formatDate(order.createdAt, lang) },
            { label: t('shop.checkout.method'), value: t(METHOD_KEYS[order.paymentMethod]) },
            {
              label: t('shop.cart.total'),
              value: formatMoney(order.totalMinor, order.currency, lang),
            },
          ]}
        />
        {order.status === 'pending' && (
          <p class="actions">
            <ConfirmAction
              label={t('shop.orders.cancel')}
              question={t('shop.orders.cancelQuestion', { number: orderNumber(order.id) })}
              confirmLabel={t('shop.orders.cancelYes')}
              disabled={busy}
              onConfirm={async () => {
                setBusy(true);
                setProblem(null);
                try {
                  await attempt(async () => {
                    setOrder(await authed((token) => cancelOrder(token, order.id)));
                  }, setProblem);
                } finally {
                  setBusy(false);
                }
              }}
            />
          </p>
        )}
      </section>
      {order.instructions && <TransferInstructions instructions={order.instructions} />}
      <OrderDetails order={order} />
    </div>
  );
}

function OrderList() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const orders = useResource(() => authed((token) => listOrders(token, page)), [page]);

  return (
    <ShopPage title={t('area.orders')}>
      {orders.problem && <ProblemAlert problem={orders.problem} other={[]} />}
      {orders.data === null ? (
        !orders.problem && <p role="status">{t('app.loading')}</p>
      ) : orders.data.items.length === 0 ? (
        <BrowseEmpty>{t('shop.orders.none')}</BrowseEmpty>
      ) : (
        <section class="card">
          <OrderTable
            caption={t('area.orders')}
            rows={orders.data.items}
            number={(order) => <Link href={orderHref(order.id)}>{orderNumber(order.id)}</Link>}
            items={{
              key: 'items',
              header: t('shop.orders.items'),
              numeric: true,
              cell: (order) => order.itemCount,
            }}
            total={orders.data.total}
            limit={orders.data.limit}
            page={page}
            onPage={setPage}
          />
        </section>
      )}
    </ShopPage>
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
