import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env';
import { ApiError, type ErrorCode, problemResponse } from './errors';
import { createLogger } from './logging';

const codeByStatus: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function requestIdOf(c: Context<AppEnv>): string {
  return c.get('requestId') ?? crypto.randomUUID();
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const UNREACHABLE_MESSAGE =
  /connection terminated|connection (?:refused|reset|lost|closed)|network connection lost|timeout exceeded when trying to connect/i;

/**
 * True for a lost or refused database connection (pg and drizzle wrap it in `cause`): the
 * request may succeed in a moment, so the answer is 503, not a bug's 500.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (UNREACHABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/**
 * The one error handler, in four tiers: our ApiErrors, other HTTPExceptions (from Hono's
 * own middleware: malformed JSON, body limit...), a database that cannot be reached (503 with
 * Retry-After), and anything else, logged with the request id and answered as a plain 500
 * with no stack trace.
 */
export const errorHandler: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = requestIdOf(c);
  if (err instanceof ApiError) {
    if (err.status >= 500) {
      createLogger({ requestId }).error('request failed', {
        code: err.code,
        error: err.cause ?? err,
      });
    }
    return problemResponse(err.code, err.message, requestId, {
      issues: err.issues,
      headers: err.headers,
    });
  }
  if (err instanceof HTTPException) {
    const isJsonError = err.status === 400 && /json/i.test(err.message);
    const code: ErrorCode = isJsonError
      ? 'INVALID_JSON'
      : (codeByStatus[err.status] ?? (err.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'));
    const detail = isJsonError ? 'The request body is not valid JSON.' : err.message || code;
    return problemResponse(code, detail, requestId);
  }
  if (isDatabaseUnreachable(err)) {
    createLogger({ requestId, method: c.req.method, path: c.req.path }).error(
      'database unreachable',
      { error: err },
    );
    return problemResponse(
      'SERVICE_UNAVAILABLE',
      'The database cannot be reached right now; try again in a few seconds.',
      requestId,
      { headers: { 'Retry-After': '5' } },
    );
  }
  createLogger({ requestId, method: c.req.method, path: c.req.path }).error('unhandled error', {
    error: err,
  });
  return problemResponse('INTERNAL_SERVER_ERROR', 'Something went wrong on our side.', requestId);
};
