import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './env';
import { ApiError, type FieldIssue, PROBLEM_CONTENT_TYPE } from './errors';
import { authenticate, READ_ONLY, requireAdmin, requireAuth } from './middleware/auth';
import { requireSameOrigin } from './middleware/same-origin';
import type { Prefetch } from './preflight';
import type { PerUserLimit } from './rate-limit';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

interface ValidationResult {
  success: boolean;
  target: string;
  error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
}

/**
 * The one validation hook: every zod failure becomes the same VALIDATION_FAILED problem,
 * with one entry per field (`body.email`, `query.page`...). A JSON body sent with another
 * content type is a 415, not a confusing "field required".
 */
export function validationHook(result: ValidationResult, c: Context<AppEnv>): void {
  if (result.success) return;
  if (result.target === 'json') {
    const contentType = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_MEDIA_TYPE.test(contentType)) {
      throw new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Send the body as JSON with "Content-Type: application/json".',
      );
    }
  }
  const prefix = result.target === 'json' ? 'body' : result.target;
  const issues: FieldIssue[] = (result.error?.issues ?? []).map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  const detail = first
    ? `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
    : 'The request is invalid.';
  throw new ApiError('VALIDATION_FAILED', detail, { issues });
}

/** A domain router with the shared validation hook. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** The problem+json schema, referenced by every route's error responses. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://webox.app/problems/validation-failed' }),
    title: z.string().openapi({ example: 'Invalid input' }),
    status: z.number().int().openapi({ example: 400 }),
    code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
    detail: z.string().openapi({ example: 'body.email: Invalid email address' }),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** Standard error responses for a route: pass the statuses it can return. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Invalid input or malformed JSON',
    401: 'Missing, invalid or expired credentials',
    403: 'Not allowed',
    404: 'Not found',
    409: 'Conflict with existing data',
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'Understood but not possible (unknown model, unreadable file)',
    424: 'An AI provider is not configured (no key)',
    429: 'Rate limited or quota used up; see Retry-After',
    502: 'The AI provider failed',
    503: 'A dependency is unavailable',
    504: 'The AI provider did not answer in time',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
}

/** A JSON request body that must be present. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { 'application/json': { schema } },
  } as const;
}

/** A JSON success response with its schema. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * Who may call an operation, written into the OpenAPI document as `x-webox-access` so the
 * route contract test knows which checks apply to each operation.
 */
export type RouteAccess = 'public' | 'user' | 'admin' | 'webhook' | 'api-token';
export const ACCESS_EXTENSION = 'x-webox-access';

const BEARER_SECURITY = [{ bearerAuth: [] }];
const API_TOKEN_SECURITY = [{ apiToken: [] }];

type AppMiddleware = MiddlewareHandler<AppEnv>;

interface RoutePolicy {
  /** Runs after the auth middleware and before the CSRF guard and rate limit (recent auth, body limit). */
  middleware?: readonly AppMiddleware[];
  /** The route's rate limit; runs last and documents the 429. */
  rateLimit?: AppMiddleware;
  /** The route reads an ambient cookie (refresh token, cart): refuse cross-site writes. */
  csrf?: boolean;
  /** Redis values the handler will want (the model registry's version), read with the auth. */
  prefetch?: readonly Prefetch[];
}

type RouteInput = Omit<RouteConfig, 'middleware' | 'security' | 'path'> & {
  path: string;
} & RoutePolicy;

/** What a builder returns: the route as createRoute would, with its policy applied. */
type BuiltRoute<R extends RouteInput> = Omit<R, keyof RoutePolicy | 'responses'> & {
  middleware: AppMiddleware[];
  security?: Array<Record<string, string[]>>;
  responses: R['responses'];
  [ACCESS_EXTENSION]: RouteAccess;
};

function isJsonBody(request: RouteConfig['request']): boolean {
  const content = request?.body?.content;
  return content !== undefined && Object.keys(content).some((type) => JSON_MEDIA_TYPE.test(type));
}

/** The problem statuses every route of this shape can return, whatever its handler does. */
function standardStatuses(access: RouteAccess, config: RouteInput): number[] {
  const statuses = new Set<number>();
  if (access === 'user' || access === 'admin' || access === 'api-token') statuses.add(401);
  if (access === 'admin') statuses.add(403);
  const { request } = config;
  if (request?.params || request?.query || isJsonBody(request)) statuses.add(400);
  if (isJsonBody(request)) {
    statuses.add(413);
    statuses.add(415);
  }
  // A webhook checks its signature before any lookup, so an unknown id is not what it answers.
  if (config.path.includes('{') && access !== 'webhook') statuses.add(404);
  if (config.csrf) statuses.add(403);
  if (config.rateLimit) statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * The auth step, made to count the route's per-account limit and read its prefetches in the
 * same Redis round trip as the session's marks (issue 13) when nothing runs between the two
 * that could refuse the request first.
 */
function early(auth: readonly AppMiddleware[], config: RouteInput): AppMiddleware[] {
  const rule = (config.rateLimit as Partial<PerUserLimit> | undefined)?.perUserRule;
  // A read runs beside its revocation check (requireAuth), which an early limit would undo.
  const write = !READ_ONLY.has(config.method.toUpperCase());
  const quiet = write && !config.middleware?.length && !config.csrf;
  const limit = quiet ? rule : undefined;
  if (!limit && !config.prefetch) return [...auth];
  const combined = authenticate({ limit, prefetch: config.prefetch });
  return auth.map((step) => (step === requireAuth ? combined : step));
}

function buildRoute<R extends RouteInput>(
  access: RouteAccess,
  auth: readonly AppMiddleware[],
  security: Array<Record<string, string[]>> | undefined,
  config: R,
): BuiltRoute<R> {
  const { middleware = [], rateLimit, csrf, prefetch, responses, ...route } = config;
  const chain = [...early(auth, config), ...middleware];
  if (csrf) chain.push(requireSameOrigin);
  if (rateLimit) chain.push(rateLimit);
  return createRoute({
    ...route,
    ...(security ? { security } : {}),
    middleware: chain,
    responses: { ...problemResponses(...standardStatuses(access, config)), ...responses },
    [ACCESS_EXTENSION]: access,
  } as RouteConfig) as unknown as BuiltRoute<R>;
}

/**
 * An operation anyone may call. `security` is only for routes that read a token when one is
 * sent (optional auth); the auth middleware for those is passed in `middleware`.
 */
export function publicRoute<P extends string, R extends RouteInput & { path: P }>(
  config: R & { security?: Array<Record<string, string[]>> },
) {
  const { security, ...rest } = config;
  return buildRoute('public', [], security, rest as R);
}

/** An operation for a signed-in user: bearer access token (requireAuth), 401 without one. */
export function userRoute<P extends string, R extends RouteInput & { path: P }>(config: R) {
  return buildRoute('user', [requireAuth], BEARER_SECURITY, config);
}

/** An operation for admins: requireAuth then requireAdmin, 401 and 403. */
export function adminRoute<P extends string, R extends RouteInput & { path: P }>(config: R) {
  return buildRoute('admin', [requireAuth, requireAdmin], BEARER_SECURITY, config);
}

/**
 * A callback from a provider or QStash. No session and no CSRF guard: the handler verifies
 * the signature over the raw body, which is the credential.
 */
export function webhookRoute<P extends string, R extends RouteInput & { path: P }>(config: R) {
  return buildRoute('webhook', [], undefined, config);
}

/**
 * An operation of the OpenAI-compatible /v1 API, authenticated with a personal API token.
 * The token check is the route's first `middleware` (developer/openai-routes.ts, which also
 * puts it before the unknown-path 404), so it can read the route's rate limit and prefetches
 * in its own Redis round trip; this sets the security scheme and the 401.
 */
export function apiTokenRoute<P extends string, R extends RouteInput & { path: P }>(config: R) {
  return buildRoute('api-token', [], API_TOKEN_SECURITY, config);
}
