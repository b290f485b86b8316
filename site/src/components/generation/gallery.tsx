import { useEffect, useState } from 'preact/hooks';
import { ApiProblem } from '../../api/client';
import { type Job, type JobFile, listJobs } from '../../api/generation';
import { authed } from '../../auth';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { ProblemAlert } from '../../ui';
import { jobSummary } from './jobs';
import { OfflineBadge } from './offline-badge';

/** The roles worth showing in the gallery; scenes, storyboards and copy belong to their job. */
const SHOWN_ROLES = new Set(['image', 'cover', 'video', 'audio', 'voice', 'pdf', 'epub']);

function FileTile({ file }: { file: JobFile }) {
  if (file.contentType.startsWith('image/')) {
    return <img src={file.url} alt={file.name} loading="lazy" />;
  }
  if (file.contentType.startsWith('video/')) {
    return <video src={file.url} controls muted preload="metadata" />;
  }
  if (file.contentType.startsWith('audio/')) {
    // biome-ignore lint/a11y/useMediaCaption: generated audio has no caption track.
    return <audio src={file.url} controls preload="none" />;
  }
  return (
    <a class="gen-file-link" href={file.url} target="_blank" rel="noopener">
      {file.name}
    </a>
  );
}

/** "My creations": the files of every succeeded job, newest first, a page at a time. */
export function CreationsGallery({ href }: { href: (job: Job) => string }) {
  const { t } = useI18n();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function load(after?: string) {
    setLoading(true);
    setProblem(null);
    try {
      const page = await authed((token) =>
        listJobs(token, { status: 'succeeded', cursor: after, limit: 20 }),
      );
      setJobs((current) => (after ? [...current, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load();
  }, []);

  const tiles = jobs.flatMap((job) =>
    job.files.filter((file) => SHOWN_ROLES.has(file.role)).map((file) => ({ job, file })),
  );

  return (
    <section class="card" aria-labelledby="gen-gallery-title">
      <h2 id="gen-gallery-title">{t('generation.tab.gallery')}</h2>
      {problem && <ProblemAlert problem={problem} other={[]} />}
      {!loading && tiles.length === 0 && !problem && (
        <p class="muted">{t('generation.gallery.empty')}</p>
      )}
      <ul class="gen-creations">
        {tiles.map(({ job, file }) => (
          <li key={`${job.id}:${file.mediaId}`} class="gen-creation">
            <FileTile file={file} />
            <p class="gen-creation-meta">
              <span class="badge">{t(`generation.tab.${job.kind}`)}</span>{' '}
              <OfflineBadge offline={file.offline} />{' '}
              <Link href={href(job)}>{jobSummary(job)}</Link>
            </p>
          </li>
        ))}
      </ul>
      {loading && <p role="status">{t('app.loading')}</p>}
      {cursor && !loading && (
        <button type="button" class="button" onClick={() => void load(cursor)}>
          {t('generation.gallery.more')}
        </button>
      )}
    </section>
  );
}
