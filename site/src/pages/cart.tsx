import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import {
  type CartLine,
  type CartView,
  clearCart,
  getCart,
  previewPromo,
  removeCartLine,
  setCartQuantity,
} from '../api/shop';
import { useSession } from '../auth';
import { TotalsList } from '../components/shop/orders';
import {
  asShopper,
  mergeOnce,
  noteCart,
  promoRefusalKey,
  savedPromo,
  savePromo,
} from '../components/shop/shop';
import {
  BrowseEmpty,
  Money,
  ProductImage,
  productHref,
  ShopPage,
} from '../components/shop/widgets';
import { type Lang, type translate, useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { attempt, Field, formatMoney, ProblemAlert, Toast } from '../ui';

const MAX_QUANTITY = 99;

/** A line's warning in the UI's language (the API's message is English). */
function warningText(
  warning: CartLine['warnings'][number],
  line: CartLine,
  t: typeof translate,
  lang: Lang,
): string {
  const name = line.product?.name ?? t('shop.cart.goneProduct');
  const currency = line.product?.currency ?? 'EUR';
  switch (warning.code) {
    case 'unavailable':
      return t('shop.cart.warn.unavailable');
    case 'inactive':
      return t('shop.cart.warn.inactive', { name });
    case 'currency_mismatch':
      return t('shop.cart.warn.currency', { name, currency: warning.currency ?? currency });
    case 'over_stock':
      return t('shop.cart.warn.overStock', { name, count: warning.available ?? 0 });
    case 'price_changed':
      return t('shop.cart.warn.priceChanged', {
        name,
        from: formatMoney(warning.fromMinor ?? 0, currency, lang),
        to: formatMoney(warning.toMinor ?? 0, currency, lang),
      });
  }
}

function maxFor(line: CartLine): number {
  if (line.product?.kind === 'plan') return 1;
  return Math.min(MAX_QUANTITY, line.product?.stock ?? MAX_QUANTITY);
}

function LineRow({
  line,
  busy,
  onQuantity,
  onRemove,
}: {
  line: CartLine;
  busy: boolean;
  onQuantity(quantity: number): void;
  onRemove(): void;
}) {
  const { t, lang } = useI18n();
  const currency = line.product?.currency ?? 'EUR';
  const name = line.product?.name ?? t('shop.cart.goneProduct');
  const max = maxFor(line);
  const editable = line.product?.active === true;
  return (
    <li class={`shop-line${line.included ? '' : ' is-excluded'}`} data-product={line.productId}>
      <ProductImage url={line.product?.imageUrl} alt="" class="shop-line-image" />
      <div class="shop-line-main">
        <h2 class="shop-line-name">
          {line.product ? <Link href={productHref(line.product.slug)}>{name}</Link> : name}
        </h2>
        <p class="muted">
          {t('shop.cart.unit', { price: formatMoney(line.unitPriceMinor, currency, lang) })}
        </p>
        {line.warnings.length > 0 && (
          <ul class="shop-warnings">
            {line.warnings.map((warning) => (
              <li key={warning.code} class={`shop-warning shop-warning-${warning.code}`}>
                {warningText(warning, line, t, lang)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="shop-stepper">
        <button
          type="button"
          class="icon-button"
          aria-label={t('shop.cart.decrease', { name })}
          disabled={busy || !editable || line.quantity <= 1}
          onClick={() => onQuantity(line.quantity - 1)}
        >
          −
        </button>
        <input
          type="number"
          class="shop-qty-input"
          min={1}
          max={max}
          value={line.quantity}
          aria-label={t('shop.cart.quantityOf', { name })}
          disabled={busy || !editable}
          onChange={(event) => {
            const value = Math.floor(Number(event.currentTarget.value));
            if (Number.isFinite(value) && value >= 1 && value !== line.quantity) {
              onQuantity(Math.min(max, value));
            } else event.currentTarget.value = String(line.quantity);
          }}
        />
        <button
          type="button"
          class="icon-button"
          aria-label={t('shop.cart.increase', { name })}
          disabled={busy || !editable || line.quantity >= max}
          onClick={() => onQuantity(line.quantity + 1)}
        >
          +
        </button>
      </div>
      <div class="shop-line-total">
        {line.discountMinor > 0 && (
          <s class="muted">
            <Money minor={line.lineSubtotalMinor} currency={currency} />
          </s>
        )}
        <strong>
          <Money minor={line.lineTotalMinor} currency={currency} />
        </strong>
        <button
          type="button"
          class="link-button"
          disabled={busy}
          aria-label={t('shop.cart.removeNamed', { name })}
          onClick={onRemove}
        >
          {t('shop.cart.remove')}
        </button>
      </div>
    </li>
  );
}

/** Subtotal, discount, shipping, VAT by rate and total, shared by the cart and checkout. */
export function Totals({ cart }: { cart: CartView }) {
  const { t, lang } = useI18n();
  const currency = cart.currency ?? 'EUR';
  return (
    <TotalsList
      label={t('shop.cart.totals')}
      currency={currency}
      subtotalMinor={cart.subtotalMinor}
      discountMinor={cart.discountMinor}
      promoCode={cart.promo?.code}
      shipping={
        cart.needsShipping
          ? cart.shippingMinor === 0
            ? t('shop.cart.shippingFree')
            : formatMoney(cart.shippingMinor, currency, lang)
          : null
      }
      vat={cart.vat}
      totalMinor={cart.totalMinor}
      after={[
        {
          label: t('shop.cart.vatIncluded'),
          value: formatMoney(cart.taxMinor, currency, lang),
          class: 'muted',
        },
      ]}
    />
  );
}

/** The cart: quantities, warnings, promo code, totals with VAT, then checkout. */
export function CartPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const userId = session.status === 'signed-in' ? session.user.id : null;
  const [cart, setCart] = useState<CartView | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState(savedPromo() ?? '');
  const [promoMessage, setPromoMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [promoBusy, setPromoBusy] = useState(false);

  /** Shows a cart, with the saved promo code's discount when it still applies. */
  async function show(base: CartView, token: string | null) {
    const saved = savedPromo();
    if (!saved || base.lines.length === 0) {
      setCart(base);
      noteCart(base);
      return;
    }
    try {
      const discounted = await previewPromo(token, saved, lang);
      setCart(discounted);
      noteCart(discounted);
      setPromoMessage({ ok: true, text: appliedText(discounted) });
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      setCart(base);
      noteCart(base);
      const key = promoRefusalKey(error);
      if (!key) throw error;
      savePromo(null);
      setPromoMessage({ ok: false, text: t(key, { code: saved }) });
    }
  }

  function appliedText(discounted: CartView): string {
    if (!discounted.promo) return '';
    if (discounted.promo.freeShipping) {
      return t('shop.promo.appliedShipping', { code: discounted.promo.code });
    }
    return t('shop.promo.applied', {
      code: discounted.promo.code,
      amount: formatMoney(discounted.promo.discountMinor, discounted.currency ?? 'EUR', lang),
    });
  }

  useEffect(() => {
    void attempt(async () => {
      const merged = userId ? await mergeOnce(userId, lang) : null;
      await asShopper(signedIn, async (token) =>
        show(merged ?? (await getCart(token, lang)), token),
      );
    }, setProblem);
  }, [userId, lang]);

  async function change(action: (token: string | null) => Promise<CartView | null>) {
    setBusy(true);
    setProblem(null);
    await attempt(async () => {
      await asShopper(signedIn, async (token) => {
        const next = (await action(token)) ?? (await getCart(token, lang));
        await show(next, token);
      });
    }, setProblem);
    setBusy(false);
  }

  async function applyPromo(event: SubmitEvent) {
    event.preventDefault();
    const typed = code.trim();
    if (!typed) return;
    setPromoBusy(true);
    setPromoMessage(null);
    await attempt(
      async () => {
        const discounted = await asShopper(signedIn, (token) => previewPromo(token, typed, lang));
        savePromo(discounted.promo?.code ?? typed);
        setCart(discounted);
        setPromoMessage({ ok: true, text: appliedText(discounted) });
      },
      (error) => {
        const key = promoRefusalKey(error);
        if (key) setPromoMessage({ ok: false, text: t(key, { code: typed.toUpperCase() }) });
        else if (error.status === 400) {
          setPromoMessage({ ok: false, text: t('shop.promo.refused.unknown', { code: typed }) });
        } else setProblem(error);
      },
    );
    setPromoBusy(false);
  }

  function dropPromo() {
    savePromo(null);
    setCode('');
    setPromoMessage(null);
    void change(async () => null);
  }

  const empty = cart !== null && cart.lines.length === 0;
  return (
    <ShopPage title={t('shop.cart.title')}>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {cart === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : empty ? (
        <BrowseEmpty>{t('shop.cart.empty')}</BrowseEmpty>
      ) : (
        <div class="shop-cart">
          <section class="card" aria-label={t('shop.cart.lines')}>
            <ul class="shop-lines">
              {cart.lines.map((line) => (
                <LineRow
                  key={line.productId}
                  line={line}
                  busy={busy}
                  onQuantity={(quantity) =>
                    void change((token) => setCartQuantity(token, line.productId, quantity, lang))
                  }
                  onRemove={() =>
                    void change((token) => removeCartLine(token, line.productId, lang))
                  }
                />
              ))}
            </ul>
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() =>
                void change(async (token) => {
                  await clearCart(token);
                  return null;
                })
              }
            >
              {t('shop.cart.clear')}
            </button>
          </section>
          <aside class="card shop-summary" aria-label={t('shop.cart.summary')}>
            <form class="shop-promo" onSubmit={(event) => void applyPromo(event)}>
              <Field
                id="promo-code"
                label={t('shop.promo.label')}
                autocomplete="off"
                maxLength={40}
                value={code}
                onValue={setCode}
              />
              <div class="actions">
                <button type="submit" class="button" disabled={promoBusy || !code.trim()}>
                  {promoBusy ? t('shop.promo.checking') : t('shop.promo.apply')}
                </button>
                {cart.promo && (
                  <button type="button" class="link-button" onClick={dropPromo}>
                    {t('shop.promo.remove')}
                  </button>
                )}
              </div>
              {promoMessage && (
                <Toast tone={promoMessage.ok ? 'success' : 'error'}>{promoMessage.text}</Toast>
              )}
            </form>
            <Totals cart={cart} />
            {!cart.ready && <p class="field-error">{t('shop.cart.notReady')}</p>}
            <button
              type="button"
              class="button button-primary"
              disabled={!cart.ready || busy}
              onClick={() =>
                signedIn
                  ? navigate('/checkout')
                  : navigate(`/login?next=${encodeURIComponent('/checkout')}`)
              }
            >
              {signedIn ? t('shop.cart.checkout') : t('shop.cart.signInToCheckout')}
            </button>
          </aside>
        </div>
      )}
    </ShopPage>
  );
}
