import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchStoryboard, type Job, type JobFile, type Storyboard } from '../../api/generation';
import { useI18n } from '../../i18n';
import { OfflineBadge } from './offline-badge';

const filesOf = (job: Job, role: string) => job.files.filter((file) => file.role === role);

/** A file shown as a picture: images, and offline videos (animated GIFs). */
const isPicture = (file: JobFile) => file.contentType.startsWith('image/');

/** Images in a grid; a click opens one large in a dialog. */
export function ImageGallery({ files, label }: { files: readonly JobFile[]; label: string }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<JobFile | null>(null);

  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);

  return (
    <>
      <ul class="gen-gallery" aria-label={label}>
        {files.map((file, index) => (
          <li key={file.mediaId}>
            <button
              type="button"
              class="gen-thumb"
              aria-label={t('generation.result.enlarge', { n: index + 1 })}
              onClick={() => setOpen(file)}
            >
              <img src={file.url} alt={file.name} loading="lazy" />
            </button>
            <OfflineBadge offline={file.offline} />
          </li>
        ))}
      </ul>
      <dialog ref={dialog} class="gen-dialog" aria-label={open?.name} onClose={() => setOpen(null)}>
        {open && (
          <div class="gen-dialog-body">
            <img src={open.url} alt={open.name} />
            <div class="actions">
              <a class="button" href={open.url} download={open.name}>
                {t('generation.result.download')}
              </a>
              <button type="button" class="button" onClick={() => dialog.current?.close()}>
                {t('generation.result.close')}
              </button>
            </div>
          </div>
        )}
      </dialog>
    </>
  );
}

function AudioResult({ job }: { job: Job }) {
  return (
    <ul class="gen-files">
      {filesOf(job, 'audio').map((file) => (
        <li key={file.mediaId}>
          {/* biome-ignore lint/a11y/useMediaCaption: generated audio has no caption track. */}
          <audio controls preload="metadata" src={file.url} />
          <FileDownload file={file} />
        </li>
      ))}
    </ul>
  );
}

/** A generated file's download link, and the offline badge when a local stand-in made it. */
function FileDownload({ file }: { file: JobFile }) {
  const { t } = useI18n();
  return (
    <>
      <a href={file.url} download={file.name}>
        {t('generation.result.download')}
      </a>
      <OfflineBadge offline={file.offline} />
    </>
  );
}

function VideoFiles({ files }: { files: readonly JobFile[] }) {
  return (
    <ul class="gen-files">
      {files.map((file) => (
        <li key={file.mediaId}>
          {isPicture(file) ? (
            <img class="gen-video" src={file.url} alt={file.name} />
          ) : (
            // biome-ignore lint/a11y/useMediaCaption: generated clips have no caption track.
            <video class="gen-video" controls preload="metadata" src={file.url} />
          )}
          <FileDownload file={file} />
        </li>
      ))}
    </ul>
  );
}

function numberData(job: Job, key: string): number | null {
  const value = job.data?.[key];
  return typeof value === 'number' ? value : null;
}

function EbookResult({ job }: { job: Job }) {
  const { t } = useI18n();
  const cover = filesOf(job, 'cover')[0];
  const pdf = filesOf(job, 'pdf')[0];
  const epub = filesOf(job, 'epub')[0];
  const pages = numberData(job, 'pages');
  const chapters = numberData(job, 'chapters');
  const title = typeof job.input.title === 'string' ? job.input.title : '';
  return (
    <div class="gen-ebook">
      {cover && (
        <img class="gen-cover" src={cover.url} alt={t('generation.result.cover', { title })} />
      )}
      <div>
        <p class="muted">
          {[
            pages !== null && t('generation.result.pages', { n: pages }),
            chapters !== null && t('generation.result.chapters', { n: chapters }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
        <div class="actions">
          {pdf && (
            <a class="button" href={pdf.url} target="_blank" rel="noopener">
              {t('generation.result.openPdf')}
            </a>
          )}
          <OfflineBadge offline={pdf?.offline} />
          {epub && (
            <a class="button" href={epub.url} download={epub.name}>
              {t('generation.result.downloadEpub')}
            </a>
          )}
          <OfflineBadge offline={epub?.offline} />
        </div>
      </div>
    </div>
  );
}

/** The scene playing at `ms`: the one whose time span holds it, else the nearest end. */
export function sceneAt(storyboard: Storyboard, ms: number): number {
  const { scenes } = storyboard;
  const index = scenes.findIndex((scene) => scene.startMs <= ms && ms < scene.endMs);
  if (index >= 0) return index;
  return ms >= (scenes.at(-1)?.endMs ?? 0) ? Math.max(0, scenes.length - 1) : 0;
}

/**
 * A short played as a slideshow: the voice-over drives the clock, and the scene whose time
 * span holds the current time shows its image and caption. Without a voice-over a timer does.
 */
export function ShortPlayer({ job }: { job: Job }) {
  const { t } = useI18n();
  const storyboardFile = filesOf(job, 'storyboard')[0];
  const [storyboard, setStoryboard] = useState<Storyboard | null>(null);
  const [failed, setFailed] = useState(false);
  const [ms, setMs] = useState(0);
  const [playing, setPlaying] = useState(false);
  const audio = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    if (!storyboardFile) return;
    let live = true;
    setFailed(false);
    fetchStoryboard(storyboardFile.url).then(
      (found) => live && setStoryboard(found),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [storyboardFile?.url]);

  const voice =
    job.files.find(
      (file) => storyboard?.voiceover && file.mediaId === storyboard.voiceover.mediaId,
    ) ?? filesOf(job, 'voice')[0];

  // Without a voice-over, a timer plays the scenes for their own durations.
  useEffect(() => {
    if (!playing || voice || !storyboard) return;
    const started = performance.now() - ms;
    const timer = setInterval(() => {
      const now = performance.now() - started;
      if (now >= storyboard.durationMs) {
        setMs(storyboard.durationMs);
        setPlaying(false);
      } else {
        setMs(now);
      }
    }, 100);
    return () => clearInterval(timer);
  }, [playing, voice, storyboard]);

  if (!storyboardFile) return null;
  if (failed) return <p class="alert alert-error">{t('generation.result.storyboardError')}</p>;
  if (!storyboard || storyboard.scenes.length === 0) {
    return <p role="status">{t('app.loading')}</p>;
  }

  const index = sceneAt(storyboard, ms);
  const scene = storyboard.scenes[index];
  const image = job.files.find((file) => file.mediaId === scene?.imageMediaId);
  const ratio = storyboard.aspectRatio.replace(':', ' / ');

  function toggle() {
    const element = audio.current;
    if (element) {
      if (element.paused) void element.play().catch(() => setPlaying(false));
      else element.pause();
      return;
    }
    if (!playing && storyboard && ms >= storyboard.durationMs) setMs(0);
    setPlaying(!playing);
  }

  return (
    <section class="gen-short" aria-label={t('generation.result.player')}>
      <figure class="gen-short-stage" style={{ aspectRatio: ratio }} data-scene={index}>
        {image ? <img src={image.url} alt={scene?.text ?? ''} /> : <div class="gen-short-blank" />}
        <figcaption class="gen-short-caption" aria-live="polite">
          {scene?.text}
        </figcaption>
      </figure>
      <div class="gen-short-bar">
        <button type="button" class="button" aria-pressed={playing} onClick={toggle}>
          {playing ? t('generation.result.pause') : t('generation.result.play')}
        </button>
        <span class="muted">
          {t('generation.result.scene', { n: index + 1, total: storyboard.scenes.length })}
        </span>
        <OfflineBadge offline={image?.offline} />
      </div>
      {voice && (
        // biome-ignore lint/a11y/useMediaCaption: the scene captions above are the transcript.
        <audio
          ref={audio}
          class="gen-short-audio"
          controls
          preload="auto"
          src={voice.url}
          aria-label={t('generation.result.voiceover')}
          onTimeUpdate={(event) => setMs(event.currentTarget.currentTime * 1000)}
          onSeeked={(event) => setMs(event.currentTarget.currentTime * 1000)}
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => setPlaying(false)}
        />
      )}
      <ol class="gen-short-scenes">
        {storyboard.scenes.map((candidate, position) => (
          <li key={candidate.index} aria-current={position === index ? 'step' : undefined}>
            <button
              type="button"
              class="link-button"
              onClick={() => {
                setMs(candidate.startMs);
                if (audio.current) audio.current.currentTime = candidate.startMs / 1000;
              }}
            >
              {t('generation.result.scene', { n: position + 1, total: storyboard.scenes.length })}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

interface AdVariant {
  headline: string;
  body: string;
  cta: string;
  /** Written by WeBox's offline writer. */
  offline: boolean;
}

function adVariants(job: Job): AdVariant[] {
  const raw = job.data?.variants;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : '');
    return [
      {
        headline: text('headline'),
        body: text('body'),
        cta: text('cta'),
        offline: record.offline === true,
      },
    ];
  });
}

function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="button"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2_000);
        });
      }}
    >
      {copied ? t('generation.result.copied') : t('generation.result.copy')}
    </button>
  );
}

function AdResult({ job }: { job: Job }) {
  const { t } = useI18n();
  const variants = adVariants(job);
  const images = filesOf(job, 'image');
  const videos = filesOf(job, 'video');
  return (
    <div class="gen-ad">
      <ul class="gen-ad-variants">
        {variants.map((variant, index) => {
          const image = images.length > 0 ? images[index % images.length] : undefined;
          return (
            <li key={`${index}-${variant.headline}`} class="gen-ad-card">
              <h3 class="visually-hidden">{t('generation.result.variant', { n: index + 1 })}</h3>
              {image && <img src={image.url} alt={image.name} />}
              <div class="gen-ad-copy">
                <OfflineBadge offline={variant.offline || image?.offline} />
                <p class="gen-ad-headline">{variant.headline}</p>
                <p>{variant.body}</p>
                <span class="gen-ad-cta">{variant.cta}</span>
                <CopyButton text={`${variant.headline}\n\n${variant.body}\n\n${variant.cta}`} />
              </div>
            </li>
          );
        })}
      </ul>
      {variants.length === 0 && images.length > 0 && (
        <ImageGallery files={images} label={t('generation.result.images')} />
      )}
      {videos.length > 0 && <VideoFiles files={videos} />}
    </div>
  );
}

/** What a finished job made, shown the way its kind is best read. */
export function JobResult({ job }: { job: Job }) {
  const { t } = useI18n();
  switch (job.kind) {
    case 'image':
      return <ImageGallery files={filesOf(job, 'image')} label={t('generation.result.images')} />;
    case 'audio':
      return <AudioResult job={job} />;
    case 'video':
      return <VideoFiles files={filesOf(job, 'video')} />;
    case 'ebook':
      return <EbookResult job={job} />;
    case 'short':
      return (
        <>
          <ShortPlayer job={job} />
          {filesOf(job, 'video').length > 0 && <VideoFiles files={filesOf(job, 'video')} />}
        </>
      );
    case 'ad':
      return <AdResult job={job} />;
  }
}
