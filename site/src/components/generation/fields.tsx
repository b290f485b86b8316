import type { ComponentChildren } from 'preact';
import type { UserModel } from '../../api/chat';
import type { MediaImage, ProviderOption } from '../../api/generation';
import { type Lang, useI18n } from '../../i18n';
import { Field } from '../../ui/field';
import { formatTokenCost } from '../../ui/format';

/** A job's cost in dollars (micro-dollars in), as every cost in the site is written. */
export function formatCost(lang: Lang, micros: number): string {
  return formatTokenCost(micros, lang);
}

type Translate = ReturnType<typeof useI18n>['t'];

/** A provider's name in the UI language (the offline one is named by the site). */
export function providerName(t: Translate, option: ProviderOption): string {
  return option.offline ? t('generation.offlineProvider') : option.label;
}

/** "not configured — OPENAI_API_KEY or your own key", in the UI language. */
export function missingSetting(t: Translate, option: ProviderOption): string {
  const setting = option.setting ?? '';
  return t('generation.notConfigured', {
    setting: option.ownKey
      ? setting
        ? t('generation.settingOrOwnKey', { setting })
        : t('generation.ownKey')
      : setting,
  });
}

/**
 * The provider a form starts on: the offline one (free, always there), so that nothing is
 * billed until the person picks a paid provider themselves; else the first usable one.
 */
export function defaultProvider(options: readonly ProviderOption[]): string {
  return (
    options.find((option) => option.offline && option.configured)?.provider ??
    options.find((option) => option.configured)?.provider ??
    'offline'
  );
}

/**
 * The providers of one kind of media as radio buttons: each says whether it runs offline,
 * and one that is not configured is disabled with the setting that would enable it.
 */
export function ProviderPicker({
  name,
  legend,
  options,
  value,
  onValue,
  children,
}: {
  name: string;
  legend: string;
  options: readonly ProviderOption[];
  value: string;
  onValue: (provider: string) => void;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  return (
    <fieldset class="checks gen-providers">
      <legend>{legend}</legend>
      {options.length === 0 && <p class="muted">{t('generation.providers.none')}</p>}
      {options.map((option) => {
        const id = `${name}-${option.provider}`;
        return (
          <label
            key={option.provider}
            class={`gen-provider${option.configured ? '' : ' is-disabled'}`}
            for={id}
          >
            <input
              type="radio"
              id={id}
              name={name}
              value={option.provider}
              checked={value === option.provider}
              disabled={!option.configured}
              onChange={() => onValue(option.provider)}
            />
            <span class="gen-provider-label">{providerName(t, option)}</span>
            {option.offline && (
              <span class="badge gen-badge-offline">{t('generation.offline')}</span>
            )}
            {!option.configured && (
              <span class="gen-provider-missing">{missingSetting(t, option)}</span>
            )}
          </label>
        );
      })}
      {children}
    </fieldset>
  );
}

/** The model choice of the chosen provider, when it offers more than one. */
export function ProviderModelSelect({
  id,
  option,
  value,
  onValue,
}: {
  id: string;
  option: ProviderOption | undefined;
  value: string;
  onValue: (model: string) => void;
}) {
  const { t } = useI18n();
  if (!option || option.models.length < 2) return null;
  return (
    <Field
      kind="select"
      id={id}
      label={t('generation.model')}
      value={value || option.defaultModel}
      options={option.models.map((model) => ({ value: model, label: model }))}
      onValue={onValue}
    />
  );
}

/** The chat model an eBook, short or ad is written with; offline models are always usable. */
export function defaultChatModel(models: readonly UserModel[]): string {
  return (
    models.find((model) => model.slug === 'offline/offline-detailed')?.slug ??
    models.find((model) => model.offline)?.slug ??
    models.find((model) => model.availability !== 'not-configured')?.slug ??
    'offline/offline-detailed'
  );
}

/** The writing model select (GET /api/models). */
export function ChatModelSelect({
  id,
  models,
  value,
  onValue,
}: {
  id: string;
  models: readonly UserModel[];
  value: string;
  onValue: (slug: string) => void;
}) {
  const { t } = useI18n();
  const options =
    models.length === 0
      ? [{ value, label: value }]
      : models.map((model) => ({
          value: model.slug,
          label:
            model.availability === 'not-configured'
              ? t('generation.chatModel.missing', { name: model.displayName })
              : model.offline
                ? t('generation.chatModel.offline', { name: model.displayName })
                : model.displayName,
          disabled: model.availability === 'not-configured',
        }));
  return (
    <Field
      kind="select"
      id={id}
      label={t('generation.chatModel')}
      value={value}
      options={options}
      onValue={onValue}
    />
  );
}

/** An optional pick among the caller's images in the media library. */
export function MediaImageSelect({
  id,
  label,
  images,
  value,
  onValue,
}: {
  id: string;
  label: string;
  images: readonly MediaImage[];
  value: string;
  onValue: (mediaId: string) => void;
}) {
  const { t } = useI18n();
  const chosen = images.find((image) => image.id === value);
  return (
    <div class="gen-media-pick">
      <Field
        kind="select"
        id={id}
        label={label}
        value={value}
        options={[
          { value: '', label: t('generation.media.none') },
          ...images.map((image) => ({ value: image.id, label: image.name })),
        ]}
        onValue={onValue}
        hint={images.length === 0 ? t('generation.media.empty') : undefined}
      />
      {chosen?.url && <img class="gen-media-thumb" src={chosen.url} alt={chosen.name} />}
    </div>
  );
}

/** The provider radio group and, under it, the chosen provider's model (reset on a change). */
export function ProviderAndModel({
  kind,
  options,
  provider,
  onProvider,
  model,
  onModel,
}: {
  kind: string;
  options: readonly ProviderOption[];
  provider: string;
  onProvider: (provider: string) => void;
  model: string;
  onModel: (model: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <ProviderPicker
        name={`${kind}-provider`}
        legend={t('generation.provider')}
        options={options}
        value={provider}
        onValue={(next) => {
          onProvider(next);
          onModel('');
        }}
      />
      <ProviderModelSelect
        id={`${kind}-model`}
        option={options.find((candidate) => candidate.provider === provider)}
        value={model}
        onValue={onModel}
      />
    </>
  );
}
