import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as http from './http';

export interface MailSinkOptions {
  port: number;
  host?: string;
  /** Key senders must present as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  log?: (line: string) => void;
}

/** One accepted message, in the field names of Resend's retrieve-email answer. */
export interface SentMail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string>;
  tags: Array<{ name: string; value: string }>;
  attachments: Array<{ filename?: string; content_type?: string; size: number }>;
  /** ISO 8601 time the sink accepted the message. */
  created_at: string;
}

export interface MailSink {
  url: string;
  close(): Promise<void>;
  /** Accepted messages, newest first. */
  messages(): SentMail[];
}

/** A request the sink refuses, answered in Resend's error shape. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 40 * 1024 * 1024;
const MAX_RECIPIENTS = 50;
const MAX_KEPT = 1000;
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60_000;

// Deliberately loose: it catches obvious mistakes (missing @, spaces) without rejecting real addresses.
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Accepts `a@b.c` and `Name <a@b.c>`. */
function validAddress(value: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  return ADDRESS.test(named ? (named[1] ?? '') : value.trim());
}

function validation(message: string): ApiError {
  return new ApiError(422, 'validation_error', message);
}

function addressList(value: unknown, field: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw validation(`Missing \`${field}\` field.`);
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (required && list.length === 0) throw validation(`Missing \`${field}\` field.`);
  if (list.length > MAX_RECIPIENTS) {
    throw validation(`Too many recipients in \`${field}\`: at most ${MAX_RECIPIENTS}.`);
  }
  return list.map((item) => {
    if (typeof item !== 'string' || !validAddress(item)) {
      throw validation(
        `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
      );
    }
    return item.trim();
  });
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`The \`${field}\` field must be a string.`);
  return value;
}

function parseMail(input: unknown): Omit<SentMail, 'id' | 'created_at'> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw validation('The request body must be a JSON object.');
  }
  const body = input as Record<string, unknown>;
  const from = optionalString(body.from, 'from');
  if (!from) throw validation('Missing `from` field.');
  if (!validAddress(from)) {
    throw validation(
      'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    );
  }
  const to = addressList(body.to, 'to', true);
  const subject = optionalString(body.subject, 'subject');
  if (subject === undefined) throw validation('Missing `subject` field.');
  const html = optionalString(body.html, 'html');
  const text = optionalString(body.text, 'text');
  if (html === undefined && text === undefined) {
    throw validation('Missing `html` or `text` field.');
  }
  const headers: Record<string, string> = {};
  if (body.headers !== undefined && body.headers !== null) {
    if (typeof body.headers !== 'object' || Array.isArray(body.headers)) {
      throw validation('The `headers` field must be an object of strings.');
    }
    for (const [name, value] of Object.entries(body.headers)) {
      if (typeof value !== 'string')
        throw validation('The `headers` field must be an object of strings.');
      headers[name] = value;
    }
  }
  const tags: SentMail['tags'] = [];
  if (Array.isArray(body.tags)) {
    for (const tag of body.tags) {
      const { name, value } = (tag ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string' || typeof value !== 'string') {
        throw validation('Each tag needs a string `name` and `value`.');
      }
      tags.push({ name, value });
    }
  }
  const attachments: SentMail['attachments'] = [];
  if (Array.isArray(body.attachments)) {
    for (const attachment of body.attachments) {
      const {
        filename,
        content,
        content_type: contentType,
      } = (attachment ?? {}) as Record<string, unknown>;
      const entry: SentMail['attachments'][number] = {
        size: typeof content === 'string' ? Buffer.from(content, 'base64').length : 0,
      };
      if (typeof filename === 'string') entry.filename = filename;
      if (typeof contentType === 'string') entry.content_type = contentType;
      attachments.push(entry);
    }
  }
  const mail: Omit<SentMail, 'id' | 'created_at'> = {
    from,
    to,
    cc: addressList(body.cc, 'cc', false),
    bcc: addressList(body.bcc, 'bcc', false),
    reply_to: addressList(body.reply_to ?? body.replyTo, 'reply_to', false),
    subject,
    headers,
    tags,
    attachments,
  };
  if (html !== undefined) mail.html = html;
  if (text !== undefined) mail.text = text;
  return mail;
}

/** The request body as JSON; too large or malformed bodies fail in Resend's error shape. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await http.readBody(
    req,
    MAX_BODY_BYTES,
    () => new ApiError(413, 'payload_too_large', 'The request body is too large.'),
  );
  return http.parseJsonBody(body, () => validation('The request body is not valid JSON.'));
}

/**
 * Starts a local sink for a Resend-style e-mail API: `POST /emails` (and `/emails/batch`) accepts
 * and keeps messages, `GET /emails` lists them newest first, `GET /emails/:id` returns one.
 * Nothing is ever sent anywhere; each accepted message is logged as one line.
 */
export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const keyMatches = http.tokenCheck(opts.apiKey);
  const stored: SentMail[] = [];
  const idempotency = new Map<string, { id: string; expiresAt: number }>();

  const accept = (input: unknown): SentMail => {
    const mail: SentMail = {
      id: randomUUID(),
      ...parseMail(input),
      created_at: new Date().toISOString(),
    };
    stored.unshift(mail);
    if (stored.length > MAX_KEPT) stored.length = MAX_KEPT;
    log(`to ${mail.to.join(', ')}: ${mail.subject}`);
    return mail;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const supplied = http.bearerToken(req);
    if (supplied === undefined) {
      throw new ApiError(401, 'missing_api_key', 'Missing API key in the authorization header.');
    }
    if (!keyMatches(supplied)) {
      throw new ApiError(401, 'invalid_api_key', 'API key is invalid.');
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const path = pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';

    if (method === 'POST' && path === '/emails') {
      const input = await readJson(req);
      const key = req.headers['idempotency-key'];
      const now = Date.now();
      for (const [k, entry] of idempotency) if (entry.expiresAt <= now) idempotency.delete(k);
      if (typeof key === 'string') {
        const seen = idempotency.get(key);
        if (seen) {
          http.sendJson(res, 200, { id: seen.id });
          return;
        }
      }
      const mail = accept(input);
      if (typeof key === 'string') {
        idempotency.set(key, { id: mail.id, expiresAt: now + IDEMPOTENCY_WINDOW_MS });
      }
      http.sendJson(res, 200, { id: mail.id });
      return;
    }
    if (method === 'POST' && path === '/emails/batch') {
      const input = await readJson(req);
      if (!Array.isArray(input) || input.length === 0 || input.length > 100) {
        throw validation('The batch must be a JSON array of 1 to 100 e-mails.');
      }
      // Validate all before keeping any, so a rejected batch leaves nothing behind.
      input.forEach(parseMail);
      http.sendJson(res, 200, { data: input.map((item: unknown) => ({ id: accept(item).id })) });
      return;
    }
    if (method === 'GET' && path === '/emails') {
      http.sendJson(res, 200, stored);
      return;
    }
    const one = /^\/emails\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const mail = stored.find((item) => item.id === one[1]);
      if (!mail) throw new ApiError(404, 'not_found', 'Email not found.');
      http.sendJson(res, 200, { object: 'email', ...mail });
      return;
    }
    throw new ApiError(404, 'not_found', `No route for ${method} ${path || '/'}.`);
  };

  const { url, close } = await http.serveJson({
    port: opts.port,
    host,
    handle,
    errorReply: (error) => {
      if (error instanceof ApiError) {
        const { status, code, message } = error;
        return [status, { statusCode: status, name: code, message }];
      }
      const message = http.errorMessage(error);
      return [500, { statusCode: 500, name: 'internal_server_error', message }];
    },
  });
  return { url, messages: () => stored.map((mail) => structuredClone(mail)), close };
}
