import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, type User } from '../api/client';
import {
  type Billing,
  type CartView,
  type CheckoutResult,
  capturePaypal,
  checkout,
  getCart,
  PAYMENT_METHODS,
  type PaymentMethod,
  previewPromo,
} from '../api/shop';
import { authed } from '../auth';
import { splitFieldErrors } from '../components/form';
import { METHOD_KEYS, orderHref, TransferInstructions } from '../components/shop/orders';
import {
  mergeOnce,
  newIdempotencyKey,
  noteCart,
  promoRefusalKey,
  savedPromo,
  savePromo,
} from '../components/shop/shop';
import { BrowseEmpty, ShopPage } from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { attempt, Field, formatMoney, ProblemAlert, Toast, usePageTitle } from '../ui';
import { Totals } from './cart';

const BILLING_FIELDS = [
  'name',
  'email',
  'address',
  'city',
  'postalCode',
  'country',
  'vatId',
] as const;
type BillingField = (typeof BILLING_FIELDS)[number];

const AUTOCOMPLETE: Record<BillingField, string> = {
  name: 'name',
  email: 'email',
  address: 'street-address',
  city: 'address-level2',
  postalCode: 'postal-code',
  country: 'country',
  vatId: 'off',
};

const BILLING_LABELS: Record<BillingField, MessageKey> = {
  name: 'shop.billing.name',
  email: 'shop.billing.email',
  address: 'shop.billing.address',
  city: 'shop.billing.city',
  postalCode: 'shop.billing.postalCode',
  country: 'shop.billing.country',
  vatId: 'shop.billing.vatId',
};

/** The in-app URL of one of the buyer's orders. */
/** Checkout: billing details, payment method, then the order and its payment. */
export function CheckoutPage({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const [cart, setCart] = useState<CartView | null>(null);
  const [promo, setPromo] = useState<string | null>(savedPromo());
  const [billing, setBilling] = useState<Record<BillingField, string>>({
    name: user.name,
    email: user.email,
    address: '',
    city: '',
    postalCode: '',
    country: lang === 'fr' ? 'FR' : '',
    vatId: '',
  });
  const [method, setMethod] = useState<PaymentMethod>('stripe');
  const [unavailable, setUnavailable] = useState<Set<PaymentMethod>>(new Set());
  // One key per visit: a repeated click or a retry after a lost answer gives the same order,
  // and a refused attempt wrote nothing under it, so the key stays valid for the next one.
  const [key] = useState(newIdempotencyKey);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [result, setResult] = useState<CheckoutResult | null>(null);
  const { byField, other } = splitFieldErrors(problem, BILLING_FIELDS);

  useEffect(() => {
    void attempt(async () => {
      const merged = await mergeOnce(user.id, lang);
      const base = merged ?? (await authed((token) => getCart(token, lang)));
      noteCart(base);
      const code = savedPromo();
      if (!code || base.lines.length === 0) {
        setCart(base);
        return;
      }
      try {
        setCart(await authed((token) => previewPromo(token, code, lang)));
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        const refusal = promoRefusalKey(error);
        if (!refusal) throw error;
        savePromo(null);
        setPromo(null);
        setNotice(t(refusal, { code }));
        setCart(base);
      }
    }, setProblem);
  }, [user.id, lang]);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    setNotice(null);
    const details: Billing = { name: billing.name.trim(), email: billing.email.trim() };
    for (const field of ['address', 'city', 'postalCode', 'country', 'vatId'] as const) {
      const value = billing[field].trim();
      if (value) details[field] = value;
    }
    await attempt(
      async () => {
        const answer = await authed((token) =>
          checkout(
            token,
            { paymentMethod: method, billing: details, ...(promo ? { promoCode: promo } : {}) },
            key,
          ),
        );
        savePromo(null);
        noteCart({ itemCount: 0 });
        const next = answer.redirectUrl ?? answer.approveUrl;
        if (next) {
          window.location.assign(next);
          return;
        }
        setResult(answer);
      },
      (error) => {
        const code = error.problem.code;
        if (code === 'PAYMENT_NOT_CONFIGURED') {
          setUnavailable((set) => new Set(set).add(method));
          setNotice(t('shop.checkout.notConfigured', { method: t(METHOD_KEYS[method]) }));
          return;
        }
        const refusal = promoRefusalKey(error);
        if (refusal && promo) {
          savePromo(null);
          setPromo(null);
          setNotice(t(refusal, { code: promo }));
          // The totals shown included the code: show them without it.
          void attempt(
            async () => setCart(await authed((token) => getCart(token, lang))),
            setProblem,
          );
          return;
        }
        setProblem(error);
      },
    );
    setPending(false);
  }

  if (result) {
    const { order, instructions } = result;
    return (
      <div class="page shop-page">
        <h1 tabIndex={-1}>{t('shop.checkout.placed')}</h1>
        <Toast>
          {order.status === 'pending'
            ? t('shop.checkout.placedPending', {
                total: formatMoney(order.totalMinor, order.currency, lang),
              })
            : t('shop.checkout.placedDone')}
        </Toast>
        {instructions && <TransferInstructions instructions={instructions} />}
        <p class="actions">
          <Link href={orderHref(order.id)} class="button">
            {t('shop.checkout.viewOrder')}
          </Link>
          <Link href="/marketplace">{t('shop.checkout.continue')}</Link>
        </p>
      </div>
    );
  }

  const empty = cart !== null && cart.lines.length === 0;
  return (
    <ShopPage title={t('shop.checkout.title')}>
      {notice && <Toast tone="error">{notice}</Toast>}
      {problem && (
        <>
          <ProblemAlert problem={problem} other={other} />
          {problem.status === 409 && (
            <p>
              <Link href="/cart">{t('shop.checkout.backToCart')}</Link>
            </p>
          )}
        </>
      )}
      {cart === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : empty ? (
        <BrowseEmpty>{t('shop.cart.empty')}</BrowseEmpty>
      ) : (
        <form class="shop-cart" onSubmit={(event) => void submit(event)}>
          <div>
            <fieldset class="card shop-billing">
              <legend>{t('shop.checkout.billing')}</legend>
              {BILLING_FIELDS.map((field) => (
                <Field
                  key={field}
                  id={`billing-${field}`}
                  kind={field === 'email' ? 'email' : 'text'}
                  label={t(BILLING_LABELS[field])}
                  value={billing[field]}
                  onValue={(value: string) => setBilling((old) => ({ ...old, [field]: value }))}
                  required={field === 'name' || field === 'email'}
                  maxLength={field === 'country' ? 2 : field === 'address' ? 500 : 200}
                  autocomplete={AUTOCOMPLETE[field]}
                  hint={field === 'country' ? t('shop.billing.countryHint') : undefined}
                  error={byField[field]}
                />
              ))}
            </fieldset>
            <fieldset class="card shop-methods">
              <legend>{t('shop.checkout.method')}</legend>
              {PAYMENT_METHODS.map((option) => (
                <label key={option} class="field-check shop-method">
                  <input
                    type="radio"
                    name="payment-method"
                    value={option}
                    checked={method === option}
                    disabled={unavailable.has(option)}
                    onChange={() => setMethod(option)}
                  />
                  <span>
                    {t(METHOD_KEYS[option])}
                    {unavailable.has(option) && (
                      <span class="muted"> — {t('shop.checkout.methodUnavailable')}</span>
                    )}
                  </span>
                </label>
              ))}
              <p class="field-hint">{t(`shop.method.${method}.hint`)}</p>
            </fieldset>
          </div>
          <aside class="card shop-summary" aria-label={t('shop.cart.summary')}>
            <h2>{t('shop.checkout.summary')}</h2>
            <ul class="shop-summary-lines">
              {cart.lines
                .filter((line) => line.included)
                .map((line) => (
                  <li key={line.productId}>
                    <span>
                      {line.quantity} × {line.product?.name}
                    </span>
                    <span>{formatMoney(line.lineTotalMinor, cart.currency ?? 'EUR', lang)}</span>
                  </li>
                ))}
            </ul>
            <Totals cart={cart} />
            {!cart.ready && (
              <p class="field-error">
                {t('shop.cart.notReady')} <Link href="/cart">{t('shop.checkout.backToCart')}</Link>
              </p>
            )}
            <button
              type="submit"
              class="button button-primary"
              disabled={pending || !cart.ready || unavailable.has(method)}
            >
              {pending
                ? t('shop.checkout.placing')
                : t('shop.checkout.pay', {
                    total: formatMoney(cart.totalMinor, cart.currency ?? 'EUR', lang),
                  })}
            </button>
            <p class="field-hint">{t('shop.checkout.terms')}</p>
          </aside>
        </form>
      )}
    </ShopPage>
  );
}

/** Where PayPal sends the buyer back: captures the approved payment, then shows the order. */
export function PaypalReturnPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const orderId = new URLSearchParams(search).get('order');
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  usePageTitle(t('shop.checkout.title'));
  useEffect(() => {
    if (!orderId) return;
    void attempt(async () => {
      await authed((token) => capturePaypal(token, orderId));
      navigate(`${orderHref(orderId)}&payment=success`, { replace: true });
    }, setProblem);
  }, [orderId]);

  return (
    <div class="page shop-page">
      <h1 tabIndex={-1}>{t('shop.paypal.title')}</h1>
      {!orderId ? (
        <Toast tone="error">{t('shop.paypal.noOrder')}</Toast>
      ) : problem ? (
        <>
          <ProblemAlert problem={problem} other={[]} />
          <Link href={orderHref(orderId)}>{t('shop.checkout.viewOrder')}</Link>
        </>
      ) : (
        <p role="status">{t('shop.paypal.capturing')}</p>
      )}
    </div>
  );
}
