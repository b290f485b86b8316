import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import * as http from './http';

export interface QStashOptions {
  port: number;
  host?: string;
  /** Bearer token publishers must send. */
  token: string;
  /** Key every callback is signed with (HS256), as QStash's current signing key. */
  currentSigningKey: string;
  /** Accepted by receivers after a rotation; kept so the shape matches QStash's key pair. */
  nextSigningKey: string;
  /** Retries for messages that do not set `Upstash-Retries`; default 3. */
  maxRetries?: number;
  /** First retry delay; each further retry doubles it. Default 1000 ms. */
  retryBaseMs?: number;
  /** How long a deduplication id is remembered; default 10 minutes. */
  dedupWindowMs?: number;
  log?: (line: string) => void;
}

/** QStash's message states, as the events API names them. */
export type MessageState = 'CREATED' | 'ACTIVE' | 'RETRY' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

export interface DeliveryAttempt {
  /** Unix ms when the attempt started. */
  at: number;
  durationMs: number;
  /** HTTP status, absent when the request itself failed. */
  status?: number;
  error?: string;
}

export interface DeliveryRecord {
  messageId: string;
  url: string;
  method: string;
  /** Headers forwarded to the destination (signature and QStash's own headers excluded). */
  headers: Record<string, string>;
  body: string;
  state: MessageState;
  createdAt: number;
  notBefore: number;
  maxRetries: number;
  attempts: DeliveryAttempt[];
  callback?: string;
  failureCallback?: string;
  scheduleId?: string;
  /** Set on callback and failure-callback deliveries: the message they report on. */
  sourceMessageId?: string;
}

export interface QStashServer {
  url: string;
  close(): Promise<void>;
  /** Every message seen so far, oldest first, with its delivery attempts. */
  deliveries(): DeliveryRecord[];
}

interface PublishSpec {
  url: string;
  method: string;
  body: Buffer;
  headers: Record<string, string>;
  notBefore: number;
  maxRetries: number;
  retryDelay?: string;
  timeoutMs: number;
  callback?: string;
  failureCallback?: string;
  callbackHeaders: Record<string, string>;
  failureCallbackHeaders: Record<string, string>;
  dedupKey?: string;
  label?: string;
}

interface Message extends PublishSpec {
  id: string;
  state: MessageState;
  createdAt: number;
  attempts: DeliveryAttempt[];
  scheduleId?: string;
  sourceMessageId?: string;
  timer?: NodeJS.Timeout;
  inFlight?: AbortController;
}

interface Schedule {
  id: string;
  cron: string;
  matcher: CronMatcher;
  destination: string;
  spec: PublishSpec;
  /** Delay in ms applied to each message the schedule creates. */
  delayMs: number;
  createdAt: number;
  isPaused: boolean;
  lastScheduleTime?: number;
}

interface QStashEvent {
  time: number;
  messageId: string;
  state: MessageState;
  url: string;
  responseStatus?: number;
  error?: string;
  nextDeliveryTime?: number;
}

/** A failure the publisher caused; answered with 400 and `{"error": message}`. */
class RequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const SIGNATURE_TTL_S = 5 * 60;
const MAX_EVENTS = 10_000;
const MAX_FINISHED = 5_000;
const FINAL_STATES: ReadonlySet<MessageState> = new Set(['DELIVERED', 'FAILED', 'CANCELLED']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

// ---------------------------------------------------------------------------------------------
// Parsing helpers

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses QStash durations: `10s`, `2m`, `1h30m`, `1d`, `500ms`; a bare number means seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new RequestError(`invalid duration: ${raw}`);
  }
  return parts.reduce(
    (total, part) => total + Number(part[1]) * (DURATION_UNITS[part[2] ?? 's'] ?? 1000),
    0,
  );
}

type Token =
  | { kind: 'num'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'op'; op: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|([-+*/(),]))/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(expression);
    if (!match) throw new RequestError(`invalid retry delay expression: ${expression}`);
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'id', name: match[2] });
    else tokens.push({ kind: 'op', op: match[3] ?? '' });
    index = pattern.lastIndex;
  }
  return tokens;
}

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  pow: (a = 0, b = 0) => a ** b,
  sqrt: (a = 0) => Math.sqrt(a),
  abs: (a = 0) => Math.abs(a),
  exp: (a = 0) => Math.exp(a),
  floor: (a = 0) => Math.floor(a),
  ceil: (a = 0) => Math.ceil(a),
  round: (a = 0) => Math.round(a),
  min: (...args) => Math.min(...args),
  max: (...args) => Math.max(...args),
};

/**
 * Evaluates an `Upstash-Retry-Delay` expression (e.g. `pow(2, retried) * 1000`) to milliseconds.
 * Supports numbers, `retried`, + - * /, parentheses and pow/sqrt/abs/exp/floor/ceil/round/min/max.
 */
export function evaluateRetryDelay(expression: string, retried: number): number {
  const tokens = tokenize(expression);
  let position = 0;
  const fail = (): never => {
    throw new RequestError(`invalid retry delay expression: ${expression}`);
  };
  const peekOp = (): string | undefined => {
    const token = tokens[position];
    return token?.kind === 'op' ? token.op : undefined;
  };
  const expectOp = (op: string) => {
    if (peekOp() !== op) fail();
    position++;
  };
  const parseExpression = (): number => {
    let value = parseTerm();
    for (let op = peekOp(); op === '+' || op === '-'; op = peekOp()) {
      position++;
      value = op === '+' ? value + parseTerm() : value - parseTerm();
    }
    return value;
  };
  const parseTerm = (): number => {
    let value = parseFactor();
    for (let op = peekOp(); op === '*' || op === '/'; op = peekOp()) {
      position++;
      value = op === '*' ? value * parseFactor() : value / parseFactor();
    }
    return value;
  };
  const parseFactor = (): number => {
    const token = tokens[position++];
    if (!token) return fail();
    if (token.kind === 'num') return token.value;
    if (token.kind === 'op') {
      if (token.op === '-') return -parseFactor();
      if (token.op !== '(') return fail();
      const value = parseExpression();
      expectOp(')');
      return value;
    }
    if (token.name === 'retried') return retried;
    const fn = FUNCTIONS[token.name];
    if (!fn) return fail();
    expectOp('(');
    const args = [parseExpression()];
    while (peekOp() === ',') {
      position++;
      args.push(parseExpression());
    }
    expectOp(')');
    return fn(...args);
  };
  const value = parseExpression();
  if (position !== tokens.length || !Number.isFinite(value)) fail();
  return Math.max(0, value);
}

// ---------------------------------------------------------------------------------------------
// Cron (5 fields, UTC)

type CronMatcher = (date: Date) => boolean;

const CRON_NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function cronValue(raw: string, min: number, max: number): number {
  const named = CRON_NAMES[raw.toLowerCase()];
  const value = named ?? (/^\d+$/.test(raw) ? Number(raw) : Number.NaN);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RequestError(`invalid cron value: ${raw}`);
  }
  return value;
}

function cronField(field: string, min: number, max: number): Set<number> | undefined {
  if (field === '*' || field === '?') return undefined;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', rawStep] = part.split('/');
    const step = rawStep === undefined ? 1 : cronValue(rawStep, 1, max);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [start = '', end = ''] = range.split('-');
      from = cronValue(start, min, max);
      to = cronValue(end, min, max);
    } else {
      from = cronValue(range, min, max);
      to = rawStep === undefined ? from : max;
    }
    if (from > to) throw new RequestError(`invalid cron range: ${part}`);
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function parseCron(expression: string): CronMatcher {
  // QStash accepts a CRON_TZ= prefix; this stand-in evaluates every schedule in UTC.
  const text = expression.trim().replace(/^CRON_TZ=\S+\s+/, '');
  const fields = (CRON_MACROS[text] ?? text).split(/\s+/);
  if (fields.length !== 5) throw new RequestError(`invalid cron expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = [
    cronField(fields[0] ?? '', 0, 59),
    cronField(fields[1] ?? '', 0, 23),
    cronField(fields[2] ?? '', 1, 31),
    cronField(fields[3] ?? '', 1, 12),
    cronField(fields[4] ?? '', 0, 7),
  ];
  if (dayOfWeek?.has(7)) dayOfWeek.add(0);
  return (date) => {
    if (minute && !minute.has(date.getUTCMinutes())) return false;
    if (hour && !hour.has(date.getUTCHours())) return false;
    if (month && !month.has(date.getUTCMonth() + 1)) return false;
    const domOk = !dayOfMonth || dayOfMonth.has(date.getUTCDate());
    const dowOk = !dayOfWeek || dayOfWeek.has(date.getUTCDay());
    // Standard cron: when both day fields are restricted, either one matching is enough.
    return dayOfMonth && dayOfWeek ? domOk || dowOk : domOk && dowOk;
  };
}

/** True when the 5-field cron `expression` (UTC) fires in the minute containing `date`. */
export function cronMatches(expression: string, date: Date): boolean {
  return parseCron(expression)(date);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function lowerCaseKeys(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') out[name.toLowerCase()] = value;
      else if (Array.isArray(value)) out[name.toLowerCase()] = value.map(String).join(', ');
    }
  }
  return out;
}

function stripPrefix(headers: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(prefix) && name.length > prefix.length)
      out[name.slice(prefix.length)] = value;
  }
  return out;
}

function asHeaderLists(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
}

function isUtf8(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

function isCancelled(message: Message): boolean {
  return message.state === 'CANCELLED';
}

/** A copy backed by a plain ArrayBuffer, which fetch's body type requires. */
function copyBytes(body: Buffer): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(body.byteLength);
  bytes.set(body);
  return bytes;
}

/** QStash-style ids: a prefix and 26 random base62 characters. */
function newId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(26);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return `${prefix}_${id}`;
}

/** Base64url SHA-256 of the body with `=` padding, as QStash puts it in the `body` claim. */
function bodyHash(body: Buffer): string {
  const hash = createHash('sha256').update(body).digest('base64url');
  return hash.padEnd(Math.ceil(hash.length / 4) * 4, '=');
}

function destinationFrom(rawPath: string): string {
  let destination = rawPath;
  if (!/^https?:\/\//i.test(destination)) {
    try {
      destination = decodeURIComponent(destination);
    } catch {
      throw new RequestError(`invalid destination: ${rawPath}`);
    }
  }
  if (!/^https?:\/\//i.test(destination)) {
    throw new RequestError(
      `invalid destination: ${rawPath} (URL groups and APIs are not supported by the local QStash)`,
    );
  }
  try {
    return new URL(destination).toString();
  } catch {
    throw new RequestError(`invalid destination url: ${destination}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The service

class LocalQStash {
  private readonly messages = new Map<string, Message>();
  private readonly schedules = new Map<string, Schedule>();
  private readonly dedup = new Map<string, { messageId: string; expiresAt: number }>();
  private readonly events: QStashEvent[] = [];
  private readonly signingKey: Uint8Array;
  private readonly tokenMatches: (supplied: string) => boolean;
  private readonly log: (line: string) => void;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly dedupWindowMs: number;
  private cronTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(opts: QStashOptions) {
    this.signingKey = new TextEncoder().encode(opts.currentSigningKey);
    this.tokenMatches = http.tokenCheck(opts.token);
    this.log = opts.log ?? (() => undefined);
    this.maxRetries = opts.maxRetries ?? 3;
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.dedupWindowMs = opts.dedupWindowMs ?? 10 * 60_000;
    this.armCron();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (!this.tokenMatches(http.bearerToken(req) ?? '')) {
      http.sendJson(res, 401, { error: 'Unauthorized' });
      return;
    }
    const body = await http.readBody(
      req,
      MAX_BODY_BYTES,
      () => new RequestError('request body too large', 413),
    );
    const headers = flattenHeaders(req.headers);
    const url = new URL(rawUrl, 'http://localhost');

    if (method === 'POST' && rawUrl.startsWith('/v2/publish/')) {
      const spec = this.parseSpec(
        destinationFrom(rawUrl.slice('/v2/publish/'.length)),
        headers,
        body,
      );
      const [status, answer] = this.publish(spec);
      http.sendJson(res, status, answer);
      return;
    }
    const enqueue = /^\/v2\/enqueue\/[^/]+\/(.+)$/.exec(rawUrl);
    if (method === 'POST' && enqueue) {
      const spec = this.parseSpec(destinationFrom(enqueue[1] ?? ''), headers, body);
      const [status, answer] = this.publish(spec);
      http.sendJson(res, status, answer);
      return;
    }
    if (method === 'POST' && url.pathname === '/v2/batch') {
      http.sendJson(res, 201, this.batch(body));
      return;
    }
    const messagePath = /^\/v2\/messages(?:\/([^/]+))?$/.exec(url.pathname);
    if (messagePath) {
      const id = messagePath[1] === undefined ? undefined : decodeURIComponent(messagePath[1]);
      if (method === 'GET' && id) {
        const message = this.messages.get(id);
        if (!message || FINAL_STATES.has(message.state))
          throw new RequestError('message not found', 404);
        http.sendJson(res, 200, this.describeMessage(message));
        return;
      }
      if (method === 'DELETE' && id) {
        const message = this.messages.get(id);
        if (!message || FINAL_STATES.has(message.state))
          throw new RequestError('message not found', 404);
        this.cancel(message);
        http.sendJson(res, 200, { cancelled: 1 });
        return;
      }
      if (method === 'DELETE') {
        http.sendJson(res, 200, { cancelled: this.cancelMatching(url.searchParams) });
        return;
      }
    }
    if (method === 'GET' && url.pathname === '/v2/events') {
      http.sendJson(res, 200, this.listEvents(url.searchParams));
      return;
    }
    if (url.pathname === '/v2/dlq' && method === 'GET') {
      http.sendJson(res, 200, { messages: [] });
      return;
    }
    if (rawUrl.startsWith('/v2/schedules')) {
      this.handleSchedules(method, rawUrl, url, headers, body, res);
      return;
    }
    throw new RequestError(`not found: ${method} ${url.pathname}`, 404);
  }

  deliveries(): DeliveryRecord[] {
    return [...this.messages.values()].map((message) => this.record(message));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.cronTimer) clearTimeout(this.cronTimer);
    for (const message of this.messages.values()) {
      if (message.timer) clearTimeout(message.timer);
      message.inFlight?.abort();
    }
  }

  // -- publishing ------------------------------------------------------------------------------

  private parseSpec(url: string, headers: Record<string, string>, body: Buffer): PublishSpec {
    const method = (headers['upstash-method'] ?? 'POST').toUpperCase();
    if (!METHODS.has(method)) throw new RequestError(`invalid Upstash-Method: ${method}`);
    let notBefore = Date.now();
    const delay = headers['upstash-delay'];
    if (delay !== undefined) notBefore += parseDuration(delay);
    const notBeforeHeader = headers['upstash-not-before'];
    if (notBeforeHeader !== undefined) {
      if (!/^\d+$/.test(notBeforeHeader)) throw new RequestError('invalid Upstash-Not-Before');
      notBefore = Number(notBeforeHeader) * 1000;
    }
    const retriesHeader = headers['upstash-retries'];
    if (retriesHeader !== undefined && !/^\d+$/.test(retriesHeader)) {
      throw new RequestError('invalid Upstash-Retries');
    }
    const retryDelay = headers['upstash-retry-delay'];
    if (retryDelay !== undefined) evaluateRetryDelay(retryDelay, 0);
    const timeout = headers['upstash-timeout'];
    const forwarded = stripPrefix(headers, 'upstash-forward-');
    const contentType = headers['content-type'];
    if (contentType !== undefined) forwarded['content-type'] = contentType;
    const spec: PublishSpec = {
      url,
      method,
      body,
      headers: forwarded,
      notBefore,
      maxRetries: retriesHeader === undefined ? this.maxRetries : Number(retriesHeader),
      timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeout),
      callbackHeaders: stripPrefix(headers, 'upstash-callback-forward-'),
      failureCallbackHeaders: stripPrefix(headers, 'upstash-failure-callback-forward-'),
    };
    if (retryDelay !== undefined) spec.retryDelay = retryDelay;
    const callback = headers['upstash-callback'];
    if (callback !== undefined) spec.callback = destinationFrom(callback);
    const failureCallback = headers['upstash-failure-callback'];
    if (failureCallback !== undefined) spec.failureCallback = destinationFrom(failureCallback);
    const label = headers['upstash-label'];
    if (label !== undefined) spec.label = label;
    const dedupId = headers['upstash-deduplication-id'];
    if (dedupId !== undefined) spec.dedupKey = `id:${dedupId}`;
    else if (headers['upstash-content-based-deduplication'] === 'true') {
      // QStash hashes the destination, the body and the forwarded headers (Content-Type included).
      const hash = createHash('sha256').update(url).update('\n').update(body);
      for (const name of Object.keys(forwarded).sort()) hash.update(`\n${name}:${forwarded[name]}`);
      spec.dedupKey = `content:${hash.digest('hex')}`;
    }
    return spec;
  }

  private publish(
    spec: PublishSpec,
    extra: { scheduleId?: string; sourceMessageId?: string } = {},
  ): [number, { messageId: string; deduplicated?: boolean }] {
    if (spec.dedupKey) {
      const now = Date.now();
      const seen = this.dedup.get(spec.dedupKey);
      if (seen && seen.expiresAt > now) {
        this.log(`duplicate of ${seen.messageId} dropped (${spec.url})`);
        return [202, { messageId: seen.messageId, deduplicated: true }];
      }
      for (const [key, entry] of this.dedup) if (entry.expiresAt <= now) this.dedup.delete(key);
    }
    const message: Message = {
      ...spec,
      id: newId('msg'),
      state: 'CREATED',
      createdAt: Date.now(),
      attempts: [],
      ...extra,
    };
    if (spec.dedupKey) {
      this.dedup.set(spec.dedupKey, {
        messageId: message.id,
        expiresAt: Date.now() + this.dedupWindowMs,
      });
    }
    this.messages.set(message.id, message);
    this.pruneFinished();
    this.event(message, 'CREATED');
    const wait = message.notBefore - Date.now();
    this.log(
      `accepted ${message.id} → ${message.method} ${message.url}` +
        (wait > 0 ? ` (in ${Math.round(wait / 1000)} s)` : ''),
    );
    this.scheduleAttempt(message, message.notBefore);
    return [201, { messageId: message.id }];
  }

  private batch(body: Buffer): Array<{ messageId: string; deduplicated?: boolean }> {
    let items: unknown;
    try {
      items = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RequestError('batch body must be a JSON array');
    }
    if (!Array.isArray(items)) throw new RequestError('batch body must be a JSON array');
    const specs = items.map((item: unknown) => {
      if (!item || typeof item !== 'object') throw new RequestError('invalid batch item');
      const { destination, headers, body: itemBody } = item as Record<string, unknown>;
      if (typeof destination !== 'string') throw new RequestError('batch item needs a destination');
      const text =
        typeof itemBody === 'string'
          ? itemBody
          : itemBody === undefined
            ? ''
            : JSON.stringify(itemBody);
      return this.parseSpec(
        destinationFrom(destination),
        lowerCaseKeys(headers),
        Buffer.from(text),
      );
    });
    return specs.map((spec) => this.publish(spec)[1]);
  }

  // -- delivery --------------------------------------------------------------------------------

  private scheduleAttempt(message: Message, at: number): void {
    if (this.closed) return;
    const wait = Math.max(0, at - Date.now());
    // setTimeout cannot wait longer than about 24.8 days: wake up and wait again.
    message.timer = setTimeout(
      () => {
        message.timer = undefined;
        if (wait > MAX_TIMER_MS) this.scheduleAttempt(message, at);
        else void this.attempt(message);
      },
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  private async sign(url: string, body: Buffer): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ body: bodyHash(body) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('Upstash')
      .setSubject(url)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + SIGNATURE_TTL_S)
      .setJti(newId('jwt'))
      .sign(this.signingKey);
  }

  private async attempt(message: Message): Promise<void> {
    if (this.closed || FINAL_STATES.has(message.state)) return;
    message.state = 'ACTIVE';
    const retried = message.attempts.length;
    const signature = await this.sign(message.url, message.body);
    if (this.closed || isCancelled(message)) return;
    const headers: Record<string, string> = {
      ...message.headers,
      'upstash-signature': signature,
      'upstash-message-id': message.id,
      'upstash-retried': String(retried),
      'upstash-caller-ip': '127.0.0.1',
      'user-agent': 'Upstash-QStash',
    };
    if (message.scheduleId) headers['upstash-schedule-id'] = message.scheduleId;
    const controller = new AbortController();
    message.inFlight = controller;
    const started = Date.now();
    let status: number | undefined;
    let error: string | undefined;
    let response: { status: number; headers: Record<string, string>; body: Buffer } | undefined;
    let nonRetryable = false;
    try {
      const res = await fetch(message.url, {
        method: message.method,
        headers,
        body:
          message.method === 'GET' || message.method === 'HEAD'
            ? undefined
            : copyBytes(message.body),
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(message.timeoutMs)]),
      });
      status = res.status;
      const responseBody = Buffer.from(await res.arrayBuffer()).subarray(0, MAX_RESPONSE_BYTES);
      response = {
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body: responseBody,
      };
      nonRetryable = res.status === 489 && res.headers.get('upstash-nonretryable-error') === 'true';
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (cause) {
      error =
        cause instanceof Error
          ? cause.cause instanceof Error
            ? cause.cause.message
            : cause.message
          : String(cause);
    } finally {
      message.inFlight = undefined;
    }
    // Cancellation can land while the request is in flight.
    if (this.closed || isCancelled(message)) return;
    const attempt: DeliveryAttempt = { at: started, durationMs: Date.now() - started };
    if (status !== undefined) attempt.status = status;
    if (error !== undefined) attempt.error = error;
    message.attempts.push(attempt);

    if (error === undefined) {
      message.state = 'DELIVERED';
      this.event(message, 'DELIVERED', { responseStatus: status });
      this.log(`delivered ${message.id} → ${message.url} ${status} (${attempt.durationMs} ms)`);
      if (message.callback && response)
        this.sendCallback(message, message.callback, response, 'callback');
      return;
    }
    if (retried < message.maxRetries && !nonRetryable) {
      const backoff = message.retryDelay
        ? evaluateRetryDelay(message.retryDelay, retried)
        : this.retryBaseMs * 2 ** retried;
      message.state = 'RETRY';
      this.event(message, 'RETRY', { error, nextDeliveryTime: Date.now() + backoff });
      this.log(
        `${message.id} → ${message.url} failed (${error}); ` +
          `retry ${retried + 1}/${message.maxRetries} in ${Math.round(backoff)} ms`,
      );
      this.scheduleAttempt(message, Date.now() + backoff);
      return;
    }
    message.state = 'FAILED';
    this.event(message, 'FAILED', { error, responseStatus: status });
    this.log(
      `${message.id} → ${message.url} failed after ${message.attempts.length} attempts (${error})`,
    );
    if (message.failureCallback) {
      const last = response ?? { status: 0, headers: {}, body: Buffer.from(error) };
      this.sendCallback(message, message.failureCallback, last, 'failure');
    }
  }

  /** Publishes the report QStash sends to `Upstash-Callback` / `Upstash-Failure-Callback`. */
  private sendCallback(
    source: Message,
    url: string,
    response: { status: number; headers: Record<string, string>; body: Buffer },
    kind: 'callback' | 'failure',
  ): void {
    const payload: Record<string, unknown> = {
      status: response.status,
      header: asHeaderLists(response.headers),
      body: response.body.toString('base64'),
      retried: source.attempts.length - 1,
      maxRetries: source.maxRetries,
      sourceMessageId: source.id,
      url: source.url,
      method: source.method,
      sourceHeader: asHeaderLists(source.headers),
      sourceBody: source.body.toString('base64'),
      notBefore: source.notBefore,
      createdAt: source.createdAt,
      callerIP: '127.0.0.1',
    };
    if (source.scheduleId) payload.scheduleId = source.scheduleId;
    const forwarded = kind === 'callback' ? source.callbackHeaders : source.failureCallbackHeaders;
    const spec: PublishSpec = {
      url,
      method: 'POST',
      body: Buffer.from(JSON.stringify(payload)),
      headers: { ...forwarded, 'content-type': 'application/json' },
      notBefore: Date.now(),
      maxRetries: this.maxRetries,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      callbackHeaders: {},
      failureCallbackHeaders: {},
    };
    this.publish(spec, { sourceMessageId: source.id });
  }

  private cancel(message: Message): void {
    if (message.timer) clearTimeout(message.timer);
    message.timer = undefined;
    message.inFlight?.abort();
    message.state = 'CANCELLED';
    this.event(message, 'CANCELLED');
    this.log(`cancelled ${message.id} → ${message.url}`);
  }

  private cancelMatching(query: URLSearchParams): number {
    const ids = query.getAll('messageIds');
    const urls = query.getAll('url');
    const labels = query.getAll('label');
    let cancelled = 0;
    for (const message of this.messages.values()) {
      if (FINAL_STATES.has(message.state)) continue;
      if (ids.length > 0 && !ids.includes(message.id)) continue;
      if (urls.length > 0 && !urls.includes(message.url)) continue;
      if (labels.length > 0 && !labels.includes(message.label ?? '')) continue;
      this.cancel(message);
      cancelled++;
    }
    return cancelled;
  }

  private pruneFinished(): void {
    const finished = [...this.messages.values()].filter((message) =>
      FINAL_STATES.has(message.state),
    );
    for (const message of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) {
      this.messages.delete(message.id);
    }
  }

  // -- reporting -------------------------------------------------------------------------------

  private event(message: Message, state: MessageState, extra: Partial<QStashEvent> = {}): void {
    const event: QStashEvent = { time: Date.now(), messageId: message.id, state, url: message.url };
    if (extra.responseStatus !== undefined) event.responseStatus = extra.responseStatus;
    if (extra.error !== undefined) event.error = extra.error;
    if (extra.nextDeliveryTime !== undefined) event.nextDeliveryTime = extra.nextDeliveryTime;
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  private listEvents(query: URLSearchParams): { events: QStashEvent[] } {
    const messageId = query.get('messageId');
    const state = query.get('state');
    const url = query.get('url');
    const count = Number(query.get('count') ?? 100);
    const events = this.events
      .filter(
        (event) =>
          (!messageId || event.messageId === messageId) &&
          (!state || event.state === state) &&
          (!url || event.url === url),
      )
      .reverse()
      .slice(0, Number.isFinite(count) && count > 0 ? count : 100);
    return { events };
  }

  private describeMessage(message: Message): Record<string, unknown> {
    const utf8 = isUtf8(message.body);
    const out: Record<string, unknown> = {
      messageId: message.id,
      url: message.url,
      method: message.method,
      header: asHeaderLists(message.headers),
      maxRetries: message.maxRetries,
      notBefore: message.notBefore,
      createdAt: message.createdAt,
      callerIp: '127.0.0.1',
      ...(utf8
        ? { body: message.body.toString('utf8') }
        : { bodyBase64: message.body.toString('base64') }),
    };
    if (message.callback) out.callback = message.callback;
    if (message.failureCallback) out.failureCallback = message.failureCallback;
    if (message.scheduleId) out.scheduleId = message.scheduleId;
    if (message.retryDelay) out.retryDelayExpression = message.retryDelay;
    if (message.label) out.label = message.label;
    return out;
  }

  private record(message: Message): DeliveryRecord {
    const record: DeliveryRecord = {
      messageId: message.id,
      url: message.url,
      method: message.method,
      headers: { ...message.headers },
      body: message.body.toString('utf8'),
      state: message.state,
      createdAt: message.createdAt,
      notBefore: message.notBefore,
      maxRetries: message.maxRetries,
      attempts: message.attempts.map((attempt) => ({ ...attempt })),
    };
    if (message.callback) record.callback = message.callback;
    if (message.failureCallback) record.failureCallback = message.failureCallback;
    if (message.scheduleId) record.scheduleId = message.scheduleId;
    if (message.sourceMessageId) record.sourceMessageId = message.sourceMessageId;
    return record;
  }

  // -- schedules -------------------------------------------------------------------------------

  private handleSchedules(
    method: string,
    rawUrl: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer,
    res: ServerResponse,
  ): void {
    if (method === 'POST' && rawUrl.startsWith('/v2/schedules/')) {
      const destination = destinationFrom(rawUrl.slice('/v2/schedules/'.length));
      const cron = headers['upstash-cron'];
      if (!cron) throw new RequestError('Upstash-Cron header is required');
      const matcher = parseCron(cron);
      const { 'upstash-delay': delay, ...rest } = headers;
      const id = headers['upstash-schedule-id'] ?? newId('scd');
      const previous = this.schedules.get(id);
      this.schedules.set(id, {
        id,
        cron,
        matcher,
        destination,
        spec: this.parseSpec(destination, rest, body),
        delayMs: delay === undefined ? 0 : parseDuration(delay),
        createdAt: previous?.createdAt ?? Date.now(),
        isPaused: false,
      });
      this.log(`schedule ${id} "${cron}" → ${destination}`);
      http.sendJson(res, 200, { scheduleId: id });
      return;
    }
    const match = /^\/v2\/schedules(?:\/([^/]+)(?:\/(pause|resume))?)?$/.exec(url.pathname);
    if (!match) throw new RequestError('not found', 404);
    const id = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    const action = match[2];
    if (!id) {
      if (method !== 'GET') throw new RequestError('method not allowed', 405);
      http.sendJson(
        res,
        200,
        [...this.schedules.values()].map((schedule) => this.describeSchedule(schedule)),
      );
      return;
    }
    const schedule = this.schedules.get(id);
    if (!schedule) throw new RequestError('schedule not found', 404);
    if (method === 'GET' && !action) {
      http.sendJson(res, 200, this.describeSchedule(schedule));
    } else if (method === 'DELETE' && !action) {
      this.schedules.delete(id);
      http.sendJson(res, 200, undefined);
    } else if (method === 'PATCH' && action) {
      schedule.isPaused = action === 'pause';
      http.sendJson(res, 200, undefined);
    } else throw new RequestError('method not allowed', 405);
  }

  private describeSchedule(schedule: Schedule): Record<string, unknown> {
    const { spec } = schedule;
    const out: Record<string, unknown> = {
      scheduleId: schedule.id,
      cron: schedule.cron,
      createdAt: schedule.createdAt,
      destination: schedule.destination,
      method: spec.method,
      header: asHeaderLists(spec.headers),
      body: spec.body.toString('utf8'),
      retries: spec.maxRetries,
      isPaused: schedule.isPaused,
    };
    if (schedule.delayMs > 0) out.delay = Math.round(schedule.delayMs / 1000);
    if (spec.callback) out.callback = spec.callback;
    if (spec.failureCallback) out.failureCallback = spec.failureCallback;
    if (schedule.lastScheduleTime) out.lastScheduleTime = schedule.lastScheduleTime;
    const next = this.nextRun(schedule);
    if (next !== undefined) out.nextScheduleTime = next;
    return out;
  }

  private nextRun(schedule: Schedule): number | undefined {
    const minute = 60_000;
    let time = Math.floor(Date.now() / minute) * minute + minute;
    // Looking 31 days ahead is enough for a dev listing; rarer schedules show no next time.
    for (let i = 0; i < 31 * 24 * 60; i++, time += minute) {
      if (schedule.matcher(new Date(time))) return time;
    }
    return undefined;
  }

  private armCron(): void {
    if (this.closed) return;
    const wait = 60_000 - (Date.now() % 60_000);
    this.cronTimer = setTimeout(() => {
      this.fireSchedules(new Date());
      this.armCron();
    }, wait + 5);
    // A dev server must not keep the process alive on its own.
    this.cronTimer.unref();
  }

  private fireSchedules(now: Date): void {
    for (const schedule of this.schedules.values()) {
      if (schedule.isPaused || !schedule.matcher(now)) continue;
      schedule.lastScheduleTime = now.getTime();
      const spec: PublishSpec = { ...schedule.spec, notBefore: Date.now() + schedule.delayMs };
      delete spec.dedupKey;
      this.publish(spec, { scheduleId: schedule.id });
    }
  }
}

/**
 * Starts a local server speaking the QStash v2 API (publish, enqueue, batch, messages, events,
 * schedules) that delivers each message to its destination with a QStash-style `Upstash-Signature`
 * JWT, retrying failures with exponential backoff.
 */
export async function startQStash(opts: QStashOptions): Promise<QStashServer> {
  const host = opts.host ?? '127.0.0.1';
  const service = new LocalQStash(opts);
  const listening = await http
    .serveJson({
      port: opts.port,
      host,
      handle: (req, res) => service.handle(req, res),
      errorReply: (error) => [
        error instanceof RequestError ? error.status : 500,
        { error: http.errorMessage(error) },
      ],
    })
    .catch(async (error: unknown) => {
      await service.close();
      throw error;
    });
  return {
    url: listening.url,
    deliveries: () => service.deliveries(),
    close: async () => {
      await service.close();
      await listening.close();
    },
  };
}
