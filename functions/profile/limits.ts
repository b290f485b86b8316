import { rule } from '../platform/rate-limit';

/** Allowances for the profile and key endpoints, per account unless named -ip. */
export const PROFILE_UPDATE_RULE = rule('profile-update', 60, 3600);
export const EMAIL_CHANGE_RULE = rule('email-change', 10, 3600);
export const EMAIL_CONFIRM_IP_RULE = rule('email-confirm-ip', 30, 3600);
export const AVATAR_UPLOAD_RULE = rule('avatar-upload', 30, 3600);
export const KEY_WRITE_RULE = rule('key-write', 30, 3600);
/** Each test is an outbound call with the user's key: cheap, but not free for anyone. */
export const KEY_TEST_RULE = rule('key-test', 30, 900);
export const KEY_ROTATE_RULE = rule('key-rotate', 10, 3600);
