import { addToCart, getWishlist, setWishlisted } from '../api/shop';
import { authed } from '../auth';
import { noteCart } from '../components/shop/shop';
import {
  BrowseEmpty,
  Money,
  ProductImage,
  productHref,
  ShopPage,
  StockBadge,
} from '../components/shop/widgets';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { formatDate, ProblemAlert, Toast, useResource } from '../ui';
import { useRowActions } from '../ui/row-actions';

/** The signed-in user's wishlist: open, add to the cart, or remove each product. */
export function WishlistPage() {
  const { t, lang } = useI18n();
  const wishlist = useResource(() => authed((token) => getWishlist(token, lang)), [lang]);
  const items = wishlist.data;
  const { busy, run, message, setMessage, ...actions } = useRowActions();
  const problem = actions.problem ?? wishlist.problem;

  return (
    <ShopPage title={t('shop.wishlist.title')}>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && <Toast>{message}</Toast>}
      {items === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <BrowseEmpty>{t('shop.wishlist.empty')}</BrowseEmpty>
      ) : (
        <ul class="card shop-lines" aria-label={t('shop.wishlist.title')}>
          {items.map(({ product, available, addedAt }) => (
            <li key={product.id} class={`shop-line${available ? '' : ' is-excluded'}`}>
              <ProductImage url={product.imageUrls[0]} alt="" class="shop-line-image" />
              <div class="shop-line-main">
                <h2 class="shop-line-name">
                  {available ? (
                    <Link href={productHref(product.slug)}>{product.name}</Link>
                  ) : (
                    product.name
                  )}
                </h2>
                <p class="muted">
                  {t('shop.wishlist.addedOn', { date: formatDate(addedAt, lang, false) })}
                </p>
                {available ? (
                  <StockBadge product={product} />
                ) : (
                  <span class="badge">{t('shop.wishlist.unavailable')}</span>
                )}
              </div>
              <div class="shop-line-total">
                <strong>
                  <Money minor={product.priceMinor} currency={product.currency} />
                </strong>
                <span class="actions">
                  <button
                    type="button"
                    class="button"
                    disabled={busy !== null || !available || product.stockState === 'out_of_stock'}
                    aria-label={t('shop.addNamed', { name: product.name })}
                    onClick={() =>
                      void run(product.id, async () => {
                        noteCart(await authed((token) => addToCart(token, product.id, 1, lang)));
                        setMessage(t('shop.added', { name: product.name }));
                      })
                    }
                  >
                    {t('shop.add')}
                  </button>
                  <button
                    type="button"
                    class="button"
                    disabled={busy !== null}
                    aria-label={t('shop.wishlist.remove', { name: product.name })}
                    onClick={() =>
                      void run(product.id, async () => {
                        await authed((token) => setWishlisted(token, product.id, false));
                        wishlist.setData(
                          (list) => list?.filter((item) => item.product.id !== product.id) ?? null,
                        );
                        setMessage(t('shop.wishlist.removed', { name: product.name }));
                      })
                    }
                  >
                    {t('shop.cart.remove')}
                  </button>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </ShopPage>
  );
}
