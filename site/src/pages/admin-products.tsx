import { useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  type AdminProduct,
  adminCreateProduct,
  adminDeleteProductImage,
  adminListProducts,
  adminUpdateProduct,
  adminUploadProductImage,
  PRODUCT_KINDS,
  type ProductInput,
  type ProductKind,
  type ProductStatusFilter,
} from '../api/shop';
import { authed } from '../auth';
import {
  ActiveBadge,
  AdminEditorPage,
  type Checked,
  EditorForm,
  type EditorProps,
  replaced,
  useEditor,
} from '../components/shop/admin-editor';
import { minorToInput, parseMoney } from '../components/shop/shop';
import { KIND_KEYS, ProductImage, productHref } from '../components/shop/widgets';
import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';
import {
  attempt,
  DataTable,
  Field,
  FilterBar,
  formatMoney,
  ProblemAlert,
  useResource,
} from '../ui';
import { useRowActions } from '../ui/row-actions';

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
function inputOf(draft: Draft): Checked<ProductInput> {
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

const SPEC = {
  draftOf,
  fields: FIELDS,
  check: inputOf,
  create: adminCreateProduct,
  update: adminUpdateProduct,
};

/** Creates a product (no `item`) or edits one, with the fields its kind needs. */
function ProductForm({ item: product, categories, onSaved, onCancel }: EditorProps<AdminProduct>) {
  const { t } = useI18n();
  const editor = useEditor(SPEC, product, onSaved);
  const { draft, set, byField, text, select } = editor;

  return (
    <EditorForm
      title={product ? t('shop.admin.editNamed', { name: product.nameEn }) : t('shop.admin.new')}
      editor={editor}
      activeLabel={t('shop.admin.onSale')}
      onCancel={onCancel}
    >
      <div class="shop-form-grid">
        {text('slug', {
          id: 'product-slug',
          label: t('shop.admin.slug'),
          error: byField.slug,
          hint: t('shop.admin.slugHint'),
          required: true,
          maxLength: 80,
        })}
        {select('kind', {
          id: 'product-kind',
          label: t('shop.kind'),
          options: PRODUCT_KINDS.map((kind) => ({ value: kind, label: t(KIND_KEYS[kind]) })),
        })}
        {select('categoryId', {
          id: 'product-category',
          label: t('shop.category'),
          error: byField.categoryId,
          options: [
            { value: '', label: t('shop.admin.noCategory') },
            ...categories.map((category) => ({ value: category.id, label: category.name })),
          ],
        })}
        {text('nameFr', {
          id: 'product-nameFr',
          label: t('shop.admin.nameFr'),
          error: byField.nameFr,
          required: true,
          maxLength: 200,
        })}
        {text('nameEn', {
          id: 'product-nameEn',
          label: t('shop.admin.nameEn'),
          error: byField.nameEn,
          required: true,
          maxLength: 200,
        })}
        {text('price', {
          id: 'product-price',
          label: t('shop.admin.price'),
          error: byField.priceMinor,
          hint: t('shop.admin.priceHint'),
          inputMode: 'decimal',
          required: true,
        })}
        {text('currency', {
          id: 'product-currency',
          label: t('shop.admin.currency'),
          error: byField.currency,
          maxLength: 3,
        })}
        {text('vat', {
          id: 'product-vat',
          label: t('shop.admin.vat'),
          error: byField.taxRateBps,
          inputMode: 'decimal',
        })}
      </div>
      {(['descriptionFr', 'descriptionEn'] as const).map((key) => (
        <Field
          key={key}
          id={`product-${key}`}
          kind="textarea"
          label={t(
            key === 'descriptionFr' ? 'shop.admin.descriptionFr' : 'shop.admin.descriptionEn',
          )}
          rows={4}
          maxLength={10_000}
          value={draft[key]}
          onValue={(value) => set(key, value)}
          error={byField[key]}
        />
      ))}
      <fieldset class="shop-kind-fields">
        <legend>{t('shop.admin.kindFields', { kind: t(KIND_KEYS[draft.kind]) })}</legend>
        {draft.kind !== 'physical' && (
          <Field
            id="product-track-stock"
            kind="checkbox"
            label={t('shop.admin.trackStock')}
            checked={draft.trackStock}
            onChecked={(checked) => set('trackStock', checked)}
          />
        )}
        {(draft.kind === 'physical' || draft.trackStock) &&
          text('stock', {
            id: 'product-stock',
            label: t('shop.admin.stock'),
            error: byField.stock,
            inputMode: 'numeric',
          })}
        {draft.kind === 'credit_pack' &&
          text('credits', {
            id: 'product-credits',
            label: t('shop.admin.credits'),
            error: byField.credits,
            inputMode: 'numeric',
          })}
        {draft.kind === 'plan' && (
          <>
            {select('plan', {
              id: 'product-plan',
              label: t('shop.admin.plan'),
              error: byField.plan,
              options: [
                { value: 'pro', label: 'Pro' },
                { value: 'business', label: 'Business' },
              ],
            })}
            {select('billingInterval', {
              id: 'product-interval',
              label: t('shop.admin.interval'),
              error: byField.billingInterval,
              options: [
                { value: 'month', label: t('shop.pricing.month') },
                { value: 'year', label: t('shop.pricing.year') },
              ],
            })}
            {text('stripePriceId', {
              id: 'product-stripe',
              label: t('shop.admin.stripePrice'),
              error: byField.stripePriceId,
              maxLength: 500,
            })}
          </>
        )}
        {draft.kind === 'digital' &&
          text('downloadKey', {
            id: 'product-download',
            label: t('shop.admin.downloadKey'),
            hint: t('shop.admin.downloadHint'),
            error: byField.downloadKey,
            maxLength: 500,
          })}
      </fieldset>
    </EditorForm>
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
  const [editing, setEditing] = useState<AdminProduct | 'new' | null>(null);
  const actions = useRowActions();
  const products = useResource(
    () => authed((token) => adminListProducts(token, { status, q: query || undefined }, lang)),
    [status, query, lang],
  );

  function replace(saved: AdminProduct) {
    products.setData((page) => page && { ...page, items: replaced(page.items, saved) });
  }

  const editedProduct = editing !== null && editing !== 'new' ? editing : null;
  const problem = actions.problem ?? products.problem;

  return (
    <AdminEditorPage
      title={t('shop.admin.productsTitle')}
      problem={problem}
      message={actions.message}
      newLabel={t('shop.admin.new')}
      editing={editing}
      onEdit={setEditing}
      Form={ProductForm}
      onSaved={(saved, created) => {
        replace(saved);
        actions.setMessage(
          t(created ? 'shop.admin.created' : 'shop.admin.saved', { name: saved.nameEn }),
        );
        // A new product stays open so its images can be added at once.
        return created ? saved : null;
      }}
    >
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
      <FilterBar
        label={t('shop.filters')}
        applyLabel={t('shop.searchButton')}
        onApply={() => setQuery(q.trim())}
      >
        <Field
          id="admin-products-q"
          kind="search"
          label={t('shop.search')}
          value={q}
          onValue={setQ}
        />
        <Field<ProductStatusFilter>
          id="admin-products-status"
          kind="select"
          label={t('shop.admin.status')}
          value={status}
          onValue={setStatus}
          options={(['all', 'active', 'inactive'] as const).map((value) => ({
            value,
            label: t(STATUS_KEYS[value]),
          }))}
        />
      </FilterBar>
      {products.data === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <section class="card">
          <p class="muted">{t('shop.resultCount', { count: products.data.total })}</p>
          <DataTable
            caption={t('shop.admin.productsTitle')}
            hideCaption
            rows={products.data.items}
            rowKey={(product) => product.id}
            columns={[
              {
                key: 'product',
                header: t('shop.admin.product'),
                rowHeader: true,
                cell: (product) => (
                  <>
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
                  </>
                ),
              },
              {
                key: 'kind',
                header: t('shop.kind'),
                cell: (product) => t(KIND_KEYS[product.kind]),
              },
              {
                key: 'price',
                header: t('shop.admin.price'),
                numeric: true,
                cell: (product) => formatMoney(product.priceMinor, product.currency, lang),
              },
              {
                key: 'stock',
                header: t('shop.admin.stock'),
                numeric: true,
                cell: (product) => (product.stock === null ? '—' : product.stock),
              },
              {
                key: 'sales',
                header: t('shop.admin.sales'),
                numeric: true,
                cell: (product) => product.salesCount,
              },
              {
                key: 'status',
                header: t('shop.admin.status'),
                cell: (product) => <ActiveBadge active={product.active} />,
              },
            ]}
            actions={(product) => (
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
                  disabled={actions.busy !== null}
                  aria-label={t(
                    product.active ? 'shop.admin.deactivateNamed' : 'shop.admin.activateNamed',
                    { name: product.nameEn },
                  )}
                  onClick={() =>
                    void actions.run(product.id, async () => {
                      const active = !product.active;
                      const saved = await authed((token) =>
                        adminUpdateProduct(token, product.id, { active }),
                      );
                      replace(saved);
                      actions.setMessage(
                        t(active ? 'shop.admin.activated' : 'shop.admin.deactivated', {
                          name: saved.nameEn,
                        }),
                      );
                    })
                  }
                >
                  {t(product.active ? 'shop.admin.deactivate' : 'shop.admin.activate')}
                </button>
              </span>
            )}
          />
        </section>
      )}
    </AdminEditorPage>
  );
}
