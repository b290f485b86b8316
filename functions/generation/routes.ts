import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { generationJobs } from '../../db/schema';
import { ApiError } from '../platform/errors';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
  webhookRoute,
} from '../platform/openapi';
import { rateLimitByUser, rule } from '../platform/rate-limit';
import { enqueueStep, runStep, STEP_PATH } from './engine';
import { mediaProviderStatus } from './providers';
import {
  JobEnvelopeSchema,
  JobIdParamSchema,
  JobInputSchema,
  JobListQuerySchema,
  JobPageSchema,
  JobSchema,
  ProvidersSchema,
  StepMessageSchema,
} from './schemas';
import { cancelJob, createJob, deleteJob, getJob, jobView, listJobs, retryJob } from './service';
import { verifyCallback } from './webhooks';

const JOB_CREATE_RULE = rule('job-create', 30, 60);
const JOB_WRITE_RULE = rule('job-write', 120, 60);

const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(8, 'Use at least 8 characters')
    .max(128, 'Use at most 128 characters')
    .regex(/^[A-Za-z0-9._:-]+$/, 'Use letters, digits and . _ : - only')
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'A fresh random value per submit: sending it again returns the same job.',
    }),
});

const providersRoute = userRoute({
  method: 'get',
  path: '/generation/providers',
  tags: ['generation'],
  summary: 'Media providers, their models and whether they are configured for you',
  responses: {
    200: jsonResponse(ProvidersSchema, 'Per capability'),
  },
});

const createJobRoute = userRoute({
  method: 'post',
  path: '/jobs',
  tags: ['generation'],
  summary: 'Start a generation job (image, audio, video, eBook, short, ad)',
  description:
    'Checks referenced files, providers (424 PROVIDER_NOT_CONFIGURED naming the setting), token quota (429) and storage quota (413) before writing anything; then writes the job with its planned steps and queues the first step through QStash. Follow it with GET /api/jobs/{id} or the notification WebSocket (job.progress events).',
  rateLimit: rateLimitByUser(JOB_CREATE_RULE),
  request: { headers: IdempotencyHeader, body: jsonBody(JobInputSchema) },
  responses: {
    202: jsonResponse(JobEnvelopeSchema, 'Queued'),
    200: jsonResponse(JobEnvelopeSchema, 'The job created earlier with this Idempotency-Key'),
    ...problemResponses(404, 409, 422, 424, 503),
  },
});

const listJobsRoute = userRoute({
  method: 'get',
  path: '/jobs',
  tags: ['generation'],
  summary: 'Your generation jobs, newest first',
  request: { query: JobListQuerySchema },
  responses: {
    200: jsonResponse(JobPageSchema, 'A page'),
  },
});

const getJobRoute = userRoute({
  method: 'get',
  path: '/jobs/{id}',
  tags: ['generation'],
  summary: 'One job with its progress and files (the polling fallback)',
  request: { params: JobIdParamSchema },
  responses: { 200: jsonResponse(JobSchema, 'The job') },
});

const cancelRoute = userRoute({
  method: 'post',
  path: '/jobs/{id}/cancel',
  tags: ['generation'],
  summary: 'Cancel a queued or running job',
  rateLimit: rateLimitByUser(JOB_WRITE_RULE),
  request: { params: JobIdParamSchema },
  responses: { 200: jsonResponse(JobSchema, 'Cancelled'), ...problemResponses(409) },
});

const retryRoute = userRoute({
  method: 'post',
  path: '/jobs/{id}/retry',
  tags: ['generation'],
  summary: 'Retry a failed or cancelled job from the step where it stopped',
  rateLimit: rateLimitByUser(JOB_CREATE_RULE),
  request: { params: JobIdParamSchema },
  responses: {
    202: jsonResponse(JobEnvelopeSchema, 'Queued again'),
    ...problemResponses(409, 413, 424, 503),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/jobs/{id}',
  tags: ['generation'],
  summary: 'Delete a finished job (its files stay in your media library)',
  rateLimit: rateLimitByUser(JOB_WRITE_RULE),
  request: { params: JobIdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(409) },
});

const StepOutcomeSchema = z.object({ outcome: z.string() }).openapi('StepOutcome');

const stepRoute = webhookRoute({
  method: 'post',
  path: '/jobs/{id}/step',
  tags: ['generation'],
  summary: 'QStash callback running one step of a job',
  description:
    'Only QStash calls this: the Upstash-Signature JWT must verify over the raw body and this URL, or the call is a 401 with nothing changed. Each (job, step) runs once; a duplicate answers 200 with outcome "duplicate".',
  request: { params: JobIdParamSchema },
  responses: {
    200: jsonResponse(StepOutcomeSchema, 'Handled'),
    ...problemResponses(401, 413, 503),
  },
});

const callbackRoute = webhookRoute({
  method: 'post',
  path: '/generation/callbacks/{provider}',
  tags: ['generation'],
  summary: 'Render-finished callbacks from video providers (Luma)',
  description:
    'The URL carries our signature of (provider, job, step); a valid call only makes WeBox poll the provider now. The body is not trusted.',
  request: {
    params: z.object({ provider: z.string().max(20) }),
    query: z.object({
      job: z.string().uuid(),
      step: z.coerce.number().int().min(0).max(200),
      sig: z.string().min(10).max(200),
    }),
  },
  responses: {
    200: jsonResponse(StepOutcomeSchema, 'Accepted'),
    ...problemResponses(401),
  },
});

/** Generation jobs: create, follow, cancel, retry; and the QStash step callback. */
export const generationRoutes = createRouter()
  .openapi(providersRoute, async (c) =>
    c.json(await mediaProviderStatus(c.var.services, c.var.auth.userId), 200),
  )
  .openapi(createJobRoute, async (c) => {
    const { job, created } = await createJob(
      c.var.services,
      c.var.auth.userId,
      c.req.valid('json'),
      c.req.valid('header')['idempotency-key'],
    );
    return created ? c.json({ job }, 202) : c.json({ job }, 200);
  })
  .openapi(listJobsRoute, async (c) =>
    c.json(await listJobs(c.var.services, c.var.auth.userId, c.req.valid('query')), 200),
  )
  .openapi(getJobRoute, async (c) => {
    const job = await getJob(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.json(await jobView(c.var.services, job), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const job = await cancelJob(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.json(await jobView(c.var.services, job), 200);
  })
  .openapi(retryRoute, async (c) => {
    const job = await retryJob(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.json({ job: await jobView(c.var.services, job) }, 202);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteJob(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(stepRoute, async (c) => {
    const { services } = c.var;
    const { id } = c.req.valid('param');
    const raw = await c.req.text();
    const url = new URL(STEP_PATH(id), services.config.appOrigin).toString();
    if (!(await services.queue.verify(c.req.header('Upstash-Signature'), raw, url))) {
      throw new ApiError('UNAUTHORIZED', 'This callback is not signed by QStash.');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError('INVALID_JSON', 'The step message is not JSON.');
    }
    const message = StepMessageSchema.safeParse(body);
    if (!message.success || message.data.jobId !== id) {
      throw new ApiError('BAD_REQUEST', 'The step message does not match this job.');
    }
    const outcome = await runStep(services, message.data, { assets: c.env.ASSETS });
    return c.json({ outcome }, 200);
  })
  .openapi(callbackRoute, async (c) => {
    const { services } = c.var;
    const { provider } = c.req.valid('param');
    const { job: jobId, step, sig } = c.req.valid('query');
    if (!(await verifyCallback(services.secrets.JWT_SECRET, provider, jobId, step, sig))) {
      throw new ApiError('UNAUTHORIZED', 'This callback URL is not one WeBox issued.');
    }
    const [job] = await services.db
      .select({ attempts: generationJobs.attempts, status: generationJobs.status })
      .from(generationJobs)
      .where(eq(generationJobs.id, jobId))
      .limit(1);
    if (job?.status !== 'running') return c.json({ outcome: 'ignored' }, 200);
    await enqueueStep(
      services,
      { jobId, step, attempt: job.attempts },
      undefined,
      `-cb${Date.now()}`,
    );
    return c.json({ outcome: 'polling' }, 200);
  });
