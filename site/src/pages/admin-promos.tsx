import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client';
import {
  adminCreatePromo,
  adminDeletePromo,
  adminListPromos,
  adminPromoStats,
  adminUpdatePromo,
  type Category,
  listCategories,
  PROMO_KINDS,
  type PromoCode,
  type PromoInput,
  type PromoKind,
} from '../api/shop';
import { authed } from '../auth';
import { ProblemAlert, splitFieldErrors } from '../components/form';
import {
  attempt,
  formatDate,
  formatMoney,
  minorToInput,
  parseMoney,
} from '../components/shop/shop';
import { type MessageKey, useI18n } from '../i18n';

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

/** An ISO date-time as a `datetime-local` value, in the browser's time zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
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
function inputOf(draft: Draft): { input: PromoInput } | { errors: Record<string, MessageKey> } {
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
      startsAt: draft.startsAt ? new Date(draft.startsAt).toISOString() : null,
      endsAt: draft.endsAt ? new Date(draft.endsAt).toISOString() : null,
      maxUses,
      perUserLimit,
      categoryIds: draft.categoryIds,
      active: draft.active,
    },
  };
}

function Input({
  id,
  label,
  value,
  onValue,
  error,
  hint,
  type = 'text',
  inputMode,
}: {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  error?: string;
  hint?: string;
  type?: 'text' | 'datetime-local';
  inputMode?: 'decimal' | 'numeric';
}) {
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  const attributes = {
    id,
    value,
    inputMode,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described || undefined,
    onInput: (event: Event) => onValue((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {type === 'datetime-local' ? (
        <input type="datetime-local" {...attributes} />
      ) : (
        <input type="text" {...attributes} />
      )}
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

function PromoForm({
  promo,
  categories,
  onSaved,
  onCancel,
}: {
  promo: PromoCode | null;
  categories: Category[];
  onSaved(promo: PromoCode, created: boolean): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(() => draftOf(promo));
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const split = splitFieldErrors(problem, FIELDS);
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
    setPending(true);
    await attempt(async () => {
      const saved = await authed((token) =>
        promo
          ? adminUpdatePromo(token, promo.id, checked.input)
          : adminCreatePromo(token, checked.input),
      );
      onSaved(saved, promo === null);
    }, setProblem);
    setPending(false);
  }

  const title = promo ? t('shop.promos.editNamed', { code: promo.code }) : t('shop.promos.new');
  return (
    <form class="card shop-admin-form" aria-label={title} onSubmit={(event) => void submit(event)}>
      <h2>{title}</h2>
      {problem && <ProblemAlert problem={problem} other={split.other} />}
      <div class="shop-form-grid">
        <Input
          id="promo-code-field"
          label={t('shop.promos.code')}
          hint={t('shop.promos.codeHint')}
          value={draft.code}
          onValue={(value) => set('code', value)}
          error={byField.code}
        />
        <div class="field">
          <label for="promo-kind">{t('shop.promos.kind')}</label>
          <select
            id="promo-kind"
            value={draft.kind}
            onChange={(event) => set('kind', event.currentTarget.value as PromoKind)}
          >
            {PROMO_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(PROMO_KIND_KEYS[kind])}
              </option>
            ))}
          </select>
        </div>
        {(draft.kind === 'percent' || draft.kind === 'fixed') && (
          <Input
            id="promo-value"
            label={t(draft.kind === 'percent' ? 'shop.promos.percent' : 'shop.promos.amount')}
            value={draft.value}
            onValue={(value) => set('value', value)}
            error={byField.value}
            inputMode={draft.kind === 'percent' ? 'numeric' : 'decimal'}
          />
        )}
        <Input
          id="promo-currency"
          label={t('shop.admin.currency')}
          value={draft.currency}
          onValue={(value) => set('currency', value)}
          error={byField.currency}
        />
        <Input
          id="promo-minimum"
          label={t('shop.promos.minimum')}
          value={draft.minSubtotal}
          onValue={(value) => set('minSubtotal', value)}
          error={byField.minSubtotalMinor}
          inputMode="decimal"
        />
        <Input
          id="promo-starts"
          type="datetime-local"
          label={t('shop.promos.starts')}
          value={draft.startsAt}
          onValue={(value) => set('startsAt', value)}
          error={byField.startsAt}
        />
        <Input
          id="promo-ends"
          type="datetime-local"
          label={t('shop.promos.ends')}
          value={draft.endsAt}
          onValue={(value) => set('endsAt', value)}
          error={byField.endsAt}
        />
        <Input
          id="promo-max-uses"
          label={t('shop.promos.maxUses')}
          hint={t('shop.promos.unlimitedHint')}
          value={draft.maxUses}
          onValue={(value) => set('maxUses', value)}
          error={byField.maxUses}
          inputMode="numeric"
        />
        <Input
          id="promo-per-user"
          label={t('shop.promos.perUser')}
          hint={t('shop.promos.unlimitedHint')}
          value={draft.perUserLimit}
          onValue={(value) => set('perUserLimit', value)}
          error={byField.perUserLimit}
          inputMode="numeric"
        />
      </div>
      {categories.length > 0 && (
        <fieldset class="shop-kind-fields">
          <legend>{t('shop.promos.scope')}</legend>
          <p class="field-hint">{t('shop.promos.scopeHint')}</p>
          {categories.map((category) => (
            <label key={category.id} class="field-check">
              <input
                type="checkbox"
                checked={draft.categoryIds.includes(category.id)}
                onChange={(event) =>
                  set(
                    'categoryIds',
                    event.currentTarget.checked
                      ? [...draft.categoryIds, category.id]
                      : draft.categoryIds.filter((id) => id !== category.id),
                  )
                }
              />
              {category.name}
            </label>
          ))}
        </fieldset>
      )}
      <label class="field-check">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(event) => set('active', event.currentTarget.checked)}
        />
        {t('shop.promos.active')}
      </label>
      <p class="actions">
        <button type="submit" class="button button-primary button-inline" disabled={pending}>
          {pending ? t('shop.saving') : promo ? t('shop.admin.save') : t('shop.admin.create')}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          {t('shop.cancel')}
        </button>
      </p>
    </form>
  );
}

function StatsPanel({ stats, onClose }: { stats: Stats; onClose(): void }) {
  const { t, lang } = useI18n();
  return (
    <section class="card" aria-labelledby="promo-stats-title">
      <h2 id="promo-stats-title">{t('shop.promos.statsOf', { code: stats.code })}</h2>
      <dl class="facts">
        <div>
          <dt>{t('shop.promos.uses')}</dt>
          <dd>{stats.maxUses === null ? stats.uses : `${stats.uses} / ${stats.maxUses}`}</dd>
        </div>
        <div>
          <dt>{t('shop.promos.remaining')}</dt>
          <dd>{stats.remaining === null ? t('shop.promos.unlimited') : stats.remaining}</dd>
        </div>
        <div>
          <dt>{t('shop.promos.discountGiven')}</dt>
          <dd>{formatMoney(stats.totalDiscountMinor, stats.currency, lang)}</dd>
        </div>
        <div>
          <dt>{t('shop.promos.orders')}</dt>
          <dd>
            {t('shop.promos.ordersPaid', { total: stats.orders.total, paid: stats.orders.paid })}
          </dd>
        </div>
        <div>
          <dt>{t('shop.promos.lastUsed')}</dt>
          <dd>{stats.lastRedeemedAt ? formatDate(stats.lastRedeemedAt, lang) : '—'}</dd>
        </div>
      </dl>
      <button type="button" class="button" onClick={onClose}>
        {t('shop.close')}
      </button>
    </section>
  );
}

/** Promo codes for administrators: create, edit, withdraw, delete unused ones, statistics. */
export function AdminPromosPage() {
  const { t, lang } = useI18n();
  const [promos, setPromos] = useState<PromoCode[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [editing, setEditing] = useState<PromoCode | 'new' | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('shop.promos.title')} · WeBox`;
  }, [t]);

  useEffect(() => {
    void attempt(async () => setPromos(await authed(adminListPromos)), setProblem);
  }, []);

  useEffect(() => {
    void attempt(async () => setCategories(await listCategories(lang)), setProblem);
  }, [lang]);

  async function run(id: string, action: () => Promise<void>) {
    setBusy(id);
    setProblem(null);
    setMessage(null);
    await attempt(action, setProblem);
    setBusy(null);
  }

  function replace(saved: PromoCode) {
    setPromos((list) =>
      list?.some((item) => item.id === saved.id)
        ? list.map((item) => (item.id === saved.id ? saved : item))
        : [saved, ...(list ?? [])],
    );
  }

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

  return (
    <div class="page shop-page shop-admin">
      <h1 tabIndex={-1}>{t('shop.promos.title')}</h1>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
      {editing === null ? (
        <p>
          <button type="button" class="button" onClick={() => setEditing('new')}>
            {t('shop.promos.new')}
          </button>
        </p>
      ) : (
        <PromoForm
          key={editing === 'new' ? 'new' : editing.id}
          promo={editing === 'new' ? null : editing}
          categories={categories}
          onCancel={() => setEditing(null)}
          onSaved={(saved, created) => {
            replace(saved);
            setEditing(null);
            setMessage(
              t(created ? 'shop.promos.created' : 'shop.promos.saved', { code: saved.code }),
            );
          }}
        />
      )}
      {stats && <StatsPanel stats={stats} onClose={() => setStats(null)} />}
      {promos === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : promos.length === 0 ? (
        <p class="card muted">{t('shop.promos.none')}</p>
      ) : (
        <section class="card">
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('shop.promos.code')}</th>
                  <th scope="col">{t('shop.promos.discount')}</th>
                  <th scope="col">{t('shop.promos.uses')}</th>
                  <th scope="col">{t('shop.promos.validity')}</th>
                  <th scope="col">{t('shop.admin.status')}</th>
                  <th scope="col">{t('shop.admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {promos.map((promo) => (
                  <tr key={promo.id} data-code={promo.code}>
                    <td>
                      <code>{promo.code}</code>
                    </td>
                    <td>
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
                    </td>
                    <td>
                      {promo.maxUses === null
                        ? promo.usesCount
                        : `${promo.usesCount} / ${promo.maxUses}`}
                    </td>
                    <td>
                      {promo.startsAt || promo.endsAt
                        ? `${promo.startsAt ? formatDate(promo.startsAt, lang, false) : '…'} → ${
                            promo.endsAt ? formatDate(promo.endsAt, lang, false) : '…'
                          }`
                        : t('shop.promos.always')}
                    </td>
                    <td>
                      <span class={`badge${promo.active ? ' badge-on' : ''}`}>
                        {t(
                          promo.active ? 'shop.admin.status.active' : 'shop.admin.status.inactive',
                        )}
                      </span>
                    </td>
                    <td>
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
                              const saved = await authed((token) =>
                                adminUpdatePromo(token, promo.id, { active: !promo.active }),
                              );
                              replace(saved);
                            })
                          }
                        >
                          {t(promo.active ? 'shop.admin.deactivate' : 'shop.admin.activate')}
                        </button>
                        {promo.usesCount === 0 && (
                          <button
                            type="button"
                            class="button button-danger"
                            disabled={busy !== null}
                            aria-label={t('shop.promos.deleteNamed', { code: promo.code })}
                            onClick={() =>
                              void run(promo.id, async () => {
                                await authed((token) => adminDeletePromo(token, promo.id));
                                setPromos(
                                  (list) => list?.filter((item) => item.id !== promo.id) ?? null,
                                );
                                setMessage(t('shop.promos.deleted', { code: promo.code }));
                              })
                            }
                          >
                            {t('shop.promos.delete')}
                          </button>
                        )}
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
