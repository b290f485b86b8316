import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Closed set of error codes. Each maps to exactly one HTTP status below. */
export const errorCodes = [
  'BAD_REQUEST',
  'INVALID_JSON',
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'REAUTH_REQUIRED',
  'EMAIL_NOT_VERIFIED',
  'INVALID_CODE',
  'CONFIRMATION_FAILED',
  'PASSKEY_REJECTED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'EMAIL_TAKEN',
  'PAYLOAD_TOO_LARGE',
  'STORAGE_QUOTA_EXCEEDED',
  'RANGE_NOT_SATISFIABLE',
  'INVALID_IMAGE',
  'OUT_OF_STOCK',
  'PROMO_REJECTED',
  'WEBHOOK_REJECTED',
  'PAYMENT_NOT_CONFIGURED',
  'PAYMENT_PROVIDER_ERROR',
  'MODEL_UNAVAILABLE',
  'PROVIDER_NOT_CONFIGURED',
  'KEY_UNREADABLE',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_ERROR',
  'PROVIDER_TIMEOUT',
  'BAD_ENVIRONMENT',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const statusByCode = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 400,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  REAUTH_REQUIRED: 403,
  EMAIL_NOT_VERIFIED: 403,
  INVALID_CODE: 401,
  CONFIRMATION_FAILED: 403,
  PASSKEY_REJECTED: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  STORAGE_QUOTA_EXCEEDED: 413,
  RANGE_NOT_SATISFIABLE: 416,
  INVALID_IMAGE: 422,
  OUT_OF_STOCK: 409,
  PROMO_REJECTED: 422,
  WEBHOOK_REJECTED: 400,
  PAYMENT_NOT_CONFIGURED: 424,
  PAYMENT_PROVIDER_ERROR: 502,
  MODEL_UNAVAILABLE: 422,
  PROVIDER_NOT_CONFIGURED: 424,
  KEY_UNREADABLE: 422,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  PROVIDER_RATE_LIMITED: 429,
  PROVIDER_ERROR: 502,
  PROVIDER_TIMEOUT: 504,
  BAD_ENVIRONMENT: 500,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

const titleByCode: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Bad request',
  INVALID_JSON: 'Malformed JSON body',
  VALIDATION_FAILED: 'Invalid input',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNAUTHORIZED: 'Authentication required',
  INVALID_CREDENTIALS: 'Invalid credentials',
  TOKEN_EXPIRED: 'Token expired',
  TOKEN_INVALID: 'Invalid or expired link',
  FORBIDDEN: 'Forbidden',
  CSRF_REJECTED: 'Cross-site request rejected',
  REAUTH_REQUIRED: 'Recent sign-in required',
  EMAIL_NOT_VERIFIED: 'E-mail address not verified',
  INVALID_CODE: 'Invalid or already used code',
  CONFIRMATION_FAILED: 'Identity not confirmed',
  PASSKEY_REJECTED: 'Passkey rejected',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict',
  EMAIL_TAKEN: 'E-mail address already registered',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  STORAGE_QUOTA_EXCEEDED: 'Storage quota exceeded',
  RANGE_NOT_SATISFIABLE: 'Range not satisfiable',
  INVALID_IMAGE: 'Image not accepted',
  OUT_OF_STOCK: 'Not enough stock',
  PROMO_REJECTED: 'Promo code not applicable',
  WEBHOOK_REJECTED: 'Webhook signature rejected',
  PAYMENT_NOT_CONFIGURED: 'Payment method not configured',
  PAYMENT_PROVIDER_ERROR: 'Payment provider error',
  MODEL_UNAVAILABLE: 'Model not available',
  PROVIDER_NOT_CONFIGURED: 'AI provider not configured',
  KEY_UNREADABLE: 'Your AI key could not be read',
  RATE_LIMITED: 'Too many requests',
  QUOTA_EXCEEDED: 'Usage quota exceeded',
  PROVIDER_RATE_LIMITED: 'AI provider rate limit',
  PROVIDER_ERROR: 'AI provider error',
  PROVIDER_TIMEOUT: 'AI provider timed out',
  BAD_ENVIRONMENT: 'Server misconfigured',
  INTERNAL_SERVER_ERROR: 'Internal server error',
  SERVICE_UNAVAILABLE: 'Service unavailable',
};

/** One field-level problem in a validation failure. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** RFC 9457 problem details as WeBox emits them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  requestId: string;
  errors?: FieldIssue[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://webox.app/problems/';

/** The stable `type` URI for a code, e.g. `https://webox.app/problems/validation-failed`. */
export function problemType(code: ErrorCode): string {
  return PROBLEM_BASE + code.toLowerCase().replaceAll('_', '-');
}

/** An error with a closed code; the error handler turns it into problem+json. */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly issues?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { issues?: FieldIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(statusByCode[code], { message: detail, cause: options.cause });
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers;
  }
}

/** Builds the problem body for a code. */
export function problem(
  code: ErrorCode,
  detail: string,
  requestId: string,
  issues?: FieldIssue[],
): ProblemDetails {
  const body: ProblemDetails = {
    type: problemType(code),
    title: titleByCode[code],
    status: statusByCode[code],
    code,
    detail,
    requestId,
  };
  if (issues && issues.length > 0) body.errors = issues;
  return body;
}

/** A problem+json Response. */
export function problemResponse(
  code: ErrorCode,
  detail: string,
  requestId: string,
  options: { issues?: FieldIssue[]; headers?: Record<string, string> } = {},
): Response {
  const body = problem(code, detail, requestId, options.issues);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'X-Request-Id': requestId,
      ...options.headers,
    },
  });
}
