import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './env';
import { ApiError, type FieldIssue, PROBLEM_CONTENT_TYPE } from './errors';

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
