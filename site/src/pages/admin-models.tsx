import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import { type AdminModel, adminListModels, adminUpdateModel } from '../api/models';
import { authed } from '../auth';
import { ProblemAlert } from '../components/form';
import { useI18n } from '../i18n';

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

/** The model registry for administrators: enable or disable a model, edit its name and prices. */
export function AdminModelsPage() {
  const { t, lang } = useI18n();
  const [models, setModels] = useState<AdminModel[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>({ displayName: '', input: '', output: '' });
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('area.adminModels')} · WeBox`;
  }, [t]);

  useEffect(() => {
    authed(adminListModels).then(setModels, (error: unknown) => {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    });
  }, []);

  /** Saves a change to one model; false when it was refused (the problem is shown). */
  async function update(
    model: AdminModel,
    patch: Parameters<typeof adminUpdateModel>[2],
  ): Promise<boolean> {
    setBusy(model.id);
    setProblem(null);
    setMessage(null);
    try {
      const saved = await authed((token) => adminUpdateModel(token, model.id, patch));
      setModels((list) => list?.map((item) => (item.id === saved.id ? saved : item)) ?? null);
      setMessage(t('adminModels.saved', { name: saved.displayName }));
      setEditing(null);
      return true;
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
      return false;
    } finally {
      setBusy(null);
    }
  }

  /** Shows the new state at once (the checkbox must not flip back while saving). */
  async function toggle(model: AdminModel, enabled: boolean) {
    const replace = (value: boolean) =>
      setModels(
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
  const number = new Intl.NumberFormat(lang);

  return (
    <div class="page">
      <h1 tabIndex={-1}>{t('area.adminModels')}</h1>
      <p class="muted">{t('adminModels.intro')}</p>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {message && (
        <p class="alert alert-info" role="status">
          {message}
        </p>
      )}
      {models === null ? (
        !problem && <p role="status">{t('app.loading')}</p>
      ) : (
        <section class="card">
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('adminModels.model')}</th>
                  <th scope="col">{t('adminModels.context')}</th>
                  <th scope="col">{t('adminModels.input')}</th>
                  <th scope="col">{t('adminModels.output')}</th>
                  <th scope="col">{t('adminModels.capabilities')}</th>
                  <th scope="col">{t('adminModels.enabled')}</th>
                  <th scope="col">{t('adminModels.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {models.map((model) => {
                  const isEditing = editing === model.id;
                  const inputMicros = toMicros(draft.input);
                  const outputMicros = toMicros(draft.output);
                  return (
                    <tr key={model.id}>
                      <td>
                        {isEditing ? (
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
                      </td>
                      <td>{number.format(model.contextWindow)}</td>
                      <td>
                        {isEditing ? (
                          <input
                            type="text"
                            inputMode="decimal"
                            class="price-input"
                            aria-label={t('adminModels.inputPrice', { name: model.displayName })}
                            aria-invalid={inputMicros === null}
                            value={draft.input}
                            onInput={(event) =>
                              setDraft({ ...draft, input: event.currentTarget.value })
                            }
                          />
                        ) : (
                          price.format(model.inputPriceDollars)
                        )}
                      </td>
                      <td>
                        {isEditing ? (
                          <input
                            type="text"
                            inputMode="decimal"
                            class="price-input"
                            aria-label={t('adminModels.outputPrice', { name: model.displayName })}
                            aria-invalid={outputMicros === null}
                            value={draft.output}
                            onInput={(event) =>
                              setDraft({ ...draft, output: event.currentTarget.value })
                            }
                          />
                        ) : (
                          price.format(model.outputPriceDollars)
                        )}
                      </td>
                      <td>
                        {[
                          model.offline && t('adminModels.offline'),
                          model.vision && t('adminModels.vision'),
                          model.tools && t('adminModels.tools'),
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          checked={model.enabled}
                          disabled={busy !== null}
                          aria-label={t('adminModels.enable', { name: model.displayName })}
                          onChange={(event) => void toggle(model, event.currentTarget.checked)}
                        />
                      </td>
                      <td>
                        {isEditing ? (
                          <span class="actions">
                            <button
                              type="button"
                              class="button button-primary button-inline"
                              disabled={
                                busy !== null ||
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
                            disabled={busy !== null}
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
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
