import { useState } from 'preact/hooks';
import type { UserModel } from '../../api/chat';
import type {
  JobKind,
  JobRequest,
  MediaImage,
  ProviderOption,
  Providers,
} from '../../api/generation';
import type { Product } from '../../api/shop';
import { type Lang, useI18n } from '../../i18n';
import { Field, type FieldOption } from '../../ui';
import {
  ChatModelSelect,
  defaultChatModel,
  defaultProvider,
  MediaImageSelect,
  missingSetting,
  ProviderAndModel,
  ProviderPicker,
  providerName,
} from './fields';

/** What every generation form is given. */
export interface FormContext {
  providers: Providers;
  models: readonly UserModel[];
  images: readonly MediaImage[];
  products: readonly Product[];
  /** Sends the request; resolves once the job is created (or the attempt failed). */
  submit: (input: JobRequest) => Promise<void>;
  pending: boolean;
}

type Translate = ReturnType<typeof useI18n>['t'];
type Request<K extends JobKind> = Extract<JobRequest, { kind: K }>;
/** A request field's values (the optional ones too). */
type Option<K extends JobKind, F extends keyof Request<K>> = NonNullable<Request<K>[F]>;
type ImageProvider = Request<'image'>['provider'];
type SpeechProvider = Request<'audio'>['provider'];
type VideoProvider = Request<'video'>['provider'];

type Values = Record<string, string | number | boolean>;
type Key<V> = keyof V & string;

/**
 * One control of a form, as data: the shell below renders it and keeps its value under `key`.
 * `id` is the control's id and name (the radio group's name for `provider` and `radios`).
 */
type Control<V> =
  | { type: 'text'; id: string; key: Key<V>; label: string; maxLength: number; required?: boolean }
  | {
      type: 'textarea';
      id: string;
      key: Key<V>;
      label: string;
      maxLength: number;
      required?: boolean;
      rows?: number;
    }
  | {
      type: 'number';
      id: string;
      key: Key<V>;
      label: string;
      min: number;
      max: number;
      step?: number;
    }
  | { type: 'select'; id: string; key: Key<V>; label: string; options: readonly FieldOption[] }
  | { type: 'checkbox'; id: string; key: Key<V>; label: string }
  | { type: 'image'; id: string; key: Key<V>; label: string }
  | { type: 'chatModel'; id: string; key: Key<V> }
  | {
      type: 'provider';
      id: string;
      key: Key<V>;
      legend: string;
      options: readonly ProviderOption[];
    }
  /** The provider radio group and its model select, kept under `provider` and `model`. */
  | { type: 'providerAndModel'; id: string; options: readonly ProviderOption[] }
  | { type: 'radios'; id: string; key: Key<V>; legend: string; options: readonly FieldOption[] }
  /** Pressed buttons; picking one may reset other values (`reset`). */
  | {
      type: 'segmented';
      id: string;
      key: Key<V>;
      legend: string;
      options: readonly FieldOption[];
      reset?: (value: string) => Partial<V>;
    }
  | { type: 'grid'; id: string; controls: ReadonlyArray<Control<V> | false> };

/** A kind's form as data: its first values, its controls (given the values), its request. */
interface KindForm<V extends Values> {
  initial(context: FormContext, lang: Lang): V;
  controls(values: V, context: FormContext, t: Translate): ReadonlyArray<Control<V> | false>;
  build(values: V): JobRequest;
}

const bookLanguage = (lang: Lang): 'fr' | 'en' => lang;
/** `{ key: value }` when the text is not blank, else nothing (for optional request fields). */
const optional = <K extends string>(key: K, value: string) =>
  (value.trim() ? { [key]: value.trim() } : {}) as Partial<Record<K, string>>;

const aspectOptions = (t: Translate) => [
  { value: '16:9', label: t('generation.aspect.landscape') },
  { value: '9:16', label: t('generation.aspect.portrait') },
  { value: '1:1', label: t('generation.aspect.square') },
];

const languageOptions = (t: Translate) => [
  { value: 'fr', label: t('generation.language.fr') },
  { value: 'en', label: t('generation.language.en') },
];

const DURATIONS = ['15', '30', '60'] as const;
const durationOptions = (t: Translate) =>
  DURATIONS.map((value) => ({ value, label: t('generation.seconds', { n: value }) }));

const TONES = ['informative', 'friendly', 'professional', 'inspiring', 'humorous'] as const;
const SPEECH_LANGUAGES = ['fr-FR', 'en-US', 'en-GB', 'es-ES', 'de-DE', 'it-IT'] as const;
const AUDIO_MODES = ['speech', 'music', 'sfx'] as const;

function providerText(t: Translate, option: ProviderOption): string {
  const name = providerName(t, option);
  if (!option.configured) return `${name} — ${missingSetting(t, option)}`;
  return option.offline ? `${name} (${t('generation.offline')})` : name;
}

/** Image: prompt and options, or variations of one of the caller's images. */
const image: KindForm<{
  provider: string;
  model: string;
  prompt: string;
  negativePrompt: string;
  size: Option<'image', 'size'>;
  quality: Option<'image', 'quality'>;
  style: Option<'image', 'style'>;
  n: number;
  source: string;
}> = {
  initial: ({ providers }) => ({
    provider: defaultProvider(providers.image),
    model: '',
    prompt: '',
    negativePrompt: '',
    size: '1024x1024',
    quality: 'standard',
    style: 'vivid',
    n: 1,
    source: '',
  }),
  controls: (_values, { providers }, t) => [
    { type: 'providerAndModel', id: 'image', options: providers.image },
    {
      type: 'textarea',
      id: 'image-prompt',
      key: 'prompt',
      label: t('generation.image.prompt'),
      required: true,
      maxLength: 4000,
    },
    {
      type: 'text',
      id: 'image-negative',
      key: 'negativePrompt',
      label: t('generation.image.negative'),
      maxLength: 2000,
    },
    {
      type: 'grid',
      id: 'image-grid',
      controls: [
        {
          type: 'select',
          id: 'image-size',
          key: 'size',
          label: t('generation.image.size'),
          options: [
            { value: '1024x1024', label: t('generation.image.size.square') },
            { value: '1536x1024', label: t('generation.image.size.landscape') },
            { value: '1024x1536', label: t('generation.image.size.portrait') },
          ],
        },
        {
          type: 'select',
          id: 'image-quality',
          key: 'quality',
          label: t('generation.image.quality'),
          options: [
            { value: 'standard', label: t('generation.image.quality.standard') },
            { value: 'hd', label: t('generation.image.quality.hd') },
          ],
        },
        {
          type: 'select',
          id: 'image-style',
          key: 'style',
          label: t('generation.image.style'),
          options: [
            { value: 'vivid', label: t('generation.image.style.vivid') },
            { value: 'natural', label: t('generation.image.style.natural') },
          ],
        },
        { type: 'number', id: 'image-n', key: 'n', label: t('generation.image.n'), min: 1, max: 4 },
      ],
    },
    { type: 'image', id: 'image-source', key: 'source', label: t('generation.image.source') },
  ],
  build: ({ provider, model, negativePrompt, source, ...rest }) => ({
    kind: 'image',
    provider: provider as ImageProvider,
    ...(model ? { model } : {}),
    ...rest,
    ...(negativePrompt.trim() ? { negativePrompt } : {}),
    ...(source ? { sourceMediaId: source } : {}),
  }),
};

/** Audio: speech from a text, or music and sound effects from a description. */
const audio: KindForm<{
  mode: Option<'audio', 'mode'>;
  provider: string;
  model: string;
  text: string;
  voice: string;
  language: string;
  format: Option<'audio', 'format'>;
  speed: number;
  duration: number;
}> = {
  initial: ({ providers }, lang) => ({
    mode: 'speech',
    provider: defaultProvider(providers.speech),
    model: '',
    text: '',
    voice: '',
    language: lang === 'fr' ? 'fr-FR' : 'en-US',
    format: 'mp3',
    speed: 1,
    duration: 10,
  }),
  controls: ({ mode }, { providers }, t) => {
    const speech = mode === 'speech';
    return [
      {
        type: 'segmented',
        id: 'audio-mode',
        key: 'mode',
        legend: t('generation.audio.mode'),
        options: AUDIO_MODES.map((value) => ({
          value,
          label: t(`generation.audio.mode.${value}`),
        })),
        reset: (next) => ({
          provider: defaultProvider(next === 'speech' ? providers.speech : providers.music),
          model: '',
        }),
      },
      {
        type: 'providerAndModel',
        id: 'audio',
        options: speech ? providers.speech : providers.music,
      },
      {
        type: 'textarea',
        id: 'audio-text',
        key: 'text',
        label: t(`generation.audio.text.${mode}`),
        required: true,
        maxLength: 4000,
        rows: speech ? 5 : 3,
      },
      {
        type: 'grid',
        id: 'audio-grid',
        controls: [
          speech && {
            type: 'text',
            id: 'audio-voice',
            key: 'voice',
            label: t('generation.audio.voice'),
            maxLength: 80,
          },
          {
            type: 'select',
            id: 'audio-language',
            key: 'language',
            label: t('generation.language'),
            options: SPEECH_LANGUAGES.map((code) => ({ value: code, label: code })),
          },
          {
            type: 'select',
            id: 'audio-format',
            key: 'format',
            label: t('generation.audio.format'),
            options: [
              { value: 'mp3', label: 'MP3' },
              { value: 'wav', label: 'WAV' },
              { value: 'opus', label: 'Opus' },
            ],
          },
          speech
            ? {
                type: 'number',
                id: 'audio-speed',
                key: 'speed',
                label: t('generation.audio.speed'),
                min: 0.5,
                max: 2,
                step: 0.1,
              }
            : {
                type: 'number',
                id: 'audio-duration',
                key: 'duration',
                label: t('generation.duration'),
                min: 1,
                max: 120,
              },
        ],
      },
    ];
  },
  build: ({ mode, provider, model, text, voice, language, format, speed, duration }) => ({
    kind: 'audio',
    mode,
    provider: provider as SpeechProvider,
    ...(model ? { model } : {}),
    text,
    ...(mode === 'speech' ? optional('voice', voice) : {}),
    language,
    format,
    ...(mode === 'speech' ? { speed } : { durationSeconds: duration }),
  }),
};

/** Video: from a prompt, or animating one of the caller's images. */
const video: KindForm<{
  provider: string;
  model: string;
  prompt: string;
  duration: number;
  resolution: Option<'video', 'resolution'>;
  aspectRatio: Option<'video', 'aspectRatio'>;
  image: string;
}> = {
  initial: ({ providers }) => ({
    provider: defaultProvider(providers.video),
    model: '',
    prompt: '',
    duration: 5,
    resolution: '720p',
    aspectRatio: '16:9',
    image: '',
  }),
  controls: (_values, { providers }, t) => [
    { type: 'providerAndModel', id: 'video', options: providers.video },
    {
      type: 'textarea',
      id: 'video-prompt',
      key: 'prompt',
      label: t('generation.video.prompt'),
      required: true,
      maxLength: 2000,
    },
    {
      type: 'grid',
      id: 'video-grid',
      controls: [
        {
          type: 'number',
          id: 'video-duration',
          key: 'duration',
          label: t('generation.duration'),
          min: 4,
          max: 10,
        },
        {
          type: 'select',
          id: 'video-resolution',
          key: 'resolution',
          label: t('generation.video.resolution'),
          options: [
            { value: '720p', label: '720p' },
            { value: '1080p', label: '1080p' },
          ],
        },
        {
          type: 'select',
          id: 'video-aspect',
          key: 'aspectRatio',
          label: t('generation.aspect'),
          options: aspectOptions(t),
        },
      ],
    },
    { type: 'image', id: 'video-image', key: 'image', label: t('generation.video.image') },
  ],
  build: ({ provider, model, duration, image: imageId, ...rest }) => ({
    kind: 'video',
    provider: provider as VideoProvider,
    ...(model ? { model } : {}),
    ...rest,
    durationSeconds: duration,
    ...(imageId ? { imageMediaId: imageId } : {}),
  }),
};

/** eBook: a title and subject, written chapter by chapter, with a cover, as PDF and EPUB. */
const ebook: KindForm<{
  model: string;
  imageProvider: string;
  title: string;
  subject: string;
  chapters: number;
  tone: (typeof TONES)[number];
  language: 'fr' | 'en';
  audience: string;
}> = {
  initial: ({ providers, models }, lang) => ({
    model: defaultChatModel(models),
    imageProvider: defaultProvider(providers.image),
    title: '',
    subject: '',
    chapters: 5,
    tone: 'informative',
    language: bookLanguage(lang),
    audience: '',
  }),
  controls: (_values, { providers }, t) => [
    { type: 'chatModel', id: 'ebook-model', key: 'model' },
    {
      type: 'text',
      id: 'ebook-title',
      key: 'title',
      label: t('generation.ebook.title'),
      required: true,
      maxLength: 200,
    },
    {
      type: 'textarea',
      id: 'ebook-subject',
      key: 'subject',
      label: t('generation.ebook.subject'),
      required: true,
      maxLength: 2000,
    },
    {
      type: 'grid',
      id: 'ebook-grid',
      controls: [
        {
          type: 'number',
          id: 'ebook-chapters',
          key: 'chapters',
          label: t('generation.ebook.chapters'),
          min: 1,
          max: 20,
        },
        {
          type: 'select',
          id: 'ebook-tone',
          key: 'tone',
          label: t('generation.ebook.tone'),
          options: TONES.map((value) => ({ value, label: t(`generation.tone.${value}`) })),
        },
        {
          type: 'select',
          id: 'ebook-language',
          key: 'language',
          label: t('generation.language'),
          options: languageOptions(t),
        },
        {
          type: 'text',
          id: 'ebook-audience',
          key: 'audience',
          label: t('generation.ebook.audience'),
          maxLength: 200,
        },
      ],
    },
    {
      type: 'provider',
      id: 'ebook-image-provider',
      key: 'imageProvider',
      legend: t('generation.imageProvider'),
      options: providers.image,
    },
  ],
  build: ({ imageProvider, audience, ...rest }) => ({
    kind: 'ebook',
    ...rest,
    imageProvider: imageProvider as ImageProvider,
    ...optional('audience', audience),
  }),
};

/** Short: a script in scenes, an image per scene and a voice-over, played as a slideshow. */
const short: KindForm<{
  model: string;
  imageProvider: string;
  speechProvider: string;
  videoProvider: string;
  topic: string;
  scenes: number;
  duration: (typeof DURATIONS)[number];
  language: 'fr' | 'en';
  voice: string;
  aspectRatio: Option<'short', 'aspectRatio'>;
}> = {
  initial: ({ providers, models }, lang) => ({
    model: defaultChatModel(models),
    imageProvider: defaultProvider(providers.image),
    speechProvider: defaultProvider(providers.speech),
    videoProvider: '',
    topic: '',
    scenes: 5,
    duration: '30',
    language: bookLanguage(lang),
    voice: '',
    aspectRatio: '9:16',
  }),
  controls: (_values, { providers }, t) => [
    { type: 'chatModel', id: 'short-model', key: 'model' },
    {
      type: 'textarea',
      id: 'short-topic',
      key: 'topic',
      label: t('generation.short.topic'),
      required: true,
      maxLength: 1000,
    },
    {
      type: 'grid',
      id: 'short-grid',
      controls: [
        {
          type: 'number',
          id: 'short-scenes',
          key: 'scenes',
          label: t('generation.short.scenes'),
          min: 3,
          max: 8,
        },
        {
          type: 'select',
          id: 'short-duration',
          key: 'duration',
          label: t('generation.duration'),
          options: durationOptions(t),
        },
        {
          type: 'select',
          id: 'short-language',
          key: 'language',
          label: t('generation.language'),
          options: languageOptions(t),
        },
        {
          type: 'select',
          id: 'short-aspect',
          key: 'aspectRatio',
          label: t('generation.aspect'),
          options: aspectOptions(t),
        },
        {
          type: 'text',
          id: 'short-voice',
          key: 'voice',
          label: t('generation.audio.voice'),
          maxLength: 80,
        },
      ],
    },
    {
      type: 'provider',
      id: 'short-image-provider',
      key: 'imageProvider',
      legend: t('generation.imageProvider'),
      options: providers.image,
    },
    {
      type: 'provider',
      id: 'short-speech-provider',
      key: 'speechProvider',
      legend: t('generation.short.speechProvider'),
      options: providers.speech,
    },
    {
      type: 'select',
      id: 'short-video-provider',
      key: 'videoProvider',
      label: t('generation.short.videoProvider'),
      options: [
        { value: '', label: t('generation.short.videoProvider.none') },
        ...providers.video.map((option) => ({
          value: option.provider,
          label: providerText(t, option),
          disabled: !option.configured,
        })),
      ],
    },
  ],
  build: ({ imageProvider, speechProvider, videoProvider, duration, voice, ...rest }) => ({
    kind: 'short',
    ...rest,
    imageProvider: imageProvider as ImageProvider,
    speechProvider: speechProvider as SpeechProvider,
    ...(videoProvider ? { videoProvider: videoProvider as VideoProvider } : {}),
    durationSeconds: Number(duration) as 15 | 30 | 60,
    ...optional('voice', voice),
  }),
};

/** Ad: copy variants and visuals for a marketplace product, an uploaded photo or a brief. */
const ad: KindForm<{
  model: string;
  imageProvider: string;
  sourceKind: 'none' | 'product' | 'photo';
  productId: string;
  photoId: string;
  brief: string;
  adType: Option<'ad', 'adType'>;
  duration: (typeof DURATIONS)[number];
  variants: number;
  withVideo: boolean;
  videoProvider: string;
  language: 'fr' | 'en';
}> = {
  initial: ({ providers, models }, lang) => ({
    model: defaultChatModel(models),
    imageProvider: defaultProvider(providers.image),
    sourceKind: 'none',
    productId: '',
    photoId: '',
    brief: '',
    adType: 'showcase',
    duration: '15',
    variants: 3,
    withVideo: false,
    videoProvider: defaultProvider(providers.video),
    language: bookLanguage(lang),
  }),
  controls: ({ sourceKind, withVideo }, { providers, products }, t) => [
    { type: 'chatModel', id: 'ad-model', key: 'model' },
    {
      type: 'radios',
      id: 'ad-source',
      key: 'sourceKind',
      legend: t('generation.ad.source'),
      options: (['none', 'product', 'photo'] as const).map((value) => ({
        value,
        label: t(`generation.ad.source.${value}`),
      })),
    },
    sourceKind === 'product' && {
      type: 'select',
      id: 'ad-product',
      key: 'productId',
      label: t('generation.ad.product'),
      options: [
        { value: '', label: t('generation.ad.product.choose') },
        ...products.map((product) => ({ value: product.id, label: product.name })),
      ],
    },
    sourceKind === 'photo' && {
      type: 'image',
      id: 'ad-photo',
      key: 'photoId',
      label: t('generation.ad.photo'),
    },
    {
      type: 'textarea',
      id: 'ad-brief',
      key: 'brief',
      label: t('generation.ad.brief'),
      required: true,
      maxLength: 2000,
    },
    {
      type: 'grid',
      id: 'ad-grid',
      controls: [
        {
          type: 'select',
          id: 'ad-type',
          key: 'adType',
          label: t('generation.ad.type'),
          options: [
            { value: 'showcase', label: t('generation.ad.type.showcase') },
            { value: 'lifestyle', label: t('generation.ad.type.lifestyle') },
          ],
        },
        {
          type: 'select',
          id: 'ad-duration',
          key: 'duration',
          label: t('generation.duration'),
          options: durationOptions(t),
        },
        {
          type: 'number',
          id: 'ad-variants',
          key: 'variants',
          label: t('generation.ad.variants'),
          min: 1,
          max: 4,
        },
        {
          type: 'select',
          id: 'ad-language',
          key: 'language',
          label: t('generation.language'),
          options: languageOptions(t),
        },
      ],
    },
    {
      type: 'provider',
      id: 'ad-image-provider',
      key: 'imageProvider',
      legend: t('generation.imageProvider'),
      options: providers.image,
    },
    {
      type: 'checkbox',
      id: 'ad-with-video',
      key: 'withVideo',
      label: t('generation.ad.withVideo'),
    },
    withVideo && {
      type: 'provider',
      id: 'ad-video-provider',
      key: 'videoProvider',
      legend: t('generation.ad.videoProvider'),
      options: providers.video,
    },
  ],
  build: (values) => ({
    kind: 'ad',
    model: values.model,
    imageProvider: values.imageProvider as ImageProvider,
    ...(values.sourceKind === 'product' && values.productId ? { productId: values.productId } : {}),
    ...(values.sourceKind === 'photo' && values.photoId ? { photoMediaId: values.photoId } : {}),
    brief: values.brief,
    adType: values.adType,
    durationSeconds: Number(values.duration) as 15 | 30 | 60,
    variants: values.variants,
    withVideo: values.withVideo,
    ...(values.withVideo ? { videoProvider: values.videoProvider as VideoProvider } : {}),
    language: values.language,
  }),
};

/** A kind's form seen by the shell, which reads and writes its values by key. */
const shell = <V extends Values>(form: KindForm<V>) => form as unknown as KindForm<Values>;

const FORMS: Record<JobKind, KindForm<Values>> = {
  image: shell(image),
  audio: shell(audio),
  video: shell(video),
  ebook: shell(ebook),
  short: shell(short),
  ad: shell(ad),
};

/** One control of the shell, reading and writing its value in `values`. */
function FormControl({
  control,
  values,
  set,
  context,
}: {
  control: Control<Values>;
  values: Values;
  set: (patch: Values) => void;
  context: FormContext;
}) {
  const text = (key: string) => String(values[key] ?? '');
  /** The value and setter of a string control (`key` in `values`). */
  const bound = (key: string) => ({
    value: text(key),
    onValue: (value: string) => set({ [key]: value }),
  });
  switch (control.type) {
    case 'text':
      return (
        <Field
          id={control.id}
          label={control.label}
          {...bound(control.key)}
          required={control.required}
          maxLength={control.maxLength}
        />
      );
    case 'textarea':
      return (
        <Field
          kind="textarea"
          id={control.id}
          label={control.label}
          {...bound(control.key)}
          required={control.required}
          maxLength={control.maxLength}
          rows={control.rows ?? 3}
        />
      );
    case 'number': {
      const { min, max } = control;
      return (
        <Field
          kind="number"
          id={control.id}
          label={control.label}
          value={text(control.key)}
          onValue={(value) => {
            const next = Number(value);
            if (value !== '' && Number.isFinite(next)) {
              set({ [control.key]: Math.min(max, Math.max(min, next)) });
            }
          }}
          min={min}
          max={max}
          step={control.step ?? 1}
          required
        />
      );
    }
    case 'select':
      return (
        <Field
          kind="select"
          id={control.id}
          label={control.label}
          options={control.options}
          {...bound(control.key)}
        />
      );
    case 'checkbox':
      return (
        <Field
          kind="checkbox"
          class="gen-check"
          id={control.id}
          label={control.label}
          checked={values[control.key] === true}
          onChecked={(checked) => set({ [control.key]: checked })}
        />
      );
    case 'image':
      return (
        <MediaImageSelect
          id={control.id}
          label={control.label}
          images={context.images}
          {...bound(control.key)}
        />
      );
    case 'chatModel':
      return <ChatModelSelect id={control.id} models={context.models} {...bound(control.key)} />;
    case 'provider':
      return (
        <ProviderPicker
          name={control.id}
          legend={control.legend}
          options={control.options}
          {...bound(control.key)}
        />
      );
    case 'providerAndModel':
      return (
        <ProviderAndModel
          kind={control.id}
          options={control.options}
          provider={text('provider')}
          onProvider={(provider) => set({ provider })}
          model={text('model')}
          onModel={(model) => set({ model })}
        />
      );
    case 'radios':
      return (
        <fieldset class="checks">
          <legend>{control.legend}</legend>
          {control.options.map((option) => (
            <label key={option.value} class="field-check">
              <input
                type="radio"
                name={control.id}
                value={option.value}
                checked={values[control.key] === option.value}
                onChange={() => set({ [control.key]: option.value })}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      );
    case 'segmented':
      return (
        <fieldset class="segmented gen-modes">
          <legend class="visually-hidden">{control.legend}</legend>
          {control.options.map((option) => (
            <button
              key={option.value}
              type="button"
              aria-pressed={values[control.key] === option.value}
              onClick={() =>
                set({ [control.key]: option.value, ...control.reset?.(option.value) } as Values)
              }
            >
              {option.label}
            </button>
          ))}
        </fieldset>
      );
    case 'grid':
      return (
        <div class="gen-grid">
          <Controls controls={control.controls} values={values} set={set} context={context} />
        </div>
      );
  }
}

function Controls(props: {
  controls: ReadonlyArray<Control<Values> | false>;
  values: Values;
  set: (patch: Values) => void;
  context: FormContext;
}) {
  return (
    <>
      {props.controls.map(
        (control) => control && <FormControl key={control.id} {...props} control={control} />,
      )}
    </>
  );
}

/** The form of one kind of media: its controls from the kind's data, and "Generate". */
export function GenerationForm({ kind, ...context }: FormContext & { kind: JobKind }) {
  const { t, lang } = useI18n();
  const form = FORMS[kind];
  const [values, setValues] = useState(() => form.initial(context, lang));
  const set = (patch: Values) => setValues((old) => ({ ...old, ...patch }));
  return (
    <form
      class="gen-form"
      onSubmit={(event) => {
        event.preventDefault();
        void context.submit(form.build(values));
      }}
    >
      <Controls
        controls={form.controls(values, context, t)}
        values={values}
        set={set}
        context={context}
      />
      <button type="submit" class="button button-primary gen-submit" disabled={context.pending}>
        {context.pending ? t('generation.submitting') : t('generation.submit')}
      </button>
    </form>
  );
}
