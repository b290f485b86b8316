import { rule } from '../platform/rate-limit';

/** New messages and regenerations: each one calls a model. */
export const CHAT_SEND_RULE = rule('chat-send', 30, 60);
/** Renames, pins, deletes, branch switches, stops. */
export const CHAT_WRITE_RULE = rule('chat-write', 240, 60);
export const CHAT_UPLOAD_RULE = rule('chat-upload', 40, 600);
export const CHAT_IMPORT_RULE = rule('chat-import', 20, 3600);
