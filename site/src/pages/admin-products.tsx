import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  type AdminProduct,
  adminCreateProduct,
  adminDeleteProductImage,
  adminListProducts,
  adminUpdateProduct,
  adminUploadProductImage,
  type Category,
  listCategories,
  PRODUCT_KINDS,
  type ProductInput,
  type ProductKind,
  type ProductStatusFilter,
} from '../api/shop';
import { authed } from '../auth';
import { ProblemAlert, splitFieldErrors } from '../components/form';
import { attempt, formatMoney, minorToInput, parseMoney } from '../components/shop/shop';
import { KIND_KEYS, ProductImage, productHref } from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';

const FIELDS = [
  'slug',
  'kind',
  'categoryId',
  'nameFr',
  'nameEn',
  'descriptionFr',
  'descriptionEn',
  'priceMinor',
  'currency',
  'taxRateBps',
  'stock',
  'credits',
  'plan',
  'billingInterval',
  'downloadKey',
  'stripePriceId',
  'active',
] as const;

const STATUS_KEYS: Record<ProductStatusFilter, MessageKey> = {
  all: 'shop.admin.status.all',
  active: 'shop.admin.status.active',
  inactive: 'shop.admin.status.inactive',
};

interface Draft {
  slug: string;
  kind: ProductKind;
  categoryId: string;
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  price: string;
  currency: string;
  vat: string;
  trackStock: boolean;
  stock: string;
  credits: string;
  plan: 'pro' | 'business';
  billingInterval: 'month' | 'year';
  downloadKey: string;
  stripePriceId: string;
  active: boolean;
}

function draftOf(product: AdminProduct | null): Draft {
  return {
    slug: product?.slug ?? '',
    kind: product?.kind ?? 'digital',
    categoryId: product?.category?.id ?? '',
    nameFr: product?.nameFr ?? '',
    nameEn: product?.nameEn ?? '',
    descriptionFr: product?.descriptionFr ?? '',
    descriptionEn: product?.descriptionEn ?? '',
    price: product ? minorToInput(product.priceMinor) : '',
    currency: product?.currency ?? 'EUR',
    vat: String((product?.taxRateBps ?? 2000) / 100),
    trackStock: product ? product.stock !== null : false,
    stock: product?.stock === null || product?.stock === undefined ? '' : String(product.stock),
    credits:
      product?.credits === null || product?.credits === undefined ? '' : String(product.credits),
    plan: product?.plan ?? 'pro',
    billingInterval: product?.billingInterval ?? 'month',
    downloadKey: product?.downloadKey ?? '',
    stripePriceId: product?.stripePriceId ?? '',
    active: product?.active ?? true,
  };
}

const whole = (text: string): number | null =>
  /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;

/**
 * The request body for a draft, or the fields typed in a way no request can carry (a price
 * that is not an amount, a stock that is not a whole number), keyed like the API's fields.
 */
function inputOf(draft: Draft): { input: ProductInput } | { errors: Record<string, MessageKey> } {
  const errors: Record<string, MessageKey> = {};
  const price = parseMoney(draft.price);
  if (price === null || Number.isNaN(price)) errors.priceMinor = 'shop.admin.priceInvalid';
  const vat = Number(draft.vat.trim().replace(',', '.'));
  if (!draft.vat.trim() || !Number.isFinite(vat)) errors.taxRateBps = 'shop.admin.vatInvalid';
  const tracked = draft.kind === 'physical' || draft.trackStock;
  const stock = whole(draft.stock);
  if (tracked && stock === null) errors.stock = 'shop.admin.wholeNumber';
  const credits = whole(draft.credits);
  if (draft.kind === 'credit_pack' && credits === null) errors.credits = 'shop.admin.wholeNumber';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    input: {
      slug: draft.slug.trim(),
      kind: draft.kind,
      categoryId: draft.categoryId || null,
      nameFr: draft.nameFr,
      nameEn: draft.nameEn,
      descriptionFr: draft.descriptionFr,
      descriptionEn: draft.descriptionEn,
      priceMinor: price ?? 0,
      currency: draft.currency.trim().toUpperCase(),
      taxRateBps: Math.round(vat * 100),
      stock: tracked ? stock : null,
      credits: draft.kind === 'credit_pack' ? credits : null,
      plan: draft.kind === 'plan' ? draft.plan : null,
      billingInterval: draft.kind === 'plan' ? draft.billingInterval : null,
      downloadKey: draft.downloadKey.trim() || null,
      stripePriceId: draft.stripePriceId.trim() || null,
      active: draft.active,
    },
  };
}

function TextInput({
  id,
  label,
  value,
  onValue,
  error,
  hint,
  ...rest
}: {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  error?: string;
  hint?: string;
  required?: boolean;
  maxLength?: number;
  inputMode?: 'decimal' | 'numeric' | 'text';
}) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onInput={(event) => onValue(event.currentTarget.value)}
        {...rest}
      />
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Creates a product (no `product`) or edits one, with the fields its kind needs. */
function ProductForm({
  product,
  categories,
  onSaved,
  onCancel,
}: {
  product: AdminProduct | null;
  categories: Category[];
  onSaved(product: AdminProduct, created: boolean): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(() => draftOf(product));
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const split = splitFieldErrors(problem, FIELDS);
  const other = split.other;
  const byField: Record<string, string> = { ...split.byField };
  for (const [field, key] of Object.entries(local)) byField[field] = t(key);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((old) => ({ ...old, [key]: value }));

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setProblem(null);
    const checked = inputOf(draft);
    if ('errors' in checked) {
      setLocal(checked.errors);
      return;
    }
    setLocal({});
    const { input } = checked;
    setPending(true);
    await attempt(async () => {
      const saved = await authed((token) =>
        product ? adminUpdateProduct(token, product.id, input) : adminCreateProduct(token, input),
      );
      onSaved(saved, product === null);
    }, setProblem);
    setPending(false);
  }

  const area = (id: 'descriptionFr' | 'descriptionEn', label: string) => (
    <div class="field">
      <label for={`product-${id}`}>{label}</label>
      <textarea
        id={`product-${id}`}
        class="shop-textarea"
        rows={4}
        maxLength={10_000}
        value={draft[id]}
        onInput={(event) => set(id, event.currentTarget.value)}
      />
      {byField[id] && <p class="field-error">{byField[id]}</p>}
    </div>
  );

  return (
    <form
      class="card shop-admin-form"
      aria-label={
        product ? t('shop.admin.editNamed', { name: product.nameEn }) : t('shop.admin.new')
      }
      onSubmit={(event) => void submit(event)}
    >
      <h2>{product ? t('shop.admin.editNamed', { name: product.nameEn }) : t('shop.admin.new')}</h2>
      {problem && <ProblemAlert problem={problem} other={other} />}
      <div class="shop-form-grid">
        <TextInput
          id="product-slug"
          label={t('shop.admin.slug')}
          hint={t('shop.admin.slugHint')}
          value={draft.slug}
          onValue={(value) => set('slug', value)}
          error={byField.slug}
          required
          maxLength={80}
        />
        <div class="field">
          <label for="product-kind">{t('shop.kind')}</label>
          <select
            id="product-kind"
            value={draft.kind}
            onChange={(event) => set('kind', event.currentTarget.value as ProductKind)}
          >
            {PRODUCT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(KIND_KEYS[kind])}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="product-category">{t('shop.category')}</label>
          <select
            id="product-category"
            value={draft.categoryId}
            onChange={(event) => set('categoryId', event.currentTarget.value)}
          >
            <option value="">{t('shop.admin.noCategory')}</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
          </select>
          {byField.categoryId && <p class="field-error">{byField.categoryId}</p>}
        </div>
        <TextInput
          id="product-nameFr"
          label={t('shop.admin.nameFr')}
          value={draft.nameFr}
          onValue={(value) => set('nameFr', value)}
          error={byField.nameFr}
          required
          maxLength={200}
        />
        <TextInput
          id="product-nameEn"
          label={t('shop.admin.nameEn')}
          value={draft.nameEn}
          onValue={(value) => set('nameEn', value)}
          error={byField.nameEn}
          required
          maxLength={200}
        />
        <TextInput
          id="product-price"
          label={t('shop.admin.price')}
          hint={t('shop.admin.priceHint')}
          value={draft.price}
          onValue={(value) => set('price', value)}
          error={byField.priceMinor}
          inputMode="decimal"
          required
        />
        <TextInput
          id="product-currency"
          label={t('shop.admin.currency')}
          value={draft.currency}
          onValue={(value) => set('currency', value)}
          error={byField.currency}
          maxLength={3}
        />
        <TextInput
          id="product-vat"
          label={t('shop.admin.vat')}
          value={draft.vat}
          onValue={(value) => set('vat', value)}
          error={byField.taxRateBps}
          inputMode="decimal"
        />
      </div>
      {area('descriptionFr', t('shop.admin.descriptionFr'))}
      {area('descriptionEn', t('shop.admin.descriptionEn'))}
      <fieldset class="shop-kind-fields">
        <legend>{t('shop.admin.kindFields', { kind: t(KIND_KEYS[draft.kind]) })}</legend>
        {draft.kind !== 'physical' && (
          <label class="field-check">
            <input
              type="checkbox"
              checked={draft.trackStock}
              onChange={(event) => set('trackStock', event.currentTarget.checked)}
            />
            {t('shop.admin.trackStock')}
          </label>
        )}
        {(draft.kind === 'physical' || draft.trackStock) && (
          <TextInput
            id="product-stock"
            label={t('shop.admin.stock')}
            value={draft.stock}
            onValue={(value) => set('stock', value)}
            error={byField.stock}
            inputMode="numeric"
          />
        )}
        {draft.kind === 'credit_pack' && (
          <TextInput
            id="product-credits"
            label={t('shop.admin.credits')}
            value={draft.credits}
            onValue={(value) => set('credits', value)}
            error={byField.credits}
            inputMode="numeric"
          />
        )}
        {draft.kind === 'plan' && (
          <>
            <div class="field">
              <label for="product-plan">{t('shop.admin.plan')}</label>
              <select
                id="product-plan"
                value={draft.plan}
                onChange={(event) => set('plan', event.currentTarget.value as Draft['plan'])}
              >
                <option value="pro">Pro</option>
                <option value="business">Business</option>
              </select>
              {byField.plan && <p class="field-error">{byField.plan}</p>}
            </div>
            <div class="field">
              <label for="product-interval">{t('shop.admin.interval')}</label>
              <select
                id="product-interval"
                value={draft.billingInterval}
                onChange={(event) =>
                  set('billingInterval', event.currentTarget.value as Draft['billingInterval'])
                }
              >
                <option value="month">{t('shop.pricing.month')}</option>
                <option value="year">{t('shop.pricing.year')}</option>
              </select>
              {byField.billingInterval && <p class="field-error">{byField.billingInterval}</p>}
            </div>
            <TextInput
              id="product-stripe"
              label={t('shop.admin.stripePrice')}
              value={draft.stripePriceId}
              onValue={(value) => set('stripePriceId', value)}
              error={byField.stripePriceId}
              maxLength={500}
            />
          </>
        )}
        {draft.kind === 'digital' && (
          <TextInput
            id="product-download"
            label={t('shop.admin.downloadKey')}
            hint={t('shop.admin.downloadHint')}
            value={draft.downloadKey}
            onValue={(value) => set('downloadKey', value)}
            error={byField.downloadKey}
            maxLength={500}
          />
        )}
      </fieldset>
      <label class="field-check">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(event) => set('active', event.currentTarget.checked)}
        />
        {t('shop.admin.onSale')}
      </label>
      <p class="actions">
        <button type="submit" class="button button-primary button-inline" disabled={pending}>
          {pending ? t('shop.saving') : product ? t('shop.admin.save') : t('shop.admin.create')}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          {t('shop.cancel')}
        </button>
      </p>
    </form>
  );
}

/** The product's images: upload one more, or delete one. */
function ImageManager({
  product,
  onChange,
}: {
  product: AdminProduct;
  onChange(imageUrls: string[]): void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setProblem(null);
    await attempt(action, setProblem);
    setBusy(false);
  }

  return (
    <section class="card" aria-labelledby="product-images-title">
      <h2 id="product-images-title">{t('shop.admin.images', { name: product.nameEn })}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      <ul class="shop-thumbs shop-admin-thumbs">
        {product.imageUrls.map((url, index) => (
          <li key={url}>
            <ProductImage
              url={url}
              alt={t('shop.imageOf', { name: product.nameEn, n: index + 1 })}
            />
            <button
              type="button"
              class="link-button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const imageId = url.slice(url.lastIndexOf('/') + 1);
                  await authed((token) => adminDeleteProductImage(token, product.id, imageId));
                  onChange(product.imageUrls.filter((other) => other !== url));
                })
              }
            >
              {t('shop.admin.deleteImage', { n: index + 1 })}
            </button>
          </li>
        ))}
      </ul>
      <div class="field">
        <label for="product-image">{t('shop.admin.upload')}</label>
        <input
          id="product-image"
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          disabled={busy}
          onChange={(event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            if (!file) return;
            void run(async () => {
              const stored = await authed((token) =>
                adminUploadProductImage(token, product.id, file),
              );
              onChange(stored.imageUrls);
            }).finally(() => {
              input.value = '';
            });
          }}
        />
      </div>
    </section>
  );
}

/** The catalog for administrators: every product, create and edit, on/off sale, images. */
export function AdminProductsPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<ProductStatusFilter>('all');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [products, setProducts] = useState<AdminProduct[] | null>(null);
  const [total, setTotal] = useState(0);
  const [categories, setCategories] = useState<Category[]>([]);
  const [editing, setEditing] = useState<AdminProduct | 'new' | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('shop.admin.productsTitle')} · WeBox`;
  }, [t]);

  useEffect(() => {
    void attempt(async () => setCategories(await listCategories(lang)), setProblem);
  }, [lang]);

  async function load() {
    await attempt(async () => {
      const page = await authed((token) =>
        adminListProducts(token, { status, q: query || undefined }, lang),
      );
      setProducts(page.items);
      setTotal(page.total);
    }, setProblem);
  }

  useEffect(() => {
    void load();
  }, [status, query, lang]);

  function replace(saved: AdminProduct) {
    setProducts((list) => {
      if (!list) return [saved];
      return list.some((item) => item.id === saved.id)
        ? list.map((item) => (item.id === saved.id ? saved : item))
        : [saved, ...list];
    });
  }

  async function setActive(product: AdminProduct, active: boolean) {
    setBusy(product.id);
    setProblem(null);
    setMessage(null);
    await attempt(async () => {
      const saved = await authed((token) => adminUpdateProduct(token, product.id, { active }));
      replace(saved);
      setMessage(
        t(active ? 'shop.admin.activated' : 'shop.admin.deactivated', { name: saved.nameEn }),
      );
    }, setProblem);
    setBusy(null);
  }

  const editedProduct = editing !== null && editing !== 'new' ? editing : null;

  return (
    <div class="page shop-page shop-admin">
      <h1 tabIndex={-1}>{t('shop.admin.productsTitle')}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
      {editing === null ? (
        <p>
          <button type="button" class="button" onClick={() => setEditing('new')}>
            {t('shop.admin.new')}
          </button>
        </p>
      ) : (
        <ProductForm
          key={editedProduct?.id ?? 'new'}
          product={editedProduct}
          categories={categories}
          onCancel={() => setEditing(null)}
          onSaved={(saved, created) => {
            replace(saved);
            setMessage(
              t(created ? 'shop.admin.created' : 'shop.admin.saved', { name: saved.nameEn }),
            );
            // A new product stays open so its images can be added at once.
            setEditing(created ? saved : null);
          }}
        />
      )}
      {editedProduct && (
        <ImageManager
          product={editedProduct}
          onChange={(imageUrls) => {
            const next = { ...editedProduct, imageUrls };
            setEditing(next);
            replace(next);
          }}
        />
      )}
      <form
        class="card toolbar"
        aria-label={t('shop.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(q.trim());
        }}
      >
        <div class="field">
          <label for="admin-products-q">{t('shop.search')}</label>
          <input
            id="admin-products-q"
            type="search"
            value={q}
            onInput={(event) => setQ(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="admin-products-status">{t('shop.admin.status')}</label>
          <select
            id="admin-products-status"
            value={status}
            onChange={(event) => setStatus(event.currentTarget.value as ProductStatusFilter)}
          >
            {(['all', 'active', 'inactive'] as const).map((value) => (
              <option key={value} value={value}>
                {t(STATUS_KEYS[value])}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button">
          {t('shop.searchButton')}
        </button>
      </form>
      {products === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <section class="card">
          <p class="muted">{t('shop.resultCount', { count: total })}</p>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('shop.admin.product')}</th>
                  <th scope="col">{t('shop.kind')}</th>
                  <th scope="col">{t('shop.admin.price')}</th>
                  <th scope="col">{t('shop.admin.stock')}</th>
                  <th scope="col">{t('shop.admin.sales')}</th>
                  <th scope="col">{t('shop.admin.status')}</th>
                  <th scope="col">{t('shop.admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {products.map((product) => (
                  <tr key={product.id} data-slug={product.slug}>
                    <td>
                      <strong>{product.nameEn}</strong>
                      <br />
                      <span class="muted">{product.nameFr}</span>
                      <br />
                      {product.active ? (
                        <Link href={productHref(product.slug)}>
                          <code>{product.slug}</code>
                        </Link>
                      ) : (
                        <code class="muted">{product.slug}</code>
                      )}
                    </td>
                    <td>{t(KIND_KEYS[product.kind])}</td>
                    <td>{formatMoney(product.priceMinor, product.currency, lang)}</td>
                    <td>{product.stock === null ? '—' : product.stock}</td>
                    <td>{product.salesCount}</td>
                    <td>
                      <span class={`badge${product.active ? ' badge-on' : ''}`}>
                        {t(
                          product.active
                            ? 'shop.admin.status.active'
                            : 'shop.admin.status.inactive',
                        )}
                      </span>
                    </td>
                    <td>
                      <span class="actions">
                        <button
                          type="button"
                          class="button"
                          aria-label={t('shop.admin.editNamed', { name: product.nameEn })}
                          onClick={() => {
                            setEditing(product);
                            window.scrollTo(0, 0);
                          }}
                        >
                          {t('shop.admin.edit')}
                        </button>
                        <button
                          type="button"
                          class="button"
                          disabled={busy !== null}
                          aria-label={t(
                            product.active
                              ? 'shop.admin.deactivateNamed'
                              : 'shop.admin.activateNamed',
                            { name: product.nameEn },
                          )}
                          onClick={() => void setActive(product, !product.active)}
                        >
                          {t(product.active ? 'shop.admin.deactivate' : 'shop.admin.activate')}
                        </button>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
