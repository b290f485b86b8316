import { useState } from 'preact/hooks';
import { type AdminModel, adminListModels, adminUpdateModel } from '../api/models';
import { authed } from '../auth';
import { type MessageKey, useI18n } from '../i18n';
import {
  attempt,
  type Column,
  DataTable,
  formatNumber,
  ProblemAlert,
  Toast,
  usePageTitle,
  useResource,
} from '../ui';
import { useRowActions } from '../ui/row-actions';

interface Draft {
  displayName: string;
  input: string;
  output: string;
}

/** Dollars per million tokens as typed, in micro-dollars; null when it is not a price. */
function toMicros(text: string): number | null {
  const value = Number(text.replace(',', '.'));
  if (!text.trim() || !Number.isFinite(value) || value < 0) return null;
  return Math.round(value * 1_000_000);
}

/** The two price columns: input and output tokens, per million, in dollars. */
const PRICE_COLUMNS = [
  {
    key: 'input',
    header: 'adminModels.input',
    label: 'adminModels.inputPrice',
    dollars: 'inputPriceDollars',
  },
  {
    key: 'output',
    header: 'adminModels.output',
    label: 'adminModels.outputPrice',
    dollars: 'outputPriceDollars',
  },
] as const satisfies ReadonlyArray<{
  key: 'input' | 'output';
  header: MessageKey;
  label: MessageKey;
  dollars: keyof AdminModel;
}>;

/** A price typed in a table cell, named by its aria-label (the column says what it is). */
function PriceInput({
  label,
  value,
  onValue,
}: {
  label: string;
  value: string;
  onValue(value: string): void;
}) {
  return (
    <input
      type="text"
      inputMode="decimal"
      class="price-input"
      aria-label={label}
      aria-invalid={toMicros(value) === null}
      value={value}
      onInput={(event) => onValue(event.currentTarget.value)}
    />
  );
}

/** The model registry for administrators: enable or disable a model, edit its name and prices. */
export function AdminModelsPage() {
  const { t, lang } = useI18n();
  usePageTitle(t('area.adminModels'));
  const models = useResource(() => authed(adminListModels), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>({ displayName: '', input: '', output: '' });
  const { problem, setProblem, message, setMessage } = useRowActions();
  const [saving, setSaving] = useState<string | null>(null);

  /** Saves a change to one model; false when it was refused (the problem is shown). */
  async function update(
    model: AdminModel,
    patch: Parameters<typeof adminUpdateModel>[2],
  ): Promise<boolean> {
    setSaving(model.id);
    setProblem(null);
    setMessage(null);
    const done = await attempt(async () => {
      const saved = await authed((token) => adminUpdateModel(token, model.id, patch));
      models.setData((list) => list?.map((item) => (item.id === saved.id ? saved : item)) ?? null);
      setMessage(t('adminModels.saved', { name: saved.displayName }));
      setEditing(null);
    }, setProblem);
    setSaving(null);
    return done;
  }

  /** Shows the new state at once (the checkbox must not flip back while saving). */
  async function toggle(model: AdminModel, enabled: boolean) {
    const replace = (value: boolean) =>
      models.setData(
        (list) =>
          list?.map((item) => (item.id === model.id ? { ...item, enabled: value } : item)) ?? null,
      );
    replace(enabled);
    if (!(await update(model, { enabled }))) replace(model.enabled);
  }

  const price = new Intl.NumberFormat(lang, {
    style: 'currency',
    currency: 'USD',
    maximumFractionDigits: 4,
  });
  const shownProblem = problem ?? models.problem;
  const inputMicros = toMicros(draft.input);
  const outputMicros = toMicros(draft.output);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.adminModels')}</h1>
      <p class="muted">{t('adminModels.intro')}</p>
      {shownProblem && <ProblemAlert problem={shownProblem} other={[]} />}
      {message && <Toast>{message}</Toast>}
      {models.data === null ? (
        !shownProblem && <p role="status">{t('app.loading')}</p>
      ) : (
        <section class="card">
          <DataTable
            caption={t('area.adminModels')}
            hideCaption
            rows={models.data}
            rowKey={(model) => model.id}
            columns={[
              {
                key: 'model',
                header: t('adminModels.model'),
                rowHeader: true,
                cell: (model) => (
                  <>
                    {editing === model.id ? (
                      <input
                        type="text"
                        aria-label={t('adminModels.displayName')}
                        value={draft.displayName}
                        maxLength={80}
                        onInput={(event) =>
                          setDraft({ ...draft, displayName: event.currentTarget.value })
                        }
                      />
                    ) : (
                      <strong>{model.displayName}</strong>
                    )}
                    <br />
                    <code class="muted">{model.slug}</code>
                  </>
                ),
              },
              {
                key: 'context',
                header: t('adminModels.context'),
                numeric: true,
                cell: (model) => formatNumber(model.contextWindow, lang),
              },
              ...PRICE_COLUMNS.map(
                (column): Column<AdminModel> => ({
                  key: column.key,
                  header: t(column.header),
                  numeric: true,
                  cell: (model) =>
                    editing === model.id ? (
                      <PriceInput
                        label={t(column.label, { name: model.displayName })}
                        value={draft[column.key]}
                        onValue={(value) => setDraft({ ...draft, [column.key]: value })}
                      />
                    ) : (
                      price.format(model[column.dollars])
                    ),
                }),
              ),
              {
                key: 'capabilities',
                header: t('adminModels.capabilities'),
                cell: (model) =>
                  [
                    model.offline && t('adminModels.offline'),
                    model.vision && t('adminModels.vision'),
                    model.tools && t('adminModels.tools'),
                  ]
                    .filter(Boolean)
                    .join(' · '),
              },
              {
                key: 'enabled',
                header: t('adminModels.enabled'),
                cell: (model) => (
                  <input
                    type="checkbox"
                    checked={model.enabled}
                    disabled={saving !== null}
                    aria-label={t('adminModels.enable', { name: model.displayName })}
                    onChange={(event) => void toggle(model, event.currentTarget.checked)}
                  />
                ),
              },
            ]}
            actions={(model) =>
              editing === model.id ? (
                <span class="actions">
                  <button
                    type="button"
                    class="button button-primary button-inline"
                    disabled={
                      saving !== null ||
                      inputMicros === null ||
                      outputMicros === null ||
                      !draft.displayName.trim()
                    }
                    onClick={() =>
                      void update(model, {
                        displayName: draft.displayName.trim(),
                        inputPriceMicros: inputMicros ?? model.inputPriceMicros,
                        outputPriceMicros: outputMicros ?? model.outputPriceMicros,
                      })
                    }
                  >
                    {t('adminModels.save')}
                  </button>
                  <button type="button" class="button" onClick={() => setEditing(null)}>
                    {t('adminModels.cancel')}
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  class="button"
                  disabled={saving !== null}
                  aria-label={t('adminModels.editNamed', { name: model.displayName })}
                  onClick={() => {
                    setEditing(model.id);
                    setDraft({
                      displayName: model.displayName,
                      input: String(model.inputPriceDollars),
                      output: String(model.outputPriceDollars),
                    });
                  }}
                >
                  {t('adminModels.edit')}
                </button>
              )
            }
          />
        </section>
      )}
    </div>
  );
}
