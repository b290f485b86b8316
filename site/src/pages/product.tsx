import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  addToCart,
  createReview,
  getProduct,
  isWishlisted,
  listReviews,
  type Product,
  type Review,
  type ReviewPage,
  updateReview,
} from '../api/shop';
import { authed, useSession } from '../auth';
import { asShopper, noteCart, signInFirst } from '../components/shop/shop';
import {
  KIND_KEYS,
  Money,
  NotLoaded,
  ProductImage,
  ShopLinks,
  Stars,
  StockBadge,
  WishlistButton,
} from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';
import { attempt, Field, formatDate, ProblemAlert, Toast, usePageTitle, useResource } from '../ui';

/** Highest quantity one cart line takes (the cart's own limit). */
const MAX_QUANTITY = 99;
const REVIEW_MAX = 4000;

const REVIEW_STATUS_KEYS: Record<Review['status'], MessageKey> = {
  pending: 'shop.review.status.pending',
  approved: 'shop.review.status.approved',
  rejected: 'shop.review.status.rejected',
};

function maxQuantity(product: Product): number {
  if (product.kind === 'plan') return 1;
  return Math.min(MAX_QUANTITY, product.stock ?? MAX_QUANTITY);
}

/** Five radio buttons for a 1–5 star rating. */
function StarInput({ value, onValue }: { value: number; onValue(value: number): void }) {
  const { t } = useI18n();
  return (
    <fieldset class="shop-star-input">
      <legend>{t('shop.review.rating')}</legend>
      {[1, 2, 3, 4, 5].map((star) => (
        <label key={star} class={star <= value ? 'is-on' : undefined}>
          <input
            type="radio"
            name="rating"
            value={star}
            checked={value === star}
            onChange={() => onValue(star)}
          />
          <span aria-hidden="true">★</span>
          <span class="visually-hidden">{t('shop.review.stars', { count: star })}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The caller's review form: a new review, or a change to their own one (re-moderated). */
function ReviewForm({
  productId,
  mine,
  onSaved,
}: {
  productId: string;
  mine: Review | null;
  onSaved(review: Review): void;
}) {
  const { t } = useI18n();
  const [rating, setRating] = useState(mine?.rating ?? 0);
  const [text, setText] = useState(mine?.text ?? '');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [refused, setRefused] = useState<string | null>(null);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    setRefused(null);
    await attempt(
      async () => {
        const input = { rating, text: text.trim() };
        const saved = await authed((token) =>
          mine ? updateReview(token, mine.id, input) : createReview(token, productId, input),
        );
        onSaved(saved);
      },
      (error) => {
        // The server decides who may review; its refusal is said in the page's language.
        if (error.status === 403) setRefused(t('shop.review.notBuyer'));
        else if (error.status === 409) setRefused(t('shop.review.already'));
        else setProblem(error);
      },
    );
    setPending(false);
  }

  return (
    <form class="shop-review-form" onSubmit={(event) => void submit(event)}>
      <h3>{mine ? t('shop.review.edit') : t('shop.review.write')}</h3>
      {refused && <Toast tone="error">{refused}</Toast>}
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <StarInput value={rating} onValue={setRating} />
      <Field
        id="review-text"
        kind="textarea"
        label={t('shop.review.text')}
        rows={4}
        maxLength={REVIEW_MAX}
        value={text}
        onValue={setText}
      />
      <button type="submit" class="button" disabled={pending || rating === 0}>
        {pending ? t('shop.saving') : t('shop.review.submit')}
      </button>
    </form>
  );
}

function Reviews({ product }: { product: Product }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const [page, setPage] = useState<ReviewPage | null>(null);
  const [more, setMore] = useState<Review[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);

  async function load(n: number) {
    await attempt(async () => {
      const result = await asShopper(signedIn, (token) => listReviews(token, product.id, n));
      if (n === 1) {
        setPage(result);
        setMore([]);
      } else {
        setPage((old) => (old ? { ...result, items: old.items } : result));
        setMore((old) => [...old, ...result.items]);
      }
    }, setProblem);
  }

  useEffect(() => {
    void load(1);
  }, [product.id, signedIn]);

  const items = page ? [...page.items, ...more] : [];
  return (
    <section class="card" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t('shop.reviews')}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {page && (
        <p class="shop-review-summary">
          <Stars average={page.average} count={page.total} />{' '}
          {page.average === null
            ? t('shop.rating.none')
            : t('shop.review.average', {
                average: new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(
                  page.average,
                ),
                count: page.total,
              })}
        </p>
      )}
      {page && items.length > 0 && (
        <ul class="shop-reviews">
          {items.map((review) => (
            <li key={review.id}>
              <p class="shop-review-head">
                <Stars average={review.rating} />
                <strong>{review.authorName}</strong>
                <span class="muted">{formatDate(review.createdAt, lang, false)}</span>
              </p>
              {review.text && <p class="shop-review-text">{review.text}</p>}
            </li>
          ))}
        </ul>
      )}
      {page && items.length < page.total && (
        <button
          type="button"
          class="button"
          onClick={() => void load(Math.floor(items.length / page.limit) + 1)}
        >
          {t('shop.review.more')}
        </button>
      )}
      {page?.mine && (
        <div class="notice shop-review-mine">
          <p>
            {t('shop.review.yours')}{' '}
            <span class="badge">{t(REVIEW_STATUS_KEYS[page.mine.status])}</span>
          </p>
        </div>
      )}
      {saved && <Toast>{t('shop.review.saved')}</Toast>}
      {signedIn ? (
        page && (
          <ReviewForm
            key={page.mine?.id ?? 'new'}
            productId={product.id}
            mine={page.mine}
            onSaved={(review) => {
              setSaved(true);
              setPage((old) => (old ? { ...old, mine: review } : old));
            }}
          />
        )
      ) : (
        <p>
          <button type="button" class="link-button" onClick={signInFirst}>
            {t('shop.review.signIn')}
          </button>
        </p>
      )}
    </section>
  );
}

/** One product: images, description, price, add to cart, wishlist, reviews. */
export function ProductPage({ slug }: { slug: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const loaded = useResource(() => getProduct(slug, lang), [slug, lang]);
  const product = loaded.data;
  const [actionProblem, setProblem] = useState<ApiProblem | null>(null);
  const problem = actionProblem ?? loaded.problem;
  const [image, setImage] = useState(0);
  const [quantity, setQuantity] = useState(1);
  const [wished, setWished] = useState(false);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<number | null>(null);

  usePageTitle(product?.name ?? t('area.marketplace'));

  useEffect(() => {
    if (!product || !signedIn) return;
    void attempt(
      async () => setWished(await authed((token) => isWishlisted(token, product.id))),
      setProblem,
    );
  }, [product?.id, signedIn]);

  if (!product) {
    return (
      <NotLoaded
        back="/marketplace"
        backLabel={t('shop.back')}
        missing={t('shop.productMissing')}
        problem={problem}
      />
    );
  }

  const max = maxQuantity(product);
  const soldOut = product.stockState === 'out_of_stock';

  async function add(current: Product) {
    setAdding(true);
    setAdded(null);
    setProblem(null);
    await attempt(async () => {
      noteCart(await asShopper(signedIn, (token) => addToCart(token, current.id, quantity, lang)));
      setAdded(quantity);
    }, setProblem);
    setAdding(false);
  }

  return (
    <div class="page shop-page">
      <div class="shop-head">
        <Link href="/marketplace">{t('shop.back')}</Link>
        <ShopLinks />
      </div>
      <article class="card shop-product">
        <div class="shop-gallery">
          <ProductImage
            url={product.imageUrls[image]}
            alt={t('shop.imageOf', { name: product.name, n: image + 1 })}
            class="shop-gallery-main"
          />
          {product.imageUrls.length > 1 && (
            <ul class="shop-thumbs">
              {product.imageUrls.map((url, index) => (
                <li key={url}>
                  <button
                    type="button"
                    aria-pressed={index === image}
                    aria-label={t('shop.showImage', { n: index + 1 })}
                    onClick={() => setImage(index)}
                  >
                    <ProductImage url={url} alt="" />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="shop-product-info">
          <p class="shop-card-meta">
            <span class="badge">{t(KIND_KEYS[product.kind])}</span>
            {product.category && (
              <Link href={`/marketplace?category=${encodeURIComponent(product.category.slug)}`}>
                {product.category.name}
              </Link>
            )}
          </p>
          <h1 tabIndex={-1}>{product.name}</h1>
          <Stars average={product.rating.average} count={product.rating.count} />
          <p class="shop-product-price">
            <Money minor={product.priceMinor} currency={product.currency} />
            <span class="muted">{t('shop.vatIncluded')}</span>
          </p>
          <p>
            <StockBadge product={product} />
          </p>
          {product.credits !== null && <p>{t('shop.credits', { count: product.credits })}</p>}
          {product.plan && product.billingInterval && (
            <p>
              {t(product.billingInterval === 'year' ? 'shop.plan.yearly' : 'shop.plan.monthly', {
                plan: product.plan,
              })}
            </p>
          )}
          {problem && <ProblemAlert problem={problem} other={[]} />}
          {added !== null && (
            <Toast>
              {t('shop.addedCount', { count: added, name: product.name })}{' '}
              <Link href="/cart">{t('shop.viewCart')}</Link>
            </Toast>
          )}
          <form
            class="toolbar shop-buy"
            onSubmit={(event) => {
              event.preventDefault();
              void add(product);
            }}
          >
            <Field
              id="product-quantity"
              kind="number"
              class="shop-qty-field"
              label={t('shop.quantity')}
              min={1}
              max={max}
              value={String(quantity)}
              disabled={soldOut || max === 1}
              onValue={(text) => {
                const value = Math.floor(Number(text));
                setQuantity(Number.isFinite(value) ? Math.min(max, Math.max(1, value)) : 1);
              }}
            />
            <button
              type="submit"
              class="button button-primary button-inline"
              disabled={soldOut || adding}
            >
              {adding ? t('shop.adding') : t('shop.add')}
            </button>
            <WishlistButton
              productId={product.id}
              name={product.name}
              wished={wished}
              onChange={setWished}
              onProblem={setProblem}
            />
          </form>
          <div class="shop-description">{product.description}</div>
        </div>
      </article>
      <Reviews product={product} />
    </div>
  );
}
