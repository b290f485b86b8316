import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiProblem } from '../../api/client';
import { type Product, type ProductKind, setWishlisted } from '../../api/shop';
import { authed, useSession } from '../../auth';
import { type MessageKey, useI18n } from '../../i18n';
import { Link } from '../../router';
import { ProblemAlert } from '../../ui';
import { EmptyState } from '../../ui/empty-state';
import { usePageTitle } from '../../ui/hooks';
import { attempt, formatMoney, signInFirst, useCartCount } from './shop';

export const KIND_KEYS: Record<ProductKind, MessageKey> = {
  digital: 'shop.kind.digital',
  credit_pack: 'shop.kind.credit_pack',
  plan: 'shop.kind.plan',
  physical: 'shop.kind.physical',
};

const STOCK_KEYS: Record<Product['stockState'], MessageKey> = {
  in_stock: 'shop.stock.in_stock',
  low_stock: 'shop.stock.low_stock',
  out_of_stock: 'shop.stock.out_of_stock',
};

/** A product page's in-app URL. */
export function productHref(slug: string): string {
  return `/marketplace?product=${encodeURIComponent(slug)}`;
}

/** An average rating as five stars, with its value and count for screen readers. */
export function Stars({ average, count }: { average: number | null; count?: number }) {
  const { t, lang } = useI18n();
  const value = average ?? 0;
  const label =
    average === null
      ? t('shop.rating.none')
      : t('shop.rating.label', {
          average: new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(average),
          count: count ?? 0,
        });
  return (
    <span class="shop-stars" role="img" aria-label={label} title={label}>
      {[1, 2, 3, 4, 5].map((star) => (
        <span
          key={star}
          aria-hidden="true"
          class={value >= star - 0.25 ? 'is-on' : value >= star - 0.75 ? 'is-half' : undefined}
        >
          ★
        </span>
      ))}
      {count !== undefined && (
        <span class="shop-stars-count" aria-hidden="true">
          ({count})
        </span>
      )}
    </span>
  );
}

/** A price in the UI language's currency format. */
export function Money({ minor, currency }: { minor: number; currency: string }) {
  const { lang } = useI18n();
  return <span class="shop-money">{formatMoney(minor, currency, lang)}</span>;
}

export function StockBadge({ product }: { product: Pick<Product, 'stockState' | 'stock'> }) {
  const { t } = useI18n();
  const text =
    product.stockState === 'low_stock' && product.stock !== null
      ? t('shop.stock.left', { count: product.stock })
      : t(STOCK_KEYS[product.stockState]);
  return <span class={`badge shop-stock shop-stock-${product.stockState}`}>{text}</span>;
}

/** A product image (public, cacheable), or a neutral placeholder when it has none. */
export function ProductImage({
  url,
  alt,
  class: className,
}: {
  url: string | null | undefined;
  alt: string;
  class?: string;
}) {
  if (!url) {
    return (
      <div class={`shop-image shop-image-empty ${className ?? ''}`} aria-hidden="true">
        <span>W</span>
      </div>
    );
  }
  return <img class={`shop-image ${className ?? ''}`} src={url} alt={alt} loading="lazy" />;
}

/**
 * The wishlist heart: toggles the product in the signed-in user's wishlist; a visitor is
 * asked to sign in first. `onChange` hears the new state once the server took it.
 */
export function WishlistButton({
  productId,
  name,
  wished,
  onChange,
  onProblem,
}: {
  productId: string;
  name: string;
  wished: boolean;
  onChange(wished: boolean): void;
  onProblem(problem: ApiProblem): void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const label = t(wished ? 'shop.wishlist.remove' : 'shop.wishlist.add', { name });
  return (
    <button
      type="button"
      class={`icon-button shop-heart${wished ? ' is-on' : ''}`}
      aria-pressed={wished}
      aria-label={label}
      title={label}
      disabled={busy}
      onClick={() => {
        if (session.status !== 'signed-in') {
          signInFirst();
          return;
        }
        setBusy(true);
        void attempt(async () => {
          await authed((token) => setWishlisted(token, productId, !wished));
          onChange(!wished);
        }, onProblem).finally(() => setBusy(false));
      }}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill={wished ? 'currentColor' : 'none'}
          stroke="currentColor"
          stroke-width="2"
          d="M12 20.5s-7.5-4.6-9.3-9.2C1.4 8 3.4 4.5 7 4.5c2 0 3.3 1.1 5 3 1.7-1.9 3-3 5-3 3.6 0 5.6 3.5 4.3 6.8-1.8 4.6-9.3 9.2-9.3 9.2z"
        />
      </svg>
    </button>
  );
}

/** Links between the shop's pages, with the cart's size; visitors get a sign-in link. */
export function ShopLinks() {
  const { t } = useI18n();
  const session = useSession();
  const count = useCartCount();
  const signedIn = session.status === 'signed-in';
  return (
    <nav class="shop-links" aria-label={t('shop.links')}>
      <Link href="/marketplace">{t('area.marketplace')}</Link>
      <Link href="/cart">{count ? t('shop.cart.linkCount', { count }) : t('shop.cart.link')}</Link>
      {signedIn && <Link href="/wishlist">{t('shop.wishlist.title')}</Link>}
      {signedIn && <Link href="/orders">{t('area.orders')}</Link>}
      <Link href="/pricing">{t('shop.pricing.title')}</Link>
      {!signedIn && (
        <Link
          href={`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`}
        >
          {t('shop.signIn')}
        </Link>
      )}
    </nav>
  );
}

/** A shop list's empty state (cart, orders, wishlist) with a link back to the marketplace. */
export function BrowseEmpty({ children }: { children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div class="card">
      <EmptyState
        action={
          <Link href="/marketplace" class="button">
            {t('shop.cart.browse')}
          </Link>
        }
      >
        {children}
      </EmptyState>
    </div>
  );
}

/** A shop page: titled `title` (heading and document), the shop's links beside the heading. */
export function ShopPage({ title, children }: { title: string; children: ComponentChildren }) {
  usePageTitle(title);
  return (
    <div class="page shop-page">
      <div class="shop-head">
        <h1 tabIndex={-1}>{title}</h1>
        <ShopLinks />
      </div>
      {children}
    </div>
  );
}

/**
 * A shop page whose item is not here (yet): a link back, then the loading line, or the
 * `missing` heading and the problem once loading failed.
 */
export function NotLoaded({
  back,
  backLabel,
  missing,
  problem,
}: {
  back: string;
  backLabel: string;
  missing: string;
  problem: ApiProblem | null;
}) {
  const { t } = useI18n();
  return (
    <div class="page shop-page">
      <p>
        <Link href={back}>{backLabel}</Link>
      </p>
      {problem ? (
        <>
          <h1 tabIndex={-1}>{missing}</h1>
          <ProblemAlert problem={problem} other={[]} />
        </>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}
