import { ApiError } from '../platform/errors';
import { consume, type RateLimitRule, rule } from '../platform/rate-limit';
import type { KeyValue } from '../platform/redis';

/**
 * The account-recovery and account-security allowances, per IP and per account or address.
 * Every one is multiplied by RATE_LIMIT_MULTIPLIER like the others.
 */
export const VERIFY_RESEND_ACCOUNT_RULE = rule('verify-resend-account', 3, 3600);
export const VERIFY_RESEND_IP_RULE = rule('verify-resend-ip', 10, 3600);
export const VERIFY_REQUEST_ADDRESS_RULE = rule('verify-request-address', 3, 3600);
export const VERIFY_REQUEST_IP_RULE = rule('verify-request-ip', 10, 3600);
export const VERIFY_EMAIL_IP_RULE = rule('verify-email-ip', 30, 3600);
export const FORGOT_ADDRESS_RULE = rule('forgot-address', 5, 3600);
export const FORGOT_IP_RULE = rule('forgot-ip', 20, 3600);
export const RESET_IP_RULE = rule('reset-ip', 30, 3600);
export const REAUTH_ACCOUNT_RULE = rule('reauth-account', 10, 900);
export const REAUTH_IP_RULE = rule('reauth-ip', 30, 900);
export const CHANGE_PASSWORD_ACCOUNT_RULE = rule('change-password-account', 10, 3600);

/**
 * Failed sign-ins per account (normalised address) per hour, counted apart from the
 * 10-per-15-minutes attempt limiter: that one slows guessing, this one caps a slow,
 * patient attack that stays under it at 100 guesses an hour.
 */
export const LOGIN_FAILURE_RULE = rule('login-failures', 100, 3600);

/**
 * Whether another sign-in attempt may be checked, given the failures already counted in the
 * current window. Pure, so the 100-per-hour decision is unit-tested without Redis.
 */
export function failuresAllowAttempt(
  failures: number,
  failureRule: RateLimitRule = LOGIN_FAILURE_RULE,
  multiplier = 1,
): boolean {
  return failures < Math.max(1, Math.floor(failureRule.limit * multiplier));
}

const failureKey = (subject: string) => `rl:${LOGIN_FAILURE_RULE.name}:${subject}`;

/**
 * Refuses with 429 (and Retry-After) once the account has used up its failed sign-ins for
 * the hour. Reads only: a correct password after the cap is refused too, until the window ends.
 */
export async function assertLoginFailuresAllowed(
  kv: KeyValue,
  subject: string,
  multiplier = 1,
): Promise<void> {
  const key = failureKey(subject);
  const tx = kv.multi();
  tx.get<number>(key);
  tx.pttl(key);
  const [count, pttl] = (await tx.exec()) as [number | null, number];
  if (failuresAllowAttempt(Number(count ?? 0), LOGIN_FAILURE_RULE, multiplier)) return;
  const retryAfter = Math.max(1, Math.ceil((pttl > 0 ? pttl : 3_600_000) / 1000));
  throw new ApiError(
    'RATE_LIMITED',
    `Too many failed sign-ins for this account; try again in ${retryAfter} s.`,
    { headers: { 'Retry-After': String(retryAfter) } },
  );
}

/** Counts one failed sign-in (or re-authentication) against the account's hourly cap. */
export async function recordLoginFailure(kv: KeyValue, subject: string): Promise<void> {
  await consume(kv, LOGIN_FAILURE_RULE, subject);
}
