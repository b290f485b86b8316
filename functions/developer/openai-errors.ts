import type { ErrorHandler } from 'hono';
import type { AppEnv } from '../platform/env';
import { errorHandler } from '../platform/error-handler';
import { type ErrorCode, type ProblemDetails, statusByCode } from '../platform/errors';

/** The `error` member OpenAI clients read: its SDKs show `message` and expose `type`/`code`. */
export interface OpenAiError {
  message: string;
  type: string;
  code: string;
  param: null;
}

/** OpenAI's own codes where one means the same thing; ours, lower-cased, otherwise. */
const OPENAI_CODE: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'invalid_api_key',
  MODEL_UNAVAILABLE: 'model_not_found',
  QUOTA_EXCEEDED: 'insufficient_quota',
  RATE_LIMITED: 'rate_limit_exceeded',
  INVALID_JSON: 'invalid_json',
};

function openAiType(code: ErrorCode): string {
  if (code === 'QUOTA_EXCEEDED') return 'insufficient_quota';
  const status: number = statusByCode[code];
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The OpenAI-style error for one of our codes, also used for errors inside a stream. */
export function openAiError(code: ErrorCode, message: string): OpenAiError {
  return {
    message,
    type: openAiType(code),
    code: OPENAI_CODE[code] ?? code.toLowerCase(),
    param: null,
  };
}

/**
 * The /v1 error handler: the platform's problem+json, unchanged, with an OpenAI-style
 * `error` member added so OpenAI SDK clients show the real message instead of a bare status.
 */
export const openAiErrorHandler: ErrorHandler<AppEnv> = async (err, c) => {
  const res = await errorHandler(err, c);
  const body = (await res.json()) as ProblemDetails;
  const headers = new Headers(res.headers);
  headers.delete('Content-Length');
  return new Response(JSON.stringify({ ...body, error: openAiError(body.code, body.detail) }), {
    status: res.status,
    headers,
  });
};
