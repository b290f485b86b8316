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

/**
 * The one error handler, in three tiers: our ApiErrors, other HTTPExceptions (from Hono's
 * own middleware: malformed JSON, body limit...), and anything else, logged with the
 * request id and answered as a plain 500 with no stack trace.
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
  createLogger({ requestId, method: c.req.method, path: c.req.path }).error('unhandled error', {
    error: err,
  });
  return problemResponse('INTERNAL_SERVER_ERROR', 'Something went wrong on our side.', requestId);
};
