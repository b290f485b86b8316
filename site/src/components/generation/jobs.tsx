import { isFinished, type Job } from '../../api/generation';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { formatCost } from './fields';

/** The words a person recognises a job by: its prompt, title, topic, brief or text. */
export function jobSummary(job: Job): string {
  for (const key of ['title', 'prompt', 'topic', 'brief', 'text']) {
    const value = job.input[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return job.kind;
}

/** Actions the jobs list offers; each resolves once the API answered. */
export interface JobActions {
  cancel: (job: Job) => void;
  retry: (job: Job) => void;
  remove: (job: Job) => void;
  /** The URL that opens this job on the page. */
  href: (job: Job) => string;
}

/** A job's progress as a bar with its message and steps, live while it runs. */
export function JobProgress({ job }: { job: Job }) {
  const { t } = useI18n();
  const kind = t(`generation.tab.${job.kind}`);
  const value = job.status === 'succeeded' ? 100 : job.progress;
  return (
    <div class="gen-progress">
      <progress
        max={100}
        value={value}
        aria-label={t('generation.jobs.progress', { kind })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value} %`}
      />
      <span class="gen-progress-value">{value} %</span>
      {(job.progressMessage || job.stepsTotal > 0) && (
        <p class="muted gen-progress-text" aria-live="polite">
          {job.progressMessage}
          {job.progressMessage && job.stepsTotal > 0 && ' · '}
          {job.stepsTotal > 0 &&
            t('generation.jobs.steps', { done: job.stepsDone, total: job.stepsTotal })}
        </p>
      )}
    </div>
  );
}

/** One row of the jobs list: kind, summary, status, cost, live progress and actions. */
export function JobCard({
  job,
  actions,
  selected,
}: {
  job: Job;
  actions: JobActions;
  selected: boolean;
}) {
  const { t, lang } = useI18n();
  const kind = t(`generation.tab.${job.kind}`);
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(job.createdAt),
  );
  const summary = jobSummary(job);
  return (
    <article
      class={`gen-job gen-job-${job.status}${selected ? ' is-selected' : ''}`}
      aria-label={t('generation.jobs.item', { kind, summary })}
      data-status={job.status}
      data-job-id={job.id}
    >
      <header class="gen-job-head">
        <span class="badge">{kind}</span>
        <span class={`badge gen-status gen-status-${job.status}`}>
          {t(`generation.status.${job.status}`)}
        </span>
        {job.offline && <span class="badge gen-badge-offline">{t('generation.offline')}</span>}
        <Link href={actions.href(job)} class="gen-job-title">
          {summary}
        </Link>
      </header>
      {job.status !== 'failed' && job.status !== 'cancelled' && <JobProgress job={job} />}
      {job.status === 'failed' && job.error && <p class="field-error gen-job-error">{job.error}</p>}
      <footer class="gen-job-foot">
        <span class="muted">
          {when} · {job.model}
          {' · '}
          {t('generation.jobs.cost', { cost: formatCost(lang, job.costMicros) })}
        </span>
        <span class="actions">
          {!isFinished(job.status) && (
            <button type="button" class="button" onClick={() => actions.cancel(job)}>
              {t('generation.jobs.cancel')}
            </button>
          )}
          {(job.status === 'failed' || job.status === 'cancelled') && (
            <button type="button" class="button" onClick={() => actions.retry(job)}>
              {t('generation.jobs.retry')}
            </button>
          )}
          {isFinished(job.status) && (
            <button type="button" class="button button-danger" onClick={() => actions.remove(job)}>
              {t('generation.jobs.delete')}
            </button>
          )}
        </span>
      </footer>
    </article>
  );
}
