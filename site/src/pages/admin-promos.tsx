import { useState } from 'preact/hooks';
import {
  adminCreatePromo,
  adminDeletePromo,
  adminListPromos,
  adminPromoStats,
  adminUpdatePromo,
  PROMO_KINDS,
  type PromoCode,
  type PromoInput,
  type PromoKind,
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
import { type MessageKey, useI18n } from '../i18n';
import {
  ConfirmAction,
  DataTable,
  Field,
  formatDate,
  formatMoney,
  fromLocalInput,
  toLocalInput,
  useResource,
} from '../ui';
import { Facts } from '../ui/facts';
import { useRowActions } from '../ui/row-actions';

const FIELDS = [
  'code',
  'kind',
  'value',
  'currency',
  'minSubtotalMinor',
  'startsAt',
  'endsAt',
  'maxUses',
  'perUserLimit',
  'categoryIds',
  'active',
] as const;

export const PROMO_KIND_KEYS: Record<PromoKind, MessageKey> = {
  percent: 'shop.promoKind.percent',
  fixed: 'shop.promoKind.fixed',
  free_shipping: 'shop.promoKind.free_shipping',
  bogo: 'shop.promoKind.bogo',
};

type Stats = Awaited<ReturnType<typeof adminPromoStats>>;

interface Draft {
  code: string;
  kind: PromoKind;
  value: string;
  currency: string;
  minSubtotal: string;
  startsAt: string;
  endsAt: string;
  maxUses: string;
  perUserLimit: string;
  categoryIds: string[];
  active: boolean;
}

function draftOf(promo: PromoCode | null): Draft {
  return {
    code: promo?.code ?? '',
    kind: promo?.kind ?? 'percent',
    value: promo ? (promo.kind === 'fixed' ? minorToInput(promo.value) : String(promo.value)) : '',
    currency: promo?.currency ?? 'EUR',
    minSubtotal: promo && promo.minSubtotalMinor > 0 ? minorToInput(promo.minSubtotalMinor) : '',
    startsAt: toLocalInput(promo?.startsAt ?? null),
    endsAt: toLocalInput(promo?.endsAt ?? null),
    maxUses: promo?.maxUses === null || promo?.maxUses === undefined ? '' : String(promo.maxUses),
    perUserLimit:
      promo?.perUserLimit === null || promo?.perUserLimit === undefined
        ? ''
        : String(promo.perUserLimit),
    categoryIds: promo?.categoryIds ?? [],
    active: promo?.active ?? true,
  };
}

const optionalWhole = (text: string): number | null | 'bad' =>
  !text.trim() ? null : /^\d+$/.test(text.trim()) ? Number(text.trim()) : 'bad';

/** The request body for a draft, or the fields typed in a way no request can carry. */
function inputOf(draft: Draft): Checked<PromoInput> {
  const errors: Record<string, MessageKey> = {};
  let value = 0;
  if (draft.kind === 'fixed') {
    const minor = parseMoney(draft.value);
    if (minor === null || Number.isNaN(minor)) errors.value = 'shop.admin.priceInvalid';
    else value = minor;
  } else if (draft.kind === 'percent') {
    const percent = optionalWhole(draft.value);
    if (percent === null || percent === 'bad') errors.value = 'shop.admin.wholeNumber';
    else value = percent;
  }
  const minimum = parseMoney(draft.minSubtotal);
  if (Number.isNaN(minimum)) errors.minSubtotalMinor = 'shop.admin.priceInvalid';
  const maxUses = optionalWhole(draft.maxUses);
  if (maxUses === 'bad') errors.maxUses = 'shop.admin.wholeNumber';
  const perUserLimit = optionalWhole(draft.perUserLimit);
  if (perUserLimit === 'bad') errors.perUserLimit = 'shop.admin.wholeNumber';
  if (Object.keys(errors).length > 0 || maxUses === 'bad' || perUserLimit === 'bad') {
    return { errors };
  }
  return {
    input: {
      code: draft.code.trim(),
      kind: draft.kind,
      value,
      currency: draft.currency.trim().toUpperCase(),
      minSubtotalMinor: minimum === null || Number.isNaN(minimum) ? 0 : minimum,
      startsAt: fromLocalInput(draft.startsAt),
      endsAt: fromLocalInput(draft.endsAt),
      maxUses,
      perUserLimit,
      categoryIds: draft.categoryIds,
      active: draft.active,
    },
  };
}

const SPEC = {
  draftOf,
  fields: FIELDS,
  check: inputOf,
  create: adminCreatePromo,
  update: adminUpdatePromo,
};

function PromoForm({ item: promo, categories, onSaved, onCancel }: EditorProps<PromoCode>) {
  const { t } = useI18n();
  const editor = useEditor(SPEC, promo, onSaved);
  const { draft, set, byField, text, select } = editor;
  const unlimited = t('shop.promos.unlimitedHint');

  return (
    <EditorForm
      title={promo ? t('shop.promos.editNamed', { code: promo.code }) : t('shop.promos.new')}
      editor={editor}
      activeLabel={t('shop.promos.active')}
      onCancel={onCancel}
    >
      <div class="shop-form-grid">
        {text('code', {
          id: 'promo-code-field',
          label: t('shop.promos.code'),
          error: byField.code,
          hint: t('shop.promos.codeHint'),
        })}
        {select('kind', {
          id: 'promo-kind',
          label: t('shop.promos.kind'),
          options: PROMO_KINDS.map((kind) => ({ value: kind, label: t(PROMO_KIND_KEYS[kind]) })),
        })}
        {(draft.kind === 'percent' || draft.kind === 'fixed') &&
          text('value', {
            id: 'promo-value',
            label: t(draft.kind === 'percent' ? 'shop.promos.percent' : 'shop.promos.amount'),
            error: byField.value,
            inputMode: draft.kind === 'percent' ? 'numeric' : 'decimal',
          })}
        {text('currency', {
          id: 'promo-currency',
          label: t('shop.admin.currency'),
          error: byField.currency,
        })}
        {text('minSubtotal', {
          id: 'promo-minimum',
          label: t('shop.promos.minimum'),
          error: byField.minSubtotalMinor,
          inputMode: 'decimal',
        })}
        {text('startsAt', {
          id: 'promo-starts',
          label: t('shop.promos.starts'),
          error: byField.startsAt,
          kind: 'datetime-local',
        })}
        {text('endsAt', {
          id: 'promo-ends',
          label: t('shop.promos.ends'),
          error: byField.endsAt,
          kind: 'datetime-local',
        })}
        {text('maxUses', {
          id: 'promo-max-uses',
          label: t('shop.promos.maxUses'),
          error: byField.maxUses,
          hint: unlimited,
          inputMode: 'numeric',
        })}
        {text('perUserLimit', {
          id: 'promo-per-user',
          label: t('shop.promos.perUser'),
          error: byField.perUserLimit,
          hint: unlimited,
          inputMode: 'numeric',
        })}
      </div>
      {categories.length > 0 && (
        <fieldset class="shop-kind-fields">
          <legend>{t('shop.promos.scope')}</legend>
          <p class="field-hint">{t('shop.promos.scopeHint')}</p>
          {categories.map((category) => (
            <Field
              key={category.id}
              id={`promo-category-${category.id}`}
              kind="checkbox"
              label={category.name}
              checked={draft.categoryIds.includes(category.id)}
              onChecked={(checked) =>
                set(
                  'categoryIds',
                  checked
                    ? [...draft.categoryIds, category.id]
                    : draft.categoryIds.filter((id) => id !== category.id),
                )
              }
            />
          ))}
        </fieldset>
      )}
    </EditorForm>
  );
}

function StatsPanel({ stats, onClose }: { stats: Stats; onClose(): void }) {
  const { t, lang } = useI18n();
  return (
    <section class="card" aria-labelledby="promo-stats-title">
      <h2 id="promo-stats-title">{t('shop.promos.statsOf', { code: stats.code })}</h2>
      <Facts
        items={[
          {
            label: t('shop.promos.uses'),
            value: stats.maxUses === null ? stats.uses : `${stats.uses} / ${stats.maxUses}`,
          },
          {
            label: t('shop.promos.remaining'),
            value: stats.remaining === null ? t('shop.promos.unlimited') : stats.remaining,
          },
          {
            label: t('shop.promos.discountGiven'),
            value: formatMoney(stats.totalDiscountMinor, stats.currency, lang),
          },
          {
            label: t('shop.promos.orders'),
            value: t('shop.promos.ordersPaid', {
              total: stats.orders.total,
              paid: stats.orders.paid,
            }),
          },
          {
            label: t('shop.promos.lastUsed'),
            value: stats.lastRedeemedAt ? formatDate(stats.lastRedeemedAt, lang) : '—',
          },
        ]}
      />
      <button type="button" class="button" onClick={onClose}>
        {t('shop.close')}
      </button>
    </section>
  );
}

/** Promo codes for administrators: create, edit, withdraw, delete unused ones, statistics. */
export function AdminPromosPage() {
  const { t, lang } = useI18n();
  const promos = useResource(() => authed(adminListPromos), []);
  const [editing, setEditing] = useState<PromoCode | 'new' | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const actions = useRowActions();
  const { busy, run } = actions;
  const problem = actions.problem ?? promos.problem;

  const replace = (saved: PromoCode) => promos.setData((list) => replaced(list, saved));

  const describe = (promo: PromoCode) => {
    switch (promo.kind) {
      case 'percent':
        return `−${promo.value} %`;
      case 'fixed':
        return `−${formatMoney(promo.value, promo.currency, lang)}`;
      default:
        return t(PROMO_KIND_KEYS[promo.kind]);
    }
  };
  const day = (iso: string | null) => (iso ? formatDate(iso, lang, false) : '…');

  return (
    <AdminEditorPage
      title={t('shop.promos.title')}
      problem={problem}
      message={actions.message}
      newLabel={t('shop.promos.new')}
      editing={editing}
      onEdit={setEditing}
      Form={PromoForm}
      onSaved={(saved, created) => {
        replace(saved);
        actions.setMessage(
          t(created ? 'shop.promos.created' : 'shop.promos.saved', { code: saved.code }),
        );
        return null;
      }}
    >
      {stats && <StatsPanel stats={stats} onClose={() => setStats(null)} />}
      {promos.data === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <section class="card">
          <DataTable
            caption={t('shop.promos.title')}
            hideCaption
            rows={promos.data}
            rowKey={(promo) => promo.id}
            empty={t('shop.promos.none')}
            columns={[
              {
                key: 'code',
                header: t('shop.promos.code'),
                rowHeader: true,
                cell: (promo) => <code>{promo.code}</code>,
              },
              {
                key: 'discount',
                header: t('shop.promos.discount'),
                cell: (promo) => (
                  <>
                    {describe(promo)}
                    {promo.minSubtotalMinor > 0 && (
                      <>
                        <br />
                        <span class="muted">
                          {t('shop.promos.from', {
                            amount: formatMoney(promo.minSubtotalMinor, promo.currency, lang),
                          })}
                        </span>
                      </>
                    )}
                  </>
                ),
              },
              {
                key: 'uses',
                header: t('shop.promos.uses'),
                cell: (promo) =>
                  promo.maxUses === null
                    ? promo.usesCount
                    : `${promo.usesCount} / ${promo.maxUses}`,
              },
              {
                key: 'validity',
                header: t('shop.promos.validity'),
                cell: (promo) =>
                  promo.startsAt || promo.endsAt
                    ? `${day(promo.startsAt)} → ${day(promo.endsAt)}`
                    : t('shop.promos.always'),
              },
              {
                key: 'status',
                header: t('shop.admin.status'),
                cell: (promo) => <ActiveBadge active={promo.active} />,
              },
            ]}
            actions={(promo) => (
              <span class="actions">
                <button
                  type="button"
                  class="button"
                  aria-label={t('shop.promos.editNamed', { code: promo.code })}
                  onClick={() => setEditing(promo)}
                >
                  {t('shop.admin.edit')}
                </button>
                <button
                  type="button"
                  class="button"
                  disabled={busy !== null}
                  aria-label={t('shop.promos.statsOf', { code: promo.code })}
                  onClick={() =>
                    void run(promo.id, async () => {
                      setStats(await authed((token) => adminPromoStats(token, promo.id)));
                    })
                  }
                >
                  {t('shop.promos.stats')}
                </button>
                <button
                  type="button"
                  class="button"
                  disabled={busy !== null}
                  onClick={() =>
                    void run(promo.id, async () => {
                      replace(
                        await authed((token) =>
                          adminUpdatePromo(token, promo.id, { active: !promo.active }),
                        ),
                      );
                    })
                  }
                >
                  {t(promo.active ? 'shop.admin.deactivate' : 'shop.admin.activate')}
                </button>
                {promo.usesCount === 0 && (
                  <ConfirmAction
                    label={t('shop.promos.delete')}
                    ariaLabel={t('shop.promos.deleteNamed', { code: promo.code })}
                    question={t('shop.promos.deleteQuestion', { code: promo.code })}
                    confirmLabel={t('shop.promos.delete')}
                    disabled={busy !== null}
                    onConfirm={() =>
                      run(promo.id, async () => {
                        await authed((token) => adminDeletePromo(token, promo.id));
                        promos.setData(
                          (list) => list?.filter((item) => item.id !== promo.id) ?? null,
                        );
                        actions.setMessage(t('shop.promos.deleted', { code: promo.code }));
                      })
                    }
                  />
                )}
              </span>
            )}
          />
        </section>
      )}
    </AdminEditorPage>
  );
}
