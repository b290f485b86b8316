import { useEffect, useRef, useState } from 'preact/hooks';
import { listModels, type UserModel } from '../api/chat';
import { ApiProblem } from '../api/client';
import {
  cancelJob,
  createJob,
  deleteJob,
  type Job,
  type JobRequest,
  listMediaImages,
  listProviders,
  type MediaImage,
  type Providers,
  retryJob,
} from '../api/generation';
import { listProducts, type Product } from '../api/shop';
import { authed } from '../auth';
import { formatCost } from '../components/generation/fields';
import { GenerationForm } from '../components/generation/forms';
import { CreationsGallery } from '../components/generation/gallery';
import { JobCard, JobProgress, jobSummary } from '../components/generation/jobs';
import {
  JobsController,
  type ProgressSource,
  toProgressEvent,
} from '../components/generation/live-jobs';
import { JobResult } from '../components/generation/results';
import { useI18n } from '../i18n';
import { onSocketEvent } from '../notifications';
import { navigate, useLocation } from '../router';
import type { Store } from '../store';
import { ProblemAlert, usePageTitle } from '../ui';

const TABS = ['image', 'audio', 'video', 'ebook', 'short', 'ad', 'gallery'] as const;
type Tab = (typeof TABS)[number];

const isTab = (value: string | null): value is Tab => TABS.includes(value as Tab);

/** Job events from the notification socket the app keeps open. */
const progressSource: ProgressSource = {
  progress: (handler) =>
    onSocketEvent('job.progress', (data) => {
      const event = toProgressEvent(data);
      if (event) handler(event);
    }),
  connected: (handler) => onSocketEvent('hello', handler),
};

function useCurrent<T>(store: Store<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => store.subscribe(() => setTick((n) => n + 1)), [store]);
  return store.get();
}

function generationUrl(tab: Tab, job?: string | null): string {
  const query = new URLSearchParams({ tab });
  if (job) query.set('job', job);
  return `/generation?${query}`;
}

function reported(error: unknown, set: (problem: ApiProblem) => void): void {
  if (!(error instanceof ApiProblem)) throw error;
  if (error.status !== 401) set(error);
}

/** The open job: its live progress while it runs, then what it made. */
function SelectedJob({ job, onClose }: { job: Job; onClose: () => void }) {
  const { t, lang } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, [job.id]);
  return (
    <section
      class="card gen-selected"
      aria-labelledby="gen-selected-title"
      data-status={job.status}
      data-job-id={job.id}
    >
      <header class="gen-selected-head">
        <h2 id="gen-selected-title" ref={heading} tabIndex={-1}>
          {jobSummary(job)}
        </h2>
        <button type="button" class="button" onClick={onClose}>
          {t('generation.result.close')}
        </button>
      </header>
      <p class="gen-job-head">
        <span class="badge">{t(`generation.tab.${job.kind}`)}</span>
        <span class={`badge gen-status gen-status-${job.status}`}>
          {t(`generation.status.${job.status}`)}
        </span>
        {job.offline && <span class="badge gen-badge-offline">{t('generation.offline')}</span>}
        <span class="muted">
          {job.model} · {t('generation.jobs.cost', { cost: formatCost(lang, job.costMicros) })}
        </span>
      </p>
      {(job.status === 'queued' || job.status === 'running') && <JobProgress job={job} />}
      {job.status === 'failed' && (
        <p class="alert alert-error" role="alert">
          {t('generation.result.failed', { error: job.error ?? job.errorCode ?? '' })}
        </p>
      )}
      {job.status === 'cancelled' && <p class="muted">{t('generation.result.cancelled')}</p>}
      {job.status === 'succeeded' && <JobResult job={job} />}
    </section>
  );
}

/**
 * Generation: a form per kind of media (tabs), the jobs with their live progress, the open
 * job's result, and "My creations", every finished job's files.
 */
export function GenerationPage() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const tabParam = params.get('tab');
  const tab: Tab = isTab(tabParam) ? tabParam : 'image';
  const jobId = params.get('job');

  const [controller] = useState(() => new JobsController(progressSource));
  const view = useCurrent(controller.store);
  const [providers, setProviders] = useState<Providers | null>(null);
  const [models, setModels] = useState<UserModel[] | null>(null);
  const [images, setImages] = useState<MediaImage[]>([]);
  const [products, setProducts] = useState<Product[]>([]);
  const [setupProblem, setSetupProblem] = useState<ApiProblem | null>(null);
  const [formProblem, setFormProblem] = useState<ApiProblem | null>(null);
  const [jobsProblem, setJobsProblem] = useState<ApiProblem | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const needsImages = useRef(false);
  const needsProducts = useRef(false);

  usePageTitle(t('area.generation'));

  useEffect(() => {
    void controller.load();
    authed(listProviders).then(setProviders, (error: unknown) => reported(error, setSetupProblem));
    authed(listModels).then(setModels, (error: unknown) => {
      setModels([]);
      reported(error, setSetupProblem);
    });
    return () => controller.dispose();
  }, [controller]);

  // The media library and the catalogue are read only by the forms that pick from them.
  useEffect(() => {
    if ((tab === 'image' || tab === 'video' || tab === 'ad') && !needsImages.current) {
      needsImages.current = true;
      authed(listMediaImages).then(setImages, () => setImages([]));
    }
    if (tab === 'ad' && !needsProducts.current) {
      needsProducts.current = true;
      listProducts({}, lang).then(
        (page) => setProducts(page.items),
        () => setProducts([]),
      );
    }
  }, [tab, lang]);

  // A linked job (a notification, a bookmark) that is not among the newest is read on its own.
  useEffect(() => {
    setMissing(null);
    if (!jobId || controller.find(jobId)) return;
    controller.refresh(jobId).catch((error: unknown) => {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setMissing(jobId);
    });
  }, [jobId, controller]);

  async function submit(input: JobRequest): Promise<void> {
    setPending(true);
    setFormProblem(null);
    // One key per submission: a resent request (lost answer) cannot start a second job.
    const key = crypto.randomUUID();
    try {
      const job = await authed((token) => createJob(token, input, key));
      controller.upsert(job);
      navigate(generationUrl(tab, job.id));
    } catch (error) {
      reported(error, setFormProblem);
    } finally {
      setPending(false);
    }
  }

  async function act(action: () => Promise<void>): Promise<void> {
    setJobsProblem(null);
    try {
      await action();
    } catch (error) {
      reported(error, setJobsProblem);
    }
  }

  const actions = {
    cancel: (job: Job) =>
      void act(async () => controller.upsert(await authed((token) => cancelJob(token, job.id)))),
    retry: (job: Job) =>
      void act(async () => controller.upsert(await authed((token) => retryJob(token, job.id)))),
    remove: (job: Job) => {
      // Deleting forgets the job (its files stay in the media library): ask first.
      if (!window.confirm(t('generation.confirmDelete'))) return;
      void act(async () => {
        await authed((token) => deleteJob(token, job.id));
        controller.remove(job.id);
        if (jobId === job.id) navigate(generationUrl(tab), { replace: true });
      });
    },
    href: (job: Job) => generationUrl(isTab(job.kind) ? job.kind : tab, job.id),
  };

  const selected = jobId ? (view.jobs.find((job) => job.id === jobId) ?? null) : null;

  function onTabKey(event: KeyboardEvent, index: number) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length] ?? 'image';
    navigate(generationUrl(next, jobId), { replace: true });
    document.getElementById(`gen-tab-${next}`)?.focus();
  }

  return (
    <div class="page gen-page">
      <h1 tabIndex={-1}>{t('area.generation')}</h1>
      <p class="muted">{t('generation.intro')}</p>
      <div class="gen-tabs" role="tablist" aria-label={t('generation.tabs')}>
        {TABS.map((candidate, index) => (
          <button
            key={candidate}
            type="button"
            role="tab"
            id={`gen-tab-${candidate}`}
            aria-selected={tab === candidate}
            aria-controls="gen-panel"
            tabIndex={tab === candidate ? 0 : -1}
            onClick={() => navigate(generationUrl(candidate, jobId), { replace: true })}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {t(`generation.tab.${candidate}`)}
          </button>
        ))}
      </div>

      <div class="gen-layout">
        <div id="gen-panel" role="tabpanel" aria-labelledby={`gen-tab-${tab}`} class="gen-panel">
          {tab !== 'gallery' ? (
            <section class="card" aria-labelledby="gen-form-title">
              <h2 id="gen-form-title">{t(`generation.form.${tab}`)}</h2>
              {setupProblem && <ProblemAlert problem={setupProblem} other={[]} />}
              {formProblem && <ProblemAlert problem={formProblem} other={[]} />}
              {providers && models ? (
                <GenerationForm
                  key={tab}
                  kind={tab}
                  providers={providers}
                  models={models}
                  images={images}
                  products={products}
                  submit={submit}
                  pending={pending}
                />
              ) : (
                !setupProblem && <p role="status">{t('app.loading')}</p>
              )}
            </section>
          ) : (
            <CreationsGallery href={actions.href} />
          )}
        </div>

        <div class="gen-side">
          {missing === jobId && jobId && (
            <p class="alert alert-error" role="alert">
              {t('generation.result.notFound')}
            </p>
          )}
          {selected && (
            <SelectedJob
              job={selected}
              onClose={() => navigate(generationUrl(tab), { replace: true })}
            />
          )}
          <section class="card" aria-labelledby="gen-jobs-title">
            <h2 id="gen-jobs-title">{t('generation.jobs.title')}</h2>
            {jobsProblem && <ProblemAlert problem={jobsProblem} other={[]} />}
            {view.problem && <ProblemAlert problem={view.problem} other={[]} />}
            {view.status === 'loading' ? (
              <p role="status">{t('app.loading')}</p>
            ) : view.jobs.length === 0 ? (
              <p class="muted">{t('generation.jobs.empty')}</p>
            ) : (
              <ul class="gen-jobs">
                {view.jobs.map((job) => (
                  <li key={job.id}>
                    <JobCard job={job} actions={actions} selected={job.id === jobId} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
