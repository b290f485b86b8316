import { rule } from '../platform/rate-limit';

/** Allowances for agent writes (create, edit, delete, duplicate, share), per account. */
export const AGENT_WRITE_RULE = rule('agent-write', 120, 3600);
