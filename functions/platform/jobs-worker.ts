import { createMiddleware } from 'hono/factory';
import { REQUEST_ID_HEADER } from './app-shell';
import type { AppEnv } from './env';

/**
 * WeBox is two Workers. The edge one (`webox`, wrangler.toml) serves the hot paths (auth,
 * profile, chat, /v1, models, usage, agents, prompts, notifications, health, the site) and
 * owns the Durable Objects. The jobs one (`webox-jobs`, wrangler.jobs.toml) holds what is
 * heavy and cold (generation and its PDF and fonts, media, the shop and its invoices, the
 * Stripe and PayPal SDKs): the edge Worker hands those paths to it through the JOBS service
 * binding, so their modules are neither in the edge bundle nor evaluated at its start-up.
 * The jobs Worker has no public route (workers_dev = false, no routes): it is reached only
 * through this binding, so the headers the edge forwards (CF-Connecting-IP, which rate
 * limits count by) cannot be set by anyone else.
 */

/** The /api paths the jobs Worker serves (generation, media, commerce, payments). */
export const JOBS_PATH =
  /^\/api\/(generation|jobs|media|cart|checkout|invoices|orders|plans|product-categories|products|reviews|wishlist|webhooks|admin\/(orders\.csv|orders|product-categories|products|promo-codes|reviews))(\/|$)/;

/** Whether the jobs Worker serves `path`. */
export const isJobsPath = (path: string): boolean => JOBS_PATH.test(path);

/**
 * Hands a jobs path to the jobs Worker as it came: method, headers (the client IP ones
 * included), body as a stream, plus this request's id so both Workers log the same one.
 * The answer goes back untouched (the jobs Worker applies the same headers and CORS).
 */
export const forwardToJobs = createMiddleware<AppEnv>(async (c, next) => {
  if (!isJobsPath(c.req.path)) return next();
  const headers = new Headers(c.req.raw.headers);
  headers.set(REQUEST_ID_HEADER, c.get('requestId'));
  const res = await c.env.JOBS.fetch(new Request(c.req.raw, { headers }));
  // A fetched response's headers are immutable; Hono adds to them on the way out.
  return new Response(res.body, res);
});
