import { useState } from 'preact/hooks';
import type { UserModel } from '../../api/chat';
import type { JobRequest, MediaImage, Providers } from '../../api/generation';
import type { Product } from '../../api/shop';
import { type Lang, useI18n } from '../../i18n';
import {
  ChatModelSelect,
  defaultChatModel,
  defaultProvider,
  MediaImageSelect,
  missingSetting,
  NumberField,
  ProviderAndModel,
  ProviderPicker,
  providerName,
  SelectField,
  TextAreaField,
  TextField,
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

type ImageProvider = Extract<JobRequest, { kind: 'image' }>['provider'];
type SpeechProvider = Extract<JobRequest, { kind: 'audio' }>['provider'];
type VideoProvider = Extract<JobRequest, { kind: 'video' }>['provider'];

function SubmitButton({ pending }: { pending: boolean }) {
  const { t } = useI18n();
  return (
    <button type="submit" class="button button-primary gen-submit" disabled={pending}>
      {pending ? t('generation.submitting') : t('generation.submit')}
    </button>
  );
}

function onSubmitOf(build: () => JobRequest, submit: (input: JobRequest) => Promise<void>) {
  return (event: SubmitEvent) => {
    event.preventDefault();
    void submit(build());
  };
}

const bookLanguage = (lang: Lang): 'fr' | 'en' => lang;

/** Image: prompt and options, or variations of one of the caller's images. */
export function ImageForm({ providers, images, submit, pending }: FormContext) {
  const { t } = useI18n();
  const [provider, setProvider] = useState(() => defaultProvider(providers.image));
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('');
  const [negativePrompt, setNegativePrompt] = useState('');
  const [size, setSize] = useState<'1024x1024' | '1536x1024' | '1024x1536'>('1024x1024');
  const [quality, setQuality] = useState<'standard' | 'hd'>('standard');
  const [style, setStyle] = useState<'vivid' | 'natural'>('vivid');
  const [n, setN] = useState(1);
  const [source, setSource] = useState('');

  const build = (): JobRequest => ({
    kind: 'image',
    provider: provider as ImageProvider,
    ...(model ? { model } : {}),
    prompt,
    ...(negativePrompt.trim() ? { negativePrompt } : {}),
    size,
    quality,
    style,
    n,
    ...(source ? { sourceMediaId: source } : {}),
  });

  return (
    <form class="gen-form" onSubmit={onSubmitOf(build, submit)}>
      <ProviderAndModel
        kind="image"
        options={providers.image}
        provider={provider}
        onProvider={setProvider}
        model={model}
        onModel={setModel}
      />
      <TextAreaField
        id="image-prompt"
        label={t('generation.image.prompt')}
        value={prompt}
        onValue={setPrompt}
        required
        maxLength={4000}
      />
      <TextField
        id="image-negative"
        label={t('generation.image.negative')}
        value={negativePrompt}
        onValue={setNegativePrompt}
        maxLength={2000}
      />
      <div class="gen-grid">
        <SelectField
          id="image-size"
          label={t('generation.image.size')}
          value={size}
          options={[
            { value: '1024x1024', label: t('generation.image.size.square') },
            { value: '1536x1024', label: t('generation.image.size.landscape') },
            { value: '1024x1536', label: t('generation.image.size.portrait') },
          ]}
          onValue={setSize}
        />
        <SelectField
          id="image-quality"
          label={t('generation.image.quality')}
          value={quality}
          options={[
            { value: 'standard', label: t('generation.image.quality.standard') },
            { value: 'hd', label: t('generation.image.quality.hd') },
          ]}
          onValue={setQuality}
        />
        <SelectField
          id="image-style"
          label={t('generation.image.style')}
          value={style}
          options={[
            { value: 'vivid', label: t('generation.image.style.vivid') },
            { value: 'natural', label: t('generation.image.style.natural') },
          ]}
          onValue={setStyle}
        />
        <NumberField
          id="image-n"
          label={t('generation.image.n')}
          value={n}
          onValue={setN}
          min={1}
          max={4}
        />
      </div>
      <MediaImageSelect
        id="image-source"
        label={t('generation.image.source')}
        images={images}
        value={source}
        onValue={setSource}
      />
      <SubmitButton pending={pending} />
    </form>
  );
}

const SPEECH_LANGUAGES = ['fr-FR', 'en-US', 'en-GB', 'es-ES', 'de-DE', 'it-IT'] as const;

/** Audio: speech from a text, or music and sound effects from a description. */
export function AudioForm({ providers, submit, pending }: FormContext) {
  const { t, lang } = useI18n();
  const [mode, setMode] = useState<'speech' | 'music' | 'sfx'>('speech');
  const options = mode === 'speech' ? providers.speech : providers.music;
  const [provider, setProvider] = useState(() => defaultProvider(providers.speech));
  const [model, setModel] = useState('');
  const [text, setText] = useState('');
  const [voice, setVoice] = useState('');
  const [language, setLanguage] = useState<string>(lang === 'fr' ? 'fr-FR' : 'en-US');
  const [format, setFormat] = useState<'mp3' | 'wav' | 'opus'>('mp3');
  const [speed, setSpeed] = useState(1);
  const [duration, setDuration] = useState(10);

  const build = (): JobRequest => ({
    kind: 'audio',
    mode,
    provider: provider as SpeechProvider,
    ...(model ? { model } : {}),
    text,
    ...(mode === 'speech' && voice.trim() ? { voice: voice.trim() } : {}),
    language,
    format,
    ...(mode === 'speech' ? { speed } : { durationSeconds: duration }),
  });

  return (
    <form class="gen-form" onSubmit={onSubmitOf(build, submit)}>
      <fieldset class="segmented gen-modes">
        <legend class="visually-hidden">{t('generation.audio.mode')}</legend>
        {(['speech', 'music', 'sfx'] as const).map((candidate) => (
          <button
            key={candidate}
            type="button"
            aria-pressed={mode === candidate}
            onClick={() => {
              setMode(candidate);
              const list = candidate === 'speech' ? providers.speech : providers.music;
              setProvider(defaultProvider(list));
              setModel('');
            }}
          >
            {t(`generation.audio.mode.${candidate}`)}
          </button>
        ))}
      </fieldset>
      <ProviderAndModel
        kind="audio"
        options={options}
        provider={provider}
        onProvider={setProvider}
        model={model}
        onModel={setModel}
      />
      <TextAreaField
        id="audio-text"
        label={t(`generation.audio.text.${mode}`)}
        value={text}
        onValue={setText}
        required
        maxLength={4000}
        rows={mode === 'speech' ? 5 : 3}
      />
      <div class="gen-grid">
        {mode === 'speech' && (
          <TextField
            id="audio-voice"
            label={t('generation.audio.voice')}
            value={voice}
            onValue={setVoice}
            maxLength={80}
          />
        )}
        <SelectField
          id="audio-language"
          label={t('generation.language')}
          value={language}
          options={SPEECH_LANGUAGES.map((code) => ({ value: code, label: code }))}
          onValue={setLanguage}
        />
        <SelectField
          id="audio-format"
          label={t('generation.audio.format')}
          value={format}
          options={[
            { value: 'mp3', label: 'MP3' },
            { value: 'wav', label: 'WAV' },
            { value: 'opus', label: 'Opus' },
          ]}
          onValue={setFormat}
        />
        {mode === 'speech' ? (
          <NumberField
            id="audio-speed"
            label={t('generation.audio.speed')}
            value={speed}
            onValue={setSpeed}
            min={0.5}
            max={2}
            step={0.1}
          />
        ) : (
          <NumberField
            id="audio-duration"
            label={t('generation.duration')}
            value={duration}
            onValue={setDuration}
            min={1}
            max={120}
          />
        )}
      </div>
      <SubmitButton pending={pending} />
    </form>
  );
}

/** Video: from a prompt, or animating one of the caller's images. */
export function VideoForm({ providers, images, submit, pending }: FormContext) {
  const { t } = useI18n();
  const [provider, setProvider] = useState(() => defaultProvider(providers.video));
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('');
  const [duration, setDuration] = useState(5);
  const [resolution, setResolution] = useState<'720p' | '1080p'>('720p');
  const [aspectRatio, setAspectRatio] = useState<'16:9' | '9:16' | '1:1'>('16:9');
  const [image, setImage] = useState('');

  const build = (): JobRequest => ({
    kind: 'video',
    provider: provider as VideoProvider,
    ...(model ? { model } : {}),
    prompt,
    durationSeconds: duration,
    resolution,
    aspectRatio,
    ...(image ? { imageMediaId: image } : {}),
  });

  return (
    <form class="gen-form" onSubmit={onSubmitOf(build, submit)}>
      <ProviderAndModel
        kind="video"
        options={providers.video}
        provider={provider}
        onProvider={setProvider}
        model={model}
        onModel={setModel}
      />
      <TextAreaField
        id="video-prompt"
        label={t('generation.video.prompt')}
        value={prompt}
        onValue={setPrompt}
        required
        maxLength={2000}
      />
      <div class="gen-grid">
        <NumberField
          id="video-duration"
          label={t('generation.duration')}
          value={duration}
          onValue={setDuration}
          min={4}
          max={10}
        />
        <SelectField
          id="video-resolution"
          label={t('generation.video.resolution')}
          value={resolution}
          options={[
            { value: '720p', label: '720p' },
            { value: '1080p', label: '1080p' },
          ]}
          onValue={setResolution}
        />
        <SelectField
          id="video-aspect"
          label={t('generation.aspect')}
          value={aspectRatio}
          options={aspectOptions(t)}
          onValue={setAspectRatio}
        />
      </div>
      <MediaImageSelect
        id="video-image"
        label={t('generation.video.image')}
        images={images}
        value={image}
        onValue={setImage}
      />
      <SubmitButton pending={pending} />
    </form>
  );
}

function aspectOptions(t: ReturnType<typeof useI18n>['t']) {
  return [
    { value: '16:9' as const, label: t('generation.aspect.landscape') },
    { value: '9:16' as const, label: t('generation.aspect.portrait') },
    { value: '1:1' as const, label: t('generation.aspect.square') },
  ];
}

function languageOptions(t: ReturnType<typeof useI18n>['t']) {
  return [
    { value: 'fr' as const, label: t('generation.language.fr') },
    { value: 'en' as const, label: t('generation.language.en') },
  ];
}

const TONES = ['informative', 'friendly', 'professional', 'inspiring', 'humorous'] as const;

/** eBook: a title and subject, written chapter by chapter, with a cover, as PDF and EPUB. */
export function EbookForm({ providers, models, submit, pending }: FormContext) {
  const { t, lang } = useI18n();
  const [model, setModel] = useState(() => defaultChatModel(models));
  const [imageProvider, setImageProvider] = useState(() => defaultProvider(providers.image));
  const [title, setTitle] = useState('');
  const [subject, setSubject] = useState('');
  const [chapters, setChapters] = useState(5);
  const [tone, setTone] = useState<(typeof TONES)[number]>('informative');
  const [language, setLanguage] = useState(bookLanguage(lang));
  const [audience, setAudience] = useState('');

  const build = (): JobRequest => ({
    kind: 'ebook',
    model,
    imageProvider: imageProvider as ImageProvider,
    title,
    subject,
    chapters,
    tone,
    language,
    ...(audience.trim() ? { audience: audience.trim() } : {}),
  });

  return (
    <form class="gen-form" onSubmit={onSubmitOf(build, submit)}>
      <ChatModelSelect id="ebook-model" models={models} value={model} onValue={setModel} />
      <TextField
        id="ebook-title"
        label={t('generation.ebook.title')}
        value={title}
        onValue={setTitle}
        required
        maxLength={200}
      />
      <TextAreaField
        id="ebook-subject"
        label={t('generation.ebook.subject')}
        value={subject}
        onValue={setSubject}
        required
        maxLength={2000}
      />
      <div class="gen-grid">
        <NumberField
          id="ebook-chapters"
          label={t('generation.ebook.chapters')}
          value={chapters}
          onValue={setChapters}
          min={1}
          max={20}
        />
        <SelectField
          id="ebook-tone"
          label={t('generation.ebook.tone')}
          value={tone}
          options={TONES.map((value) => ({ value, label: t(`generation.tone.${value}`) }))}
          onValue={setTone}
        />
        <SelectField
          id="ebook-language"
          label={t('generation.language')}
          value={language}
          options={languageOptions(t)}
          onValue={setLanguage}
        />
        <TextField
          id="ebook-audience"
          label={t('generation.ebook.audience')}
          value={audience}
          onValue={setAudience}
          maxLength={200}
        />
      </div>
      <ProviderPicker
        name="ebook-image-provider"
        legend={t('generation.imageProvider')}
        options={providers.image}
        value={imageProvider}
        onValue={setImageProvider}
      />
      <SubmitButton pending={pending} />
    </form>
  );
}

const DURATIONS = ['15', '30', '60'] as const;

/** Short: a script in scenes, an image per scene and a voice-over, played as a slideshow. */
export function ShortForm({ providers, models, submit, pending }: FormContext) {
  const { t, lang } = useI18n();
  const [model, setModel] = useState(() => defaultChatModel(models));
  const [imageProvider, setImageProvider] = useState(() => defaultProvider(providers.image));
  const [speechProvider, setSpeechProvider] = useState(() => defaultProvider(providers.speech));
  const [videoProvider, setVideoProvider] = useState('');
  const [topic, setTopic] = useState('');
  const [scenes, setScenes] = useState(5);
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>('30');
  const [language, setLanguage] = useState(bookLanguage(lang));
  const [voice, setVoice] = useState('');
  const [aspectRatio, setAspectRatio] = useState<'9:16' | '16:9' | '1:1'>('9:16');

  const build = (): JobRequest => ({
    kind: 'short',
    model,
    imageProvider: imageProvider as ImageProvider,
    speechProvider: speechProvider as SpeechProvider,
    ...(videoProvider ? { videoProvider: videoProvider as VideoProvider } : {}),
    topic,
    scenes,
    durationSeconds: Number(duration) as 15 | 30 | 60,
    language,
    ...(voice.trim() ? { voice: voice.trim() } : {}),
    aspectRatio,
  });

  return (
    <form class="gen-form" onSubmit={onSubmitOf(build, submit)}>
      <ChatModelSelect id="short-model" models={models} value={model} onValue={setModel} />
      <TextAreaField
        id="short-topic"
        label={t('generation.short.topic')}
        value={topic}
        onValue={setTopic}
        required
        maxLength={1000}
      />
      <div class="gen-grid">
        <NumberField
          id="short-scenes"
          label={t('generation.short.scenes')}
          value={scenes}
          onValue={setScenes}
          min={3}
          max={8}
        />
        <SelectField
          id="short-duration"
          label={t('generation.duration')}
          value={duration}
          options={DURATIONS.map((value) => ({
            value,
            label: t('generation.seconds', { n: value }),
          }))}
          onValue={setDuration}
        />
        <SelectField
          id="short-language"
          label={t('generation.language')}
          value={language}
          options={languageOptions(t)}
          onValue={setLanguage}
        />
        <SelectField
          id="short-aspect"
          label={t('generation.aspect')}
          value={aspectRatio}
          options={aspectOptions(t)}
          onValue={setAspectRatio}
        />
        <TextField
          id="short-voice"
          label={t('generation.audio.voice')}
          value={voice}
          onValue={setVoice}
          maxLength={80}
        />
      </div>
      <ProviderPicker
        name="short-image-provider"
        legend={t('generation.imageProvider')}
        options={providers.image}
        value={imageProvider}
        onValue={setImageProvider}
      />
      <ProviderPicker
        name="short-speech-provider"
        legend={t('generation.short.speechProvider')}
        options={providers.speech}
        value={speechProvider}
        onValue={setSpeechProvider}
      />
      <SelectField
        id="short-video-provider"
        label={t('generation.short.videoProvider')}
        value={videoProvider}
        options={[
          { value: '', label: t('generation.short.videoProvider.none') },
          ...providers.video.map((option) => ({
            value: option.provider,
            label: providerText(t, option),
            disabled: !option.configured,
          })),
        ]}
        onValue={setVideoProvider}
      />
      <SubmitButton pending={pending} />
    </form>
  );
}

function providerText(
  t: ReturnType<typeof useI18n>['t'],
  option: Providers['video'][number],
): string {
  const name = providerName(t, option);
  if (!option.configured) return `${name} — ${missingSetting(t, option)}`;
  return option.offline ? `${name} (${t('generation.offline')})` : name;
}

/** Ad: copy variants and visuals for a marketplace product, an uploaded photo or a brief. */
export function AdForm({ providers, models, images, products, submit, pending }: FormContext) {
  const { t, lang } = useI18n();
  const [model, setModel] = useState(() => defaultChatModel(models));
  const [imageProvider, setImageProvider] = useState(() => defaultProvider(providers.image));
  const [sourceKind, setSourceKind] = useState<'none' | 'product' | 'photo'>('none');
  const [productId, setProductId] = useState('');
  const [photoId, setPhotoId] = useState('');
  const [brief, setBrief] = useState('');
  const [adType, setAdType] = useState<'showcase' | 'lifestyle'>('showcase');
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>('15');
  const [variants, setVariants] = useState(3);
  const [withVideo, setWithVideo] = useState(false);
  const [videoProvider, setVideoProvider] = useState(() => defaultProvider(providers.video));
  const [language, setLanguage] = useState(bookLanguage(lang));

  const build = (): JobRequest => ({
    kind: 'ad',
    model,
    imageProvider: imageProvider as ImageProvider,
    ...(sourceKind === 'product' && productId ? { productId } : {}),
    ...(sourceKind === 'photo' && photoId ? { photoMediaId: photoId } : {}),
    brief,
    adType,
    durationSeconds: Number(duration) as 15 | 30 | 60,
    variants,
    withVideo,
    ...(withVideo ? { videoProvider: videoProvider as VideoProvider } : {}),
    language,
  });

  return (
    <form class="gen-form" onSubmit={onSubmitOf(build, submit)}>
      <ChatModelSelect id="ad-model" models={models} value={model} onValue={setModel} />
      <fieldset class="checks">
        <legend>{t('generation.ad.source')}</legend>
        {(['none', 'product', 'photo'] as const).map((value) => (
          <label key={value} class="field-check">
            <input
              type="radio"
              name="ad-source"
              value={value}
              checked={sourceKind === value}
              onChange={() => setSourceKind(value)}
            />
            {t(`generation.ad.source.${value}`)}
          </label>
        ))}
      </fieldset>
      {sourceKind === 'product' && (
        <SelectField
          id="ad-product"
          label={t('generation.ad.product')}
          value={productId}
          options={[
            { value: '', label: t('generation.ad.product.choose') },
            ...products.map((product) => ({ value: product.id, label: product.name })),
          ]}
          onValue={setProductId}
        />
      )}
      {sourceKind === 'photo' && (
        <MediaImageSelect
          id="ad-photo"
          label={t('generation.ad.photo')}
          images={images}
          value={photoId}
          onValue={setPhotoId}
        />
      )}
      <TextAreaField
        id="ad-brief"
        label={t('generation.ad.brief')}
        value={brief}
        onValue={setBrief}
        required
        maxLength={2000}
      />
      <div class="gen-grid">
        <SelectField
          id="ad-type"
          label={t('generation.ad.type')}
          value={adType}
          options={[
            { value: 'showcase', label: t('generation.ad.type.showcase') },
            { value: 'lifestyle', label: t('generation.ad.type.lifestyle') },
          ]}
          onValue={setAdType}
        />
        <SelectField
          id="ad-duration"
          label={t('generation.duration')}
          value={duration}
          options={DURATIONS.map((value) => ({
            value,
            label: t('generation.seconds', { n: value }),
          }))}
          onValue={setDuration}
        />
        <NumberField
          id="ad-variants"
          label={t('generation.ad.variants')}
          value={variants}
          onValue={setVariants}
          min={1}
          max={4}
        />
        <SelectField
          id="ad-language"
          label={t('generation.language')}
          value={language}
          options={languageOptions(t)}
          onValue={setLanguage}
        />
      </div>
      <ProviderPicker
        name="ad-image-provider"
        legend={t('generation.imageProvider')}
        options={providers.image}
        value={imageProvider}
        onValue={setImageProvider}
      />
      <label class="field-check gen-check">
        <input
          type="checkbox"
          checked={withVideo}
          onChange={(event) => setWithVideo(event.currentTarget.checked)}
        />
        {t('generation.ad.withVideo')}
      </label>
      {withVideo && (
        <ProviderPicker
          name="ad-video-provider"
          legend={t('generation.ad.videoProvider')}
          options={providers.video}
          value={videoProvider}
          onValue={setVideoProvider}
        />
      )}
      <SubmitButton pending={pending} />
    </form>
  );
}
