import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  addToCart,
  getCart,
  getWishlist,
  listCategories,
  listProducts,
  PAGE_SIZE,
  PRODUCT_KINDS,
  PRODUCT_SORTS,
  type Product,
  type ProductFilters,
  type ProductKind,
  type ProductSort,
} from '../api/shop';
import { authed, useSession } from '../auth';
import { asShopper, minorToInput, noteCart, parseMoney } from '../components/shop/shop';
import {
  KIND_KEYS,
  Money,
  ProductImage,
  productHref,
  ShopPage,
  Stars,
  StockBadge,
  WishlistButton,
} from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import {
  attempt,
  EmptyState,
  Field,
  FilterBar,
  Pager,
  ProblemAlert,
  Toast,
  useResource,
} from '../ui';
import { ProductPage } from './product';

/** How long typing in a text filter waits before the list is asked for again. */
const TYPING_DELAY_MS = 300;

const SORT_KEYS: Record<ProductSort, MessageKey> = {
  newest: 'shop.sort.newest',
  price_asc: 'shop.sort.price_asc',
  price_desc: 'shop.sort.price_desc',
  popular: 'shop.sort.popular',
};

/** The catalog filters carried by the page's query string, so links and Back keep them. */
function filtersFrom(search: string): ProductFilters {
  const params = new URLSearchParams(search);
  const number = (name: string) => {
    const value = params.get(name);
    return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const kind = params.get('kind');
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? undefined,
    category: params.get('category') ?? undefined,
    kind: PRODUCT_KINDS.includes(kind as ProductKind) ? (kind as ProductKind) : undefined,
    minPrice: number('minPrice'),
    maxPrice: number('maxPrice'),
    sort: PRODUCT_SORTS.includes(sort as ProductSort) ? (sort as ProductSort) : undefined,
    page: number('page'),
  };
}

function searchFor(filters: ProductFilters): string {
  const params = new URLSearchParams();
  if (filters.q?.trim()) params.set('q', filters.q.trim());
  if (filters.category) params.set('category', filters.category);
  if (filters.kind) params.set('kind', filters.kind);
  if (filters.minPrice !== undefined) params.set('minPrice', String(filters.minPrice));
  if (filters.maxPrice !== undefined) params.set('maxPrice', String(filters.maxPrice));
  if (filters.sort) params.set('sort', filters.sort);
  if (filters.page && filters.page > 1) params.set('page', String(filters.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}

function ProductCard({
  product,
  wished,
  onWished,
  onAdd,
  adding,
  onProblem,
}: {
  product: Product;
  wished: boolean;
  onWished(wished: boolean): void;
  onAdd(): void;
  adding: boolean;
  onProblem(problem: ApiProblem): void;
}) {
  const { t } = useI18n();
  const href = productHref(product.slug);
  const soldOut = product.stockState === 'out_of_stock';
  return (
    <li class="shop-card" aria-labelledby={`product-${product.id}`}>
      <Link href={href} class="shop-card-image">
        <ProductImage url={product.imageUrls[0]} alt="" />
      </Link>
      <div class="shop-card-body">
        <p class="shop-card-meta">
          <span class="badge">{t(KIND_KEYS[product.kind])}</span>
          {product.category && <span class="muted">{product.category.name}</span>}
        </p>
        <h2 id={`product-${product.id}`} class="shop-card-title">
          <Link href={href}>{product.name}</Link>
        </h2>
        <p class="shop-card-description">{product.description}</p>
        <Stars average={product.rating.average} count={product.rating.count} />
        <p class="shop-card-price">
          <Money minor={product.priceMinor} currency={product.currency} />
          <StockBadge product={product} />
        </p>
      </div>
      <div class="shop-card-actions">
        <button
          type="button"
          class="button button-primary button-inline"
          disabled={soldOut || adding}
          aria-label={t('shop.addNamed', { name: product.name })}
          onClick={onAdd}
        >
          {adding ? t('shop.adding') : soldOut ? t('shop.stock.out_of_stock') : t('shop.add')}
        </button>
        <WishlistButton
          productId={product.id}
          name={product.name}
          wished={wished}
          onChange={onWished}
          onProblem={onProblem}
        />
      </div>
    </li>
  );
}

function Catalog() {
  const { t, lang } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signed-in';
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const [q, setQ] = useState(filters.q ?? '');
  const [minText, setMinText] = useState(
    filters.minPrice === undefined ? '' : minorToInput(filters.minPrice),
  );
  const [maxText, setMaxText] = useState(
    filters.maxPrice === undefined ? '' : minorToInput(filters.maxPrice),
  );
  const categories = useResource(() => listCategories(lang), [lang]);
  const page = useResource(() => listProducts(filtersFrom(search), lang), [search, lang]);
  const [wished, setWished] = useState<Set<string>>(new Set());
  const [actionProblem, setProblem] = useState<ApiProblem | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    void attempt(async () => {
      noteCart(await asShopper(signedIn, (token) => getCart(token, lang)));
      if (signedIn) {
        const items = await authed((token) => getWishlist(token, lang));
        setWished(new Set(items.map((item) => item.product.id)));
      }
    }, setProblem);
  }, [signedIn, lang]);

  useEffect(() => () => clearTimeout(typing.current), []);

  // Back and Forward change the URL under the inputs: show what the list is filtered by.
  useEffect(() => {
    const shown = filtersFrom(search);
    setQ((typed) => ((shown.q ?? '') === typed.trim() ? typed : (shown.q ?? '')));
    setMinText((typed) =>
      parseMoney(typed) === (shown.minPrice ?? null) || Number.isNaN(parseMoney(typed))
        ? typed
        : shown.minPrice === undefined
          ? ''
          : minorToInput(shown.minPrice),
    );
    setMaxText((typed) =>
      parseMoney(typed) === (shown.maxPrice ?? null) || Number.isNaN(parseMoney(typed))
        ? typed
        : shown.maxPrice === undefined
          ? ''
          : minorToInput(shown.maxPrice),
    );
  }, [search]);

  /** Shows the list for new filters (back to page 1), replacing the URL while typing. */
  function apply(next: ProductFilters, options: { replace?: boolean } = {}) {
    navigate(`/marketplace${searchFor({ ...next, page: undefined })}`, options);
  }

  const minPrice = parseMoney(minText);
  const maxPrice = parseMoney(maxText);
  const priceInvalid =
    Number.isNaN(minPrice) ||
    Number.isNaN(maxPrice) ||
    (minPrice !== null && maxPrice !== null && minPrice > maxPrice);

  function textFilters(): ProductFilters {
    return {
      ...filters,
      q,
      minPrice: minPrice === null || Number.isNaN(minPrice) ? undefined : minPrice,
      maxPrice: maxPrice === null || Number.isNaN(maxPrice) ? undefined : maxPrice,
    };
  }

  // The timer fires after later renders: it reads the newest values through these refs.
  const priceInvalidRef = useRef(priceInvalid);
  priceInvalidRef.current = priceInvalid;
  const textFiltersRef = useRef(textFilters);
  textFiltersRef.current = textFilters;

  /** Typing waits a moment before asking the server; invalid prices are not sent. */
  function typed() {
    clearTimeout(typing.current);
    typing.current = setTimeout(() => {
      if (!priceInvalidRef.current) apply(textFiltersRef.current(), { replace: true });
    }, TYPING_DELAY_MS);
  }

  async function add(product: Product) {
    setAdding(product.id);
    setAdded(null);
    setProblem(null);
    await attempt(async () => {
      noteCart(await asShopper(signedIn, (token) => addToCart(token, product.id, 1, lang)));
      setAdded(product.name);
    }, setProblem);
    setAdding(null);
  }

  const currentPage = filters.page ?? 1;
  const pages = page.data ? Math.max(1, Math.ceil(page.data.total / PAGE_SIZE)) : 1;
  const goTo = (n: number) => navigate(`/marketplace${searchFor({ ...filters, page: n })}`);
  const problem = actionProblem ?? page.problem ?? categories.problem;
  const price = (id: string, label: MessageKey, value: string, onValue: (text: string) => void) => (
    <Field
      id={id}
      class="shop-price-field"
      label={t(label)}
      inputMode="decimal"
      value={value}
      onValue={(text) => {
        onValue(text);
        typed();
      }}
    />
  );

  return (
    <ShopPage title={t('area.marketplace')}>
      <p class="muted">{t('shop.intro')}</p>
      <FilterBar
        label={t('shop.filters')}
        applyLabel={t('shop.searchButton')}
        onApply={() => {
          clearTimeout(typing.current);
          if (!priceInvalid) apply(textFilters());
        }}
      >
        <Field
          id="shop-q"
          kind="search"
          label={t('shop.search')}
          value={q}
          maxLength={200}
          onValue={(text) => {
            setQ(text);
            typed();
          }}
        />
        <Field
          id="shop-category"
          kind="select"
          label={t('shop.category')}
          value={filters.category ?? ''}
          onValue={(category) => apply({ ...textFilters(), category: category || undefined })}
          options={[
            { value: '', label: t('shop.allCategories') },
            ...(categories.data ?? []).map((category) => ({
              value: category.slug,
              label: category.parentId ? `— ${category.name}` : category.name,
            })),
          ]}
        />
        <Field<ProductKind | ''>
          id="shop-kind"
          kind="select"
          label={t('shop.kind')}
          value={filters.kind ?? ''}
          onValue={(kind) => apply({ ...textFilters(), kind: kind || undefined })}
          options={[
            { value: '', label: t('shop.allKinds') },
            ...PRODUCT_KINDS.map((kind) => ({ value: kind, label: t(KIND_KEYS[kind]) })),
          ]}
        />
        {price('shop-min', 'shop.minPrice', minText, setMinText)}
        {price('shop-max', 'shop.maxPrice', maxText, setMaxText)}
        <Field<ProductSort | ''>
          id="shop-sort"
          kind="select"
          label={t('shop.sort')}
          value={filters.sort ?? ''}
          onValue={(sort) => apply({ ...textFilters(), sort: sort || undefined })}
          options={[
            { value: '', label: filters.q ? t('shop.sort.relevance') : t('shop.sort.newest') },
            ...PRODUCT_SORTS.map((sort) => ({ value: sort, label: t(SORT_KEYS[sort]) })),
          ]}
        />
        {priceInvalid && (
          <p class="field-error shop-filter-error" role="alert">
            {t('shop.priceInvalid')}
          </p>
        )}
      </FilterBar>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {added && (
        <Toast>
          {t('shop.added', { name: added })} <Link href="/cart">{t('shop.viewCart')}</Link>
        </Toast>
      )}
      {page.data === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : page.data.items.length === 0 ? (
        <div class="card">
          <EmptyState>{t('shop.noMatch')}</EmptyState>
        </div>
      ) : (
        <>
          <p class="muted" role="status">
            {t('shop.resultCount', { count: page.data.total })}
          </p>
          <ul class="shop-grid" aria-label={t('shop.products')}>
            {page.data.items.map((product) => (
              <ProductCard
                key={product.id}
                product={product}
                wished={wished.has(product.id)}
                adding={adding === product.id}
                onAdd={() => void add(product)}
                onProblem={setProblem}
                onWished={(on) =>
                  setWished((set) => {
                    const next = new Set(set);
                    if (on) next.add(product.id);
                    else next.delete(product.id);
                    return next;
                  })
                }
              />
            ))}
          </ul>
          {pages > 1 && <Pager page={currentPage} pages={pages} onPage={goTo} />}
        </>
      )}
    </ShopPage>
  );
}

/** The marketplace: the searchable catalog, or one product when the URL names it. */
export function MarketplacePage() {
  const { search } = useLocation();
  const slug = new URLSearchParams(search).get('product');
  return slug ? <ProductPage key={slug} slug={slug} /> : <Catalog />;
}
