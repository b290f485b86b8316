import { rule } from '../platform/rate-limit';

/** Allowances for API tokens and the OpenAI-compatible API, per account. */
export const TOKEN_WRITE_RULE = rule('api-token-write', 30, 3600);
/** Chat completions through /v1: generous for scripts, bounded against a runaway loop. */
export const API_CHAT_RULE = rule('api-chat', 60, 60);
