import type { RateLimitRule } from '../platform/rate-limit';

/** Allowances for the profile and key endpoints, per account unless named -ip. */
export const PROFILE_UPDATE_RULE: RateLimitRule = {
  name: 'profile-update',
  limit: 60,
  windowSeconds: 3600,
};
export const EMAIL_CHANGE_RULE: RateLimitRule = {
  name: 'email-change',
  limit: 10,
  windowSeconds: 3600,
};
export const EMAIL_CONFIRM_IP_RULE: RateLimitRule = {
  name: 'email-confirm-ip',
  limit: 30,
  windowSeconds: 3600,
};
export const AVATAR_UPLOAD_RULE: RateLimitRule = {
  name: 'avatar-upload',
  limit: 30,
  windowSeconds: 3600,
};
export const KEY_WRITE_RULE: RateLimitRule = { name: 'key-write', limit: 30, windowSeconds: 3600 };
/** Each test is an outbound call with the user's key: cheap, but not free for anyone. */
export const KEY_TEST_RULE: RateLimitRule = { name: 'key-test', limit: 30, windowSeconds: 900 };
export const KEY_ROTATE_RULE: RateLimitRule = {
  name: 'key-rotate',
  limit: 10,
  windowSeconds: 3600,
};
