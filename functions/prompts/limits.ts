import { rule } from '../platform/rate-limit';

/** Allowances for prompt writes (create, edit, delete), per account. */
export const PROMPT_WRITE_RULE = rule('prompt-write', 120, 3600);
/** Favourites are one click each, so they get a larger allowance of their own. */
export const PROMPT_FAVORITE_RULE = rule('prompt-favorite', 300, 3600);
