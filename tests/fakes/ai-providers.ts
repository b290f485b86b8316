import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bearerToken,
  type Listening,
  parseJsonBody,
  readBody,
  sendJson,
  serveJson,
} from '../../tools/dev-services/http';

/**
 * Local stand-ins for the five AI vendors, on one server under one path prefix per vendor,
 * answering as each vendor does: its paths, its auth header, its JSON, its streaming wire
 * format and its error bodies, so the official SDKs run unmodified against them.
 *
 * Endpoints: "list models" (GET) and chat: POST /openai/v1/chat/completions (also under
 * /mistral/v1 and /groq/openai/v1; streamed or not), POST /anthropic/v1/messages, POST
 * /google/v1beta/models/{model}:streamGenerateContent?alt=sse and :generateContent.
 *
 * Anthropic takes `x-api-key` or, as its SDK 1.x sends it, `Authorization: Bearer`; both
 * carry `anthropic-version`. Google takes `x-goog-api-key` or `?key=`.
 *
 * Keys: one that starts with the vendor's good prefix is accepted; one containing "slow" gets
 * no answer at all (to test timeouts); anything else is refused the way the vendor refuses it.
 *
 * Chat replies are `Echo from <vendor> <model>: <last user text>` (see fakeReply), streamed a
 * word per chunk; usage counts words: input = every message text, output = the reply. The
 * model `unknown-model` gets the vendor's "no such model" answer. Switches in the last user
 * message: `[[fail:429]]`, `[[fail:500]]`, `[[fail:400]]` (any status; `[[fail:429:N]]` asks
 * for an N-second wait), `[[cut]]` (a few chunks, then the end without the end marker),
 * `[[stall]]` (one chunk, then silence until the client leaves), `[[hang]]` (no answer until
 * the client leaves), `[[slow:N]]` (chunks N ms apart), `[[error-event]]` (Anthropic: an
 * overloaded_error event mid-stream; others: as `[[cut]]`), `[[long]]` (about 300 more words).
 */
export const GOOD_KEY_PREFIX = {
  openai: 'sk-valid',
  anthropic: 'sk-ant-valid',
  google: 'AIzaValid',
  mistral: 'valid',
  groq: 'gsk_valid',
} as const;

export type Vendor = keyof typeof GOOD_KEY_PREFIX;

/** What a test can check about a call: who was called, how the key came, never the key. */
export interface SeenRequest {
  vendor: Vendor;
  method: string;
  path: string;
  auth: 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'query' | 'none';
  keyLast4: string | null;
  anthropicVersion: string | null;
  /** Chat calls only: what the request carried. */
  chat?: SeenChat;
}

export interface AiFakes extends Listening {
  /** Worker variables pointing each vendor's SDK at this server. */
  vars: Record<string, string>;
}

const created = 1_715_367_049;

const MODELS = {
  openai: {
    object: 'list',
    data: ['gpt-4o', 'gpt-4o-mini', 'o3-mini'].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'system',
    })),
  },
  mistral: {
    object: 'list',
    data: ['mistral-large-latest', 'mistral-small-latest'].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'mistralai',
      capabilities: {
        completion_chat: true,
        completion_fim: false,
        function_calling: true,
        fine_tuning: false,
        vision: false,
      },
      name: id,
      description: 'Local fake model',
      max_context_length: 131_072,
      aliases: [],
      deprecation: null,
      default_model_temperature: 0.7,
      type: 'base',
    })),
  },
  groq: {
    object: 'list',
    data: [
      'llama-3.3-70b-versatile',
      'llama-3.1-8b-instant',
      'whisper-large-v3',
      'gemma2-9b-it',
    ].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'Meta',
      active: true,
      context_window: 131_072,
      public_apps: null,
      max_completion_tokens: 32_768,
    })),
  },
  anthropic: {
    data: [
      ['claude-opus-4-1-20250805', 'Claude Opus 4.1'],
      ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5'],
    ].map(([id, name]) => ({
      type: 'model',
      id,
      display_name: name,
      created_at: '2025-09-29T00:00:00Z',
    })),
    has_more: false,
    first_id: 'claude-opus-4-1-20250805',
    last_id: 'claude-sonnet-4-5-20250929',
  },
  google: {
    models: [
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
      'text-embedding-004',
    ].map((id) => ({
      name: `models/${id}`,
      version: '001',
      displayName: id,
      description: 'Local fake model',
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
      temperature: 1,
      topP: 0.95,
      topK: 64,
      maxTemperature: 2,
    })),
  },
} as const;

const requestId = () => randomBytes(12).toString('hex');

/** Each vendor's answer to a missing or wrong key. */
function refuse(res: ServerResponse, vendor: Vendor, key: string | undefined): void {
  switch (vendor) {
    case 'openai':
      sendJson(res, 401, {
        error: {
          message: key
            ? `Incorrect API key provided: ${key.slice(0, 4)}${'*'.repeat(8)}${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`
            : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: 'invalid_request_error',
          param: null,
          code: key ? 'invalid_api_key' : null,
        },
      });
      return;
    case 'groq':
      sendJson(res, 401, {
        error: {
          message: 'Invalid API Key',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      return;
    case 'mistral':
      sendJson(res, 401, { message: 'Unauthorized', request_id: requestId() });
      return;
    case 'anthropic':
      res.setHeader('request-id', `req_${requestId()}`);
      sendJson(res, 401, {
        type: 'error',
        error: {
          type: 'authentication_error',
          message: key ? 'invalid x-api-key' : 'x-api-key header is required',
        },
        request_id: `req_${requestId()}`,
      });
      return;
    case 'google':
      if (!key) {
        sendJson(res, 403, {
          error: {
            code: 403,
            message:
              "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            status: 'PERMISSION_DENIED',
          },
        });
        return;
      }
      // Google refuses an unknown key with 400 INVALID_ARGUMENT, not 401.
      sendJson(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
            {
              '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
              locale: 'en-US',
              message: 'API key not valid. Please pass a valid API key.',
            },
          ],
        },
      });
      return;
  }
}

/** A vendor endpoint the fakes serve. */
type Endpoint =
  | { vendor: Vendor; kind: 'models' }
  | { vendor: Vendor; kind: 'chat'; model?: string; stream?: boolean };

const CHAT_PATHS: Record<string, Vendor> = {
  '/openai/v1/chat/completions': 'openai',
  '/mistral/v1/chat/completions': 'mistral',
  '/groq/openai/v1/chat/completions': 'groq',
  '/anthropic/v1/messages': 'anthropic',
};

/** Which endpoint a path is, or null. */
function route(path: string): Endpoint | null {
  if (path === '/openai/v1/models') return { vendor: 'openai', kind: 'models' };
  if (path === '/mistral/v1/models') return { vendor: 'mistral', kind: 'models' };
  if (path === '/groq/openai/v1/models') return { vendor: 'groq', kind: 'models' };
  if (path === '/anthropic/v1/models') return { vendor: 'anthropic', kind: 'models' };
  if (path === '/google/v1beta/models') return { vendor: 'google', kind: 'models' };
  const chat = CHAT_PATHS[path];
  if (chat) return { vendor: chat, kind: 'chat' };
  const google =
    /^\/google\/v1beta\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(path);
  if (google?.[1]) {
    return {
      vendor: 'google',
      kind: 'chat',
      model: decodeURIComponent(google[1]),
      stream: google[2] === 'streamGenerateContent',
    };
  }
  return null;
}

// Chat: each vendor's request is read into one neutral view, and answered in its own format.

/** The model name every fake answers with its vendor's "no such model" error. */
export const UNKNOWN_MODEL = 'unknown-model';

/** How a system prompt reached the vendor. */
export type SystemField = 'role:system' | 'system' | 'systemInstruction';

/** What a chat call carried, as the vendor's own fields say it (never the key). */
export interface SeenChat {
  model: string;
  stream: boolean;
  /** Entries of the vendor's message list (OpenAI-style system messages included). */
  messages: number;
  /** Where the system prompt was, or null without one. */
  system: SystemField | null;
  /** The system prompt's text (clipped to 200 characters in /__requests). */
  systemText: string | null;
  /** Images in the vendor's own image field (image_url data URL, base64 image, inlineData). */
  images: number;
  imageTypes: string[];
  temperature: number | null;
  maxTokens: number | null;
  /** OpenAI-style `stream_options.include_usage`. */
  streamUsage: boolean;
  /** The last user message's text (clipped to 200 characters in /__requests). */
  lastUserText: string;
  /**
   * How the call ended, once it has: `answered` (the whole answer, error answers included,
   * was sent) or `client-left` (the client aborted or timed out first).
   */
  end?: 'answered' | 'client-left';
}

interface ChatView extends SeenChat {
  /** Every message text, system included: the input the fake "counts". */
  texts: string[];
  /** The vendor's refusal of the request's shape, if it has one. */
  problem?: Reply;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const clip = (text: string) => text.slice(0, 200);

/** Words in a text, the fakes' unit of "tokens". */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

const LONG_TAIL = Array.from({ length: 300 }, (_, i) => `word${i + 1}`).join(' ');

/** The fake's whole reply to a last user message: what a test expects to read back. */
export function fakeReply(vendor: Vendor, model: string, lastUserText: string): string {
  const echo = `Echo from ${vendor} ${model}: ${lastUserText}`;
  return lastUserText.includes('[[long]]') ? `${echo} ${LONG_TAIL}` : echo;
}

/** The reply in the pieces it is streamed in: one word (and its trailing space) each. */
export function replyPieces(reply: string): string[] {
  return reply.match(/\s*\S+\s*/gy) ?? [reply];
}

function blank(model: string, stream: boolean): ChatView {
  return {
    model,
    stream,
    messages: 0,
    system: null,
    systemText: null,
    images: 0,
    imageTypes: [],
    temperature: null,
    maxTokens: null,
    streamUsage: false,
    lastUserText: '',
    texts: [],
  };
}

function readOpenAI(vendor: Vendor, body: Json): ChatView {
  const view = blank(str(body.model) ?? '', body.stream === true);
  const messages = list(body.messages);
  view.messages = messages.length;
  view.temperature = num(body.temperature);
  view.maxTokens = num(body.max_completion_tokens) ?? num(body.max_tokens);
  view.streamUsage = obj(body.stream_options).include_usage === true;
  for (const raw of messages) {
    const message = obj(raw);
    const content = message.content;
    let text = str(content) ?? '';
    for (const part of list(content).map(obj)) {
      if (part.type === 'text') text += str(part.text) ?? '';
      if (part.type === 'image_url') {
        const url = str(obj(part.image_url).url) ?? str(part.image_url) ?? '';
        const type = /^data:([^;,]+);base64,/.exec(url)?.[1];
        if (type) {
          view.images += 1;
          view.imageTypes.push(type);
        }
      }
    }
    view.texts.push(text);
    if (message.role === 'system' || message.role === 'developer') {
      view.system = 'role:system';
      view.systemText ??= text;
    }
    if (message.role === 'user') view.lastUserText = text;
  }
  if (!view.model || messages.length === 0) {
    view.problem = vendorError(vendor, 400, view.model);
  } else if (vendor === 'mistral') {
    // Mistral validates strictly: OpenAI-only fields are refused, as the real API does.
    const extra = ['stream_options', 'max_completion_tokens'].filter((key) => key in body);
    if (extra.length > 0) {
      view.problem = {
        status: 422,
        body: {
          object: 'error',
          message: {
            detail: extra.map((key) => ({
              type: 'extra_forbidden',
              loc: ['body', key],
              msg: 'Extra inputs are not permitted',
              input: body[key],
            })),
          },
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      };
    }
  }
  return view;
}

function anthropicInvalid(message: string): Reply {
  return {
    status: 400,
    body: {
      type: 'error',
      error: { type: 'invalid_request_error', message },
      request_id: `req_${requestId()}`,
    },
  };
}

function readAnthropic(body: Json, version: string | null): ChatView {
  const view = blank(str(body.model) ?? '', body.stream === true);
  const messages = list(body.messages);
  view.messages = messages.length;
  view.temperature = num(body.temperature);
  view.maxTokens = num(body.max_tokens);
  const system =
    str(body.system) ??
    list(body.system)
      .map((block) => str(obj(block).text) ?? '')
      .join('\n');
  if (system) {
    view.system = 'system';
    view.systemText = system;
    view.texts.push(system);
  }
  let badRole: string | undefined;
  for (const raw of messages) {
    const message = obj(raw);
    const role = str(message.role) ?? '';
    if (role !== 'user' && role !== 'assistant') badRole ??= role;
    let text = str(message.content) ?? '';
    for (const block of list(message.content).map(obj)) {
      if (block.type === 'text') text += str(block.text) ?? '';
      const source = obj(block.source);
      if (block.type === 'image' && source.type === 'base64') {
        view.images += 1;
        view.imageTypes.push(str(source.media_type) ?? '');
      }
    }
    view.texts.push(text);
    if (role === 'user') view.lastUserText = text;
  }
  if (!view.model) view.problem = anthropicInvalid('model: Field required');
  else if (view.maxTokens === null) view.problem = anthropicInvalid('max_tokens: Field required');
  else if (badRole !== undefined) {
    view.problem = anthropicInvalid(
      `messages: Unexpected role "${badRole}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`,
    );
  } else if (version !== null && version >= '2026-10-21') {
    // API version 2026-10-21 dropped the sampling parameters on every model.
    const sampling = ['temperature', 'top_p', 'top_k'].find((key) => key in body);
    if (sampling) view.problem = anthropicInvalid(`${sampling}: Extra inputs are not permitted`);
  }
  return view;
}

function readGoogle(body: Json, model: string, stream: boolean): ChatView {
  const view = blank(model, stream);
  const contents = list(body.contents);
  view.messages = contents.length;
  const generation = obj(body.generationConfig);
  view.temperature = num(generation.temperature);
  view.maxTokens = num(generation.maxOutputTokens);
  const instruction = obj(body.systemInstruction ?? body.system_instruction);
  const system = list(instruction.parts)
    .map((part) => str(obj(part).text) ?? '')
    .join('');
  if (system) {
    view.system = 'systemInstruction';
    view.systemText = system;
    view.texts.push(system);
  }
  let badRole = false;
  for (const raw of contents) {
    const content = obj(raw);
    const role = str(content.role) ?? 'user';
    if (role !== 'user' && role !== 'model') badRole = true;
    let text = '';
    for (const part of list(content.parts).map(obj)) {
      text += str(part.text) ?? '';
      const inline = obj(part.inlineData ?? part.inline_data);
      if (str(inline.data)) {
        view.images += 1;
        view.imageTypes.push(str(inline.mimeType ?? inline.mime_type) ?? '');
      }
    }
    view.texts.push(text);
    if (role === 'user') view.lastUserText = text;
  }
  if (contents.length === 0 || badRole) {
    view.problem = vendorError(
      'google',
      400,
      model,
      badRole ? 'Please use a valid role: user, model.' : 'contents is not specified',
    );
  }
  return view;
}

/** Each vendor's error answer for a status, shaped and worded as the vendor words it. */
function vendorError(vendor: Vendor, status: number, model: string, detail?: string): Reply {
  if (vendor === 'google') {
    const google: Record<number, [string, string]> = {
      400: ['INVALID_ARGUMENT', detail ?? 'Request contains an invalid argument.'],
      404: [
        'NOT_FOUND',
        `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      ],
      429: [
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details.',
      ],
      503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
    };
    const [state, message] = google[status] ?? [
      'INTERNAL',
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    ];
    const details =
      status === 429
        ? [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric:
                    'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  quotaDimensions: { location: 'global', model },
                  quotaValue: '10',
                },
              ],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${detail ?? 1}s` },
          ]
        : undefined;
    return { status, body: { error: { code: status, message, status: state, details } } };
  }
  if (vendor === 'anthropic') {
    const anthropic: Record<number, [string, string]> = {
      400: ['invalid_request_error', detail ?? 'messages: text content blocks must be non-empty'],
      404: ['not_found_error', `model: ${model}`],
      429: [
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute.',
      ],
      529: ['overloaded_error', 'Overloaded'],
    };
    const [type, message] = anthropic[status] ?? ['api_error', 'Internal server error'];
    return {
      status,
      body: { type: 'error', error: { type, message }, request_id: `req_${requestId()}` },
    };
  }
  if (vendor === 'mistral') {
    const mistral: Record<number, Json> = {
      400: { message: detail ?? 'Invalid request', type: 'invalid_request_error', code: null },
      429: { message: 'Requests rate limit exceeded', type: 'rate_limited', code: '1300' },
    };
    const shape = mistral[status] ?? {
      message: 'Internal server error',
      type: 'internal_server_error',
      code: '1000',
    };
    return { status, body: { object: 'error', param: null, ...shape } };
  }
  // OpenAI and Groq share the error envelope.
  const openai: Record<number, Json> = {
    400: {
      message: detail ?? "Invalid value for 'messages': the request could not be parsed.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'invalid_value',
    },
    404: {
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    },
    429: {
      message: `Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.`,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
  return {
    status,
    body: {
      error: openai[status] ?? {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  };
}

/** The unknown-model answer: 404 everywhere but Mistral (400 invalid_model). */
function unknownModel(vendor: Vendor, model: string): Reply {
  if (vendor !== 'mistral') return vendorError(vendor, 404, model);
  return {
    status: 400,
    body: {
      object: 'error',
      message: `Invalid model: ${model}`,
      type: 'invalid_model',
      param: null,
      code: '1500',
    },
  };
}

/** Behaviour switches written into the last user message (they work through WeBox too). */
interface Switches {
  fail?: { status: number; retryAfterSeconds?: number };
  cut: boolean;
  stall: boolean;
  hang: boolean;
  slowMs: number;
  errorEvent: boolean;
}

function switchesIn(text: string): Switches {
  const fail = /\[\[fail:(\d{3})(?::(\d+))?\]\]/.exec(text);
  const slow = /\[\[slow:(\d+)\]\]/.exec(text);
  return {
    fail: fail
      ? {
          status: Number(fail[1]),
          retryAfterSeconds: fail[2] === undefined ? undefined : Number(fail[2]),
        }
      : undefined,
    cut: text.includes('[[cut]]'),
    stall: text.includes('[[stall]]'),
    hang: text.includes('[[hang]]'),
    slowMs: slow ? Math.min(Number(slow[1]), 10_000) : 0,
    errorEvent: text.includes('[[error-event]]'),
  };
}

/**
 * A forced failure with the headers that keep tests short: `retry-after-ms: 10` makes the
 * OpenAI and Anthropic SDKs' automatic retries (429 and 5xx) near-instant; `retry-after` is
 * the delay a caller is told. `[[fail:429:N]]` sends only `retry-after: N`, the way a
 * vendor asking for a long wait does. Gemini names the wait in its body (RetryInfo).
 */
function forcedFailure(vendor: Vendor, model: string, fail: NonNullable<Switches['fail']>): Reply {
  const { status, retryAfterSeconds } = fail;
  if (vendor === 'google') {
    return vendorError('google', status, model, retryAfterSeconds?.toString());
  }
  const reply = vendorError(vendor, status, model);
  if (status === 429) {
    reply.headers =
      retryAfterSeconds === undefined
        ? { 'retry-after': '1', 'retry-after-ms': '10' }
        : { 'retry-after': String(retryAfterSeconds) };
  } else if (status >= 500) {
    reply.headers = { 'retry-after-ms': '10' };
  }
  return reply;
}

function send(res: ServerResponse, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  sendJson(res, reply.status, reply.body);
}

/** Resolves once the client has gone away (or the server closed the connection). */
function gone(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.writableFinished) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

/** Waits `ms`; false when the client went away meanwhile. */
function pause(ms: number, res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

/** One streamed answer in the vendor's SSE frames. */
interface Script {
  head: string[];
  /** One frame per reply piece. */
  pieces: string[];
  /** The end marker frames. */
  tail: string[];
  /** A mid-stream error event, for vendors that have one (Anthropic). */
  errorEvent?: string;
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const named = (event: string, data: unknown) =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

interface Answer {
  vendor: Vendor;
  view: ChatView;
  reply: string;
  input: number;
  output: number;
}

function openAIScript({ vendor, view, reply, input, output }: Answer): Script {
  const id = `chatcmpl-${requestId()}`;
  const created = Math.floor(Date.now() / 1000);
  const openai = vendor !== 'mistral';
  const chunk = (delta: Json, finish: string | null, extra: Json = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: view.model,
    ...(openai ? { system_fingerprint: 'fp_fake' } : {}),
    choices: [{ index: 0, delta, ...(openai ? { logprobs: null } : {}), finish_reason: finish }],
    ...(view.streamUsage ? { usage: null } : {}),
    ...extra,
  });
  const usage = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
  };
  const tail: string[] = [];
  if (vendor === 'mistral') {
    // Mistral always reports usage, on its last chunk.
    tail.push(sse(chunk({ content: '' }, 'stop', { usage })));
  } else {
    const groq = vendor === 'groq' ? { x_groq: { id: `req_${requestId()}`, usage } } : {};
    tail.push(sse(chunk({}, 'stop', groq)));
    if (view.streamUsage) tail.push(sse({ ...chunk({}, null), choices: [], usage }));
  }
  tail.push('data: [DONE]\n\n');
  return {
    head: [sse(chunk({ role: 'assistant', content: '' }, null))],
    pieces: replyPieces(reply).map((text) => sse(chunk({ content: text }, null))),
    tail,
  };
}

function anthropicScript({ view, reply, input, output }: Answer): Script {
  return {
    head: [
      named('message_start', {
        type: 'message_start',
        message: {
          id: `msg_${requestId()}`,
          type: 'message',
          role: 'assistant',
          model: view.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: input,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 1,
          },
        },
      }),
      named('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      named('ping', { type: 'ping' }),
    ],
    pieces: replyPieces(reply).map((text) =>
      named('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      }),
    ),
    tail: [
      named('content_block_stop', { type: 'content_block_stop', index: 0 }),
      named('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: output },
      }),
      named('message_stop', { type: 'message_stop' }),
    ],
    errorEvent: named('error', {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    }),
  };
}

function googleScript({ view, reply, input, output }: Answer): Script {
  const responseId = requestId();
  const frame = (text: string, finish?: string) =>
    // Gemini separates its SSE events with CRLF pairs.
    `data: ${JSON.stringify({
      candidates: [
        {
          content: { parts: [{ text }], role: 'model' },
          ...(finish ? { finishReason: finish } : {}),
          index: 0,
        },
      ],
      usageMetadata: finish
        ? {
            promptTokenCount: input,
            candidatesTokenCount: output,
            totalTokenCount: input + output,
          }
        : { promptTokenCount: input, totalTokenCount: input },
      modelVersion: view.model,
      responseId,
    })}\r\n\r\n`;
  return {
    head: [],
    pieces: replyPieces(reply).map((text) => frame(text)),
    tail: [frame('', 'STOP')],
  };
}

const SCRIPTS: Record<Vendor, (answer: Answer) => Script> = {
  openai: openAIScript,
  mistral: openAIScript,
  groq: openAIScript,
  anthropic: anthropicScript,
  google: googleScript,
};

/** How many pieces a cut or failing stream sends before it stops. */
const PIECES_BEFORE_CUT = 3;

async function stream(res: ServerResponse, script: Script, switches: Switches): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  for (const frame of script.head) res.write(frame);
  if (switches.stall) {
    res.write(script.pieces[0] ?? '');
    await gone(res);
    return;
  }
  const broken = switches.cut || switches.errorEvent;
  const count = broken
    ? Math.min(PIECES_BEFORE_CUT, script.pieces.length - 1)
    : script.pieces.length;
  for (let i = 0; i < count; i++) {
    if (i > 0 && switches.slowMs > 0 && !(await pause(switches.slowMs, res))) return;
    if (res.destroyed) return;
    res.write(script.pieces[i]);
  }
  if (switches.errorEvent && script.errorEvent) res.write(script.errorEvent);
  // A cut stream ends cleanly but without the vendor's end marker.
  if (!broken) for (const frame of script.tail) res.write(frame);
  res.end();
}

function whole({ vendor, view, reply, input, output }: Answer): unknown {
  if (vendor === 'anthropic') {
    return {
      id: `msg_${requestId()}`,
      type: 'message',
      role: 'assistant',
      model: view.model,
      content: [{ type: 'text', text: reply }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: output },
    };
  }
  if (vendor === 'google') {
    return {
      candidates: [
        { content: { parts: [{ text: reply }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: input,
        candidatesTokenCount: output,
        totalTokenCount: input + output,
      },
      modelVersion: view.model,
      responseId: requestId(),
    };
  }
  return {
    id: `chatcmpl-${requestId()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: view.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}

class BadJson extends Error {}

/** Each vendor's answer to a body that is not JSON. */
function badJson(vendor: Vendor): Reply {
  if (vendor === 'anthropic') return anthropicInvalid('There was an error parsing the body.');
  return vendorError(vendor, 400, '', 'We could not parse the JSON body of your request.');
}

function read(
  endpoint: Extract<Endpoint, { kind: 'chat' }>,
  body: Json,
  anthropicVersion: string | null,
): ChatView {
  switch (endpoint.vendor) {
    case 'anthropic':
      return readAnthropic(body, anthropicVersion);
    case 'google':
      return readGoogle(body, endpoint.model ?? '', endpoint.stream ?? false);
    default:
      return readOpenAI(endpoint.vendor, body);
  }
}

function summary(view: ChatView): SeenChat {
  const { texts: _texts, problem: _problem, ...seen } = view;
  return {
    ...seen,
    systemText: seen.systemText === null ? null : clip(seen.systemText),
    lastUserText: clip(seen.lastUserText),
  };
}

function credentials(vendor: Vendor, req: IncomingMessage, url: URL) {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (vendor === 'anthropic') {
    // The API takes the key as x-api-key or, as @anthropic-ai/sdk 1.x sends it, as a bearer token.
    const apiKeyHeader = header('x-api-key');
    const key = apiKeyHeader ?? bearerToken(req);
    const auth = apiKeyHeader ? 'x-api-key' : key ? 'bearer' : 'none';
    return { key, auth: auth as SeenRequest['auth'] };
  }
  if (vendor === 'google') {
    const key = header('x-goog-api-key') ?? url.searchParams.get('key') ?? undefined;
    const auth = header('x-goog-api-key') ? 'x-goog-api-key' : key ? 'query' : 'none';
    return { key, auth: auth as SeenRequest['auth'] };
  }
  const key = bearerToken(req);
  return { key, auth: key ? ('bearer' as const) : ('none' as const) };
}

/**
 * Starts the fakes on a free port of 127.0.0.1. `extra` sees each request first and answers
 * it when it returns true: the media fakes (tests/fakes/media-providers.ts) mount OpenAI's and
 * Google's image, speech and video paths there, since the Worker has one base URL per vendor.
 */
export async function startAiFakes(
  options: { extra?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> } = {},
): Promise<AiFakes> {
  const seen: SeenRequest[] = [];

  async function chat(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: Extract<Endpoint, { kind: 'chat' }>,
    record: Omit<SeenRequest, 'chat'>,
    key: string | undefined,
  ): Promise<void> {
    const { vendor } = endpoint;
    let body: Json;
    try {
      const raw = await readBody(req, 50 * 1024 * 1024, () => new BadJson());
      body = obj(parseJsonBody(raw, () => new BadJson()));
    } catch (err) {
      seen.push(record);
      if (err instanceof BadJson) send(res, badJson(vendor));
      else throw err;
      return;
    }
    const view = read(endpoint, body, record.anthropicVersion);
    const seenChat = summary(view);
    seen.push({ ...record, chat: seenChat });
    res.once('finish', () => {
      seenChat.end = 'answered';
    });
    res.once('close', () => {
      seenChat.end ??= 'client-left';
    });
    if (vendor === 'anthropic' && !record.anthropicVersion) {
      send(res, anthropicInvalid('anthropic-version: header is required'));
      return;
    }
    if (key && /slow/i.test(key)) {
      await gone(res);
      return;
    }
    if (!key?.startsWith(GOOD_KEY_PREFIX[vendor])) {
      refuse(res, vendor, key);
      return;
    }
    if (view.problem) {
      send(res, view.problem);
      return;
    }
    if (view.model === UNKNOWN_MODEL) {
      send(res, unknownModel(vendor, view.model));
      return;
    }
    const switches = switchesIn(view.lastUserText);
    if (switches.hang || (switches.stall && !view.stream)) {
      await gone(res);
      return;
    }
    if (switches.fail) {
      send(res, forcedFailure(vendor, view.model, switches.fail));
      return;
    }
    const reply = fakeReply(vendor, view.model, view.lastUserText);
    const answer: Answer = {
      vendor,
      view,
      reply,
      input: countWords(view.texts.join(' ')),
      output: countWords(reply),
    };
    if (view.stream) await stream(res, SCRIPTS[vendor](answer), switches);
    else sendJson(res, 200, whole(answer));
  }

  const listening = await serveJson({
    port: 0,
    host: '127.0.0.1',
    errorReply: (error) => [500, { error: { message: String(error) } }],
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      if (url.pathname === '/__requests') {
        sendJson(res, 200, { requests: seen });
        return;
      }
      if (await options.extra?.(req, res)) return;
      const endpoint = route(url.pathname);
      if (!endpoint) {
        sendJson(res, 404, { error: { message: `No fake for ${url.pathname}` } });
        return;
      }
      const { vendor } = endpoint;
      const { key, auth } = credentials(vendor, req, url);
      const anthropicVersion =
        typeof req.headers['anthropic-version'] === 'string'
          ? req.headers['anthropic-version']
          : null;
      const record = {
        vendor,
        method: req.method ?? 'GET',
        path: url.pathname,
        auth,
        keyLast4: key ? key.slice(-4) : null,
        anthropicVersion,
      };
      const method = endpoint.kind === 'chat' ? 'POST' : 'GET';
      if (req.method !== method) {
        seen.push(record);
        sendJson(res, 405, { error: { message: 'Method not allowed' } });
        return;
      }
      if (endpoint.kind === 'chat') {
        await chat(req, res, endpoint, record, key);
        return;
      }
      seen.push(record);
      if (vendor === 'anthropic' && !anthropicVersion) {
        send(res, anthropicInvalid('anthropic-version: header is required'));
        return;
      }
      // The timeout case: hold the connection open and never answer.
      if (key && /slow/i.test(key)) return;
      if (!key?.startsWith(GOOD_KEY_PREFIX[vendor])) {
        refuse(res, vendor, key);
        return;
      }
      sendJson(res, 200, MODELS[vendor]);
    },
  });
  return {
    ...listening,
    vars: {
      OPENAI_BASE_URL: `${listening.url}/openai/v1`,
      ANTHROPIC_BASE_URL: `${listening.url}/anthropic`,
      GOOGLE_AI_BASE_URL: `${listening.url}/google`,
      MISTRAL_BASE_URL: `${listening.url}/mistral/v1`,
      GROQ_BASE_URL: `${listening.url}/groq/openai/v1`,
    },
  };
}

/** How many models each fake lists, for assertions. */
export const MODEL_COUNTS: Record<Vendor, number> = {
  openai: MODELS.openai.data.length,
  anthropic: MODELS.anthropic.data.length,
  google: MODELS.google.models.length,
  mistral: MODELS.mistral.data.length,
  groq: MODELS.groq.data.length,
};
