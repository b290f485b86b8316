import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crc32, deflateSync } from 'node:zlib';
import {
  bearerToken,
  type Listening,
  parseJsonBody,
  readBody,
  sendJson,
  serveJson,
} from '../../tools/dev-services/http';

/**
 * Local stand-ins for the media vendors, on one server under one path prefix per vendor,
 * answering as each vendor does (paths, auth header, JSON or multipart, error bodies, and
 * real file bytes), so the official SDKs and our REST adapters run unmodified against them:
 *
 * - OpenAI: POST /openai/v1/images/generations, /openai/v1/images/edits (multipart),
 *   /openai/v1/audio/speech;
 * - Google (Gemini API): POST /google/v1beta/models/{image model}:generateContent,
 *   POST /google/v1beta/models/{veo}:predictLongRunning, GET /google/v1beta/{operation name},
 *   GET /google/v1beta/files/{id}:download?alt=media (key required, as at Google);
 * - Stability: POST /stability/v2beta/stable-image/generate/{core|ultra|sd3} (multipart);
 * - ElevenLabs: POST /elevenlabs/v1/text-to-speech/{voice}, /v1/sound-generation, /v1/music;
 * - Runway: POST /runway/v1/image_to_video, /runway/v1/text_to_video, GET /runway/v1/tasks/{id};
 * - Luma: POST /luma/dream-machine/v1/generations, GET …/generations/{id} (and a POST of the
 *   generation to its callback_url when it completes);
 * - finished videos: GET /files/{id}.mp4 (pre-signed style: no key).
 *
 * The chat fake (tests/fakes/ai-providers.ts) owns OPENAI_BASE_URL and GOOGLE_AI_BASE_URL:
 * `handle` is mounted there too, so the Worker's one OpenAI/Google base URL reaches both.
 *
 * Switches in the prompt (or speech text): FAIL_500, FAIL_AUTH (the vendor's refused-key
 * answer), FAIL_429 (retry-after 7 s), FAIL_400, FAIL_MODERATION (Stability's 403),
 * FILTERED (Stability's blurred CONTENT_FILTERED answer), SLOW_HANG (no answer until the
 * client leaves), HUGE_FILE (the download announces 210 MB), and for videos FAIL_VIDEO (the
 * operation ends failed) and SLOW_POLL (polls never answer). A video operation is done on
 * its `pollsToFinish`-th poll (default 2; POST /__config {"pollsToFinish": n} changes it).
 *
 * GET /__requests lists the calls (never the keys); POST /__reset forgets calls and
 * operations; POST /__finish?id=… completes an operation at once (Luma: fires its callback).
 */

/** What a test can check about a call: who was called, how the key came, what was asked. */
export interface SeenMediaRequest {
  vendor: MediaVendor;
  method: string;
  path: string;
  auth: 'bearer' | 'x-api-key' | 'xi-api-key' | 'x-goog-api-key' | 'query' | 'none';
  keyLast4: string | null;
  /** Runway's X-Runway-Version header. */
  version?: string | null;
  /** The prompt or speech text (clipped to 200 characters). */
  prompt?: string;
  /** The other scalar fields of the JSON or form body, and the query string. */
  fields?: Record<string, unknown>;
  /** Files in a multipart body. */
  files?: { field: string; type: string; size: number }[];
}

export type MediaVendor =
  | 'openai'
  | 'google'
  | 'stability'
  | 'elevenlabs'
  | 'runway'
  | 'luma'
  | 'files';

export interface MediaFakes extends Listening {
  /** Worker variables pointing the REST media adapters at this server (with fake keys). */
  vars: Record<string, string>;
  /** Serves a media request, or returns false (to mount these routes in another server). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

// File bytes.

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid PNG of one colour (8-bit RGB), `width`×`height`. */
export function fakePng(
  width: number,
  height: number,
  rgb: [number, number, number] = [40, 120, 200],
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** MPEG-1 layer III, 128 kbit/s, 44.1 kHz, mono: 417-byte frames of 1152 samples. */
const MP3_FRAME = (() => {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc4]);
  return frame;
})();
const MP3_FRAME_SECONDS = 1152 / 44_100;

/** A valid (silent) MP3 of about `seconds`, behind an empty ID3v2 tag as vendors send. */
export function fakeMp3(seconds: number): Buffer {
  const frames = Math.max(1, Math.round(seconds / MP3_FRAME_SECONDS));
  const id3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([id3, ...Array.from({ length: frames }, () => MP3_FRAME)]);
}

/** Raw 16-bit mono PCM silence (ElevenLabs' pcm_* formats). */
function fakePcm(seconds: number, rate: number): Buffer {
  return Buffer.alloc(Math.round(seconds * rate) * 2);
}

/** A PCM WAV (OpenAI's response_format "wav"). */
function fakeWav(seconds: number): Buffer {
  const rate = 24_000;
  const pcm = fakePcm(seconds, rate);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(36 + pcm.length, 4);
  head.write('WAVEfmt ', 8, 'ascii');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'ascii');
  head.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([head, pcm]);
}

/** An Ogg page header is enough for the "opus" answers (nothing decodes them here). */
function fakeOgg(): Buffer {
  const page = Buffer.alloc(64);
  page.write('OggS', 0, 'ascii');
  return page;
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, body]);
}

/** An MP4 skeleton: `ftyp`, a `moov` whose `mvhd` says `seconds`, and some `mdat`. */
export function fakeMp4(seconds: number): Buffer {
  const ftyp = box(
    'ftyp',
    Buffer.from('isom', 'ascii'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2mp41', 'ascii'),
  );
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale (version 0: after version/flags and two times)
  mvhd.writeUInt32BE(Math.round(seconds * 1000), 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  mvhd.writeUInt32BE(2, 96); // next track id
  return Buffer.concat([ftyp, box('moov', box('mvhd', mvhd)), box('mdat', Buffer.alloc(4096))]);
}

// Requests.

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

class BadBody extends Error {}

async function jsonBody(req: IncomingMessage): Promise<Json> {
  const raw = await readBody(req, 50 * 1024 * 1024, () => new BadBody('too large'));
  return obj(parseJsonBody(raw, () => new BadBody('not JSON')));
}

interface Form {
  fields: Record<string, string>;
  files: { field: string; type: string; size: number; bytes: Buffer }[];
}

async function formBody(req: IncomingMessage): Promise<Form> {
  const raw = await readBody(req, 50 * 1024 * 1024, () => new BadBody('too large'));
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) throw new BadBody('not multipart');
  const data = await new Request('http://fake.local/', {
    method: 'POST',
    headers: { 'content-type': type },
    body: new Uint8Array(raw),
  }).formData();
  const form: Form = { fields: {}, files: [] };
  for (const [field, value] of data.entries()) {
    if (typeof value === 'string') form.fields[field] = value;
    else {
      const bytes = Buffer.from(await value.arrayBuffer());
      form.files.push({ field, type: value.type, size: bytes.length, bytes });
    }
  }
  return form;
}

function scalars(body: Json, skip: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (skip.includes(name)) continue;
    if (typeof value === 'string') out[name] = clip(value);
    else if (typeof value !== 'object' || value === null) out[name] = value;
    else {
      const text = JSON.stringify(value);
      out[name] = text.length > 400 ? clip(text) : value;
    }
  }
  return out;
}

interface Switches {
  fail500: boolean;
  failAuth: boolean;
  fail429: boolean;
  fail400: boolean;
  moderation: boolean;
  filtered: boolean;
  hang: boolean;
  huge: boolean;
  failVideo: boolean;
  slowPoll: boolean;
}

function switchesIn(text: string): Switches {
  return {
    fail500: text.includes('FAIL_500'),
    failAuth: text.includes('FAIL_AUTH'),
    fail429: text.includes('FAIL_429'),
    fail400: text.includes('FAIL_400'),
    moderation: text.includes('FAIL_MODERATION'),
    filtered: text.includes('FILTERED'),
    hang: text.includes('SLOW_HANG'),
    huge: text.includes('HUGE_FILE'),
    failVideo: text.includes('FAIL_VIDEO'),
    slowPoll: text.includes('SLOW_POLL'),
  };
}

/** Resolves once the client has gone away (or the server closed the connection). */
function gone(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.writableFinished) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

function sendBytes(
  res: ServerResponse,
  type: string,
  bytes: Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(200, { 'content-type': type, 'content-length': bytes.length, ...headers });
  res.end(bytes);
}

// Each vendor's error answers.

type ErrorKind = 'auth' | 'missing-key' | 'rate' | 'bad' | 'server' | 'moderation' | 'not-found';

const STATUS: Record<ErrorKind, number> = {
  auth: 401,
  'missing-key': 401,
  rate: 429,
  bad: 400,
  server: 500,
  moderation: 403,
  'not-found': 404,
};

function vendorError(
  res: ServerResponse,
  vendor: MediaVendor,
  kind: ErrorKind,
  detail = 'invalid request',
): void {
  const status = STATUS[kind];
  if (kind === 'rate') res.setHeader('retry-after', '7');
  switch (vendor) {
    case 'openai':
      sendJson(res, status, {
        error: {
          message:
            kind === 'auth' || kind === 'missing-key'
              ? 'Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys.'
              : kind === 'server'
                ? 'The server had an error while processing your request. Sorry about that!'
                : kind === 'rate'
                  ? 'Rate limit reached for images per minute.'
                  : detail,
          type:
            kind === 'server'
              ? 'server_error'
              : kind === 'rate'
                ? 'requests'
                : 'invalid_request_error',
          param: null,
          code: kind === 'auth' || kind === 'missing-key' ? 'invalid_api_key' : null,
        },
      });
      return;
    case 'google': {
      if (kind === 'auth') {
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
            ],
          },
        });
        return;
      }
      const statusName: Record<number, string> = {
        400: 'INVALID_ARGUMENT',
        401: 'UNAUTHENTICATED',
        403: 'PERMISSION_DENIED',
        404: 'NOT_FOUND',
        429: 'RESOURCE_EXHAUSTED',
        500: 'INTERNAL',
      };
      const code = kind === 'missing-key' ? 403 : status;
      sendJson(res, code, {
        error: {
          code,
          message:
            kind === 'missing-key'
              ? "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
              : detail,
          status: statusName[code] ?? 'UNKNOWN',
        },
      });
      return;
    }
    case 'stability':
      sendJson(res, status, {
        id: randomUUID().replace(/-/g, ''),
        name:
          kind === 'auth' || kind === 'missing-key'
            ? 'unauthorized'
            : kind === 'moderation'
              ? 'content_moderation'
              : kind === 'server'
                ? 'internal_error'
                : kind === 'rate'
                  ? 'rate_limit_exceeded'
                  : 'bad_request',
        errors: [
          kind === 'auth' || kind === 'missing-key'
            ? 'authorization: invalid or missing API key sk-fake***'
            : kind === 'moderation'
              ? 'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.'
              : detail,
        ],
      });
      return;
    case 'elevenlabs':
      if (kind === 'bad' && detail.startsWith('422:')) {
        sendJson(res, 422, {
          detail: [{ loc: ['body'], msg: detail.slice(4), type: 'value_error' }],
        });
        return;
      }
      sendJson(res, status, {
        detail: {
          status:
            kind === 'auth' || kind === 'missing-key'
              ? 'invalid_api_key'
              : kind === 'rate'
                ? 'too_many_concurrent_requests'
                : kind === 'server'
                  ? 'internal_error'
                  : 'invalid_request',
          message: kind === 'auth' || kind === 'missing-key' ? 'Invalid API key' : detail,
        },
      });
      return;
    case 'luma':
      sendJson(res, status, {
        detail: kind === 'auth' || kind === 'missing-key' ? 'Invalid API key' : detail,
      });
      return;
    default:
      // Runway, and the file host.
      sendJson(res, status, {
        error:
          kind === 'auth' || kind === 'missing-key'
            ? 'Incorrect API key provided.'
            : kind === 'server'
              ? 'Internal server error.'
              : detail,
      });
  }
}

// Long-running video operations.

interface Operation {
  id: string;
  vendor: 'google' | 'runway' | 'luma';
  model: string;
  prompt: string;
  seconds: number;
  polls: number;
  done: boolean;
  callbackUrl?: string;
  createdAt: string;
  request: Json;
}

const ASPECT_SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024],
  '3:2': [1536, 1024],
  '2:3': [1024, 1536],
};

function sizeOf(size: string): [number, number] {
  const match = /^(\d{2,4})x(\d{2,4})$/.exec(size);
  return match ? [Number(match[1]), Number(match[2])] : [1024, 1024];
}

/** Starts the fakes on a free port of 127.0.0.1; `pollsToFinish` defaults to 2. */
export async function startMediaFakes(
  options: { pollsToFinish?: number } = {},
): Promise<MediaFakes> {
  const seen: SeenMediaRequest[] = [];
  const operations = new Map<string, Operation>();
  const defaultPolls = options.pollsToFinish ?? 2;
  let pollsToFinish = defaultPolls;
  let ownUrl = '';

  function originOf(req: IncomingMessage): string {
    return req.headers.host ? `http://${req.headers.host}` : ownUrl;
  }

  function fileUrl(req: IncomingMessage, op: Operation): string {
    if (op.vendor === 'google')
      return `${originOf(req)}/google/v1beta/files/${op.id}:download?alt=media`;
    return `${ownUrl}/files/${op.id}.mp4${op.prompt.includes('HUGE_FILE') ? '?huge=1' : ''}`;
  }

  function credentials(vendor: MediaVendor, req: IncomingMessage, url: URL) {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    let key: string | undefined;
    let auth: SeenMediaRequest['auth'] = 'none';
    if (vendor === 'google') {
      key = header('x-goog-api-key') ?? url.searchParams.get('key') ?? undefined;
      auth = header('x-goog-api-key') ? 'x-goog-api-key' : key ? 'query' : 'none';
    } else if (vendor === 'elevenlabs') {
      key = header('xi-api-key');
      auth = key ? 'xi-api-key' : 'none';
    } else if (vendor !== 'files') {
      key = bearerToken(req);
      auth = key ? 'bearer' : 'none';
    }
    return { key, auth, keyLast4: key ? key.slice(-4) : null };
  }

  /** The Luma generation object, as polled and as posted to callback_url. */
  function lumaGeneration(req: IncomingMessage, op: Operation, failed: boolean) {
    const state = failed
      ? 'failed'
      : op.done
        ? 'completed'
        : op.polls === 0
          ? 'queued'
          : 'dreaming';
    return {
      id: op.id,
      generation_type: 'video',
      state,
      failure_reason: failed ? 'The prompt was rejected by moderation (fake)' : null,
      created_at: op.createdAt,
      assets:
        op.done && !failed ? { video: fileUrl(req, op), image: null, progress_video: null } : null,
      model: op.model,
      request: op.request,
    };
  }

  function fireLumaCallback(req: IncomingMessage, op: Operation, failed: boolean): void {
    if (!op.callbackUrl) return;
    fetch(op.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(lumaGeneration(req, op, failed)),
    }).catch(() => {});
  }

  /** One poll: counts it, and finishes the operation on the configured poll. */
  function advance(req: IncomingMessage, op: Operation): void {
    if (op.done) return;
    op.polls += 1;
    if (op.polls >= pollsToFinish) {
      op.done = true;
      if (op.vendor === 'luma') fireLumaCallback(req, op, switchesIn(op.prompt).failVideo);
    }
  }

  function newOperation(
    vendor: Operation['vendor'],
    model: string,
    prompt: string,
    seconds: number,
    request: Json,
  ): Operation {
    const op: Operation = {
      id: vendor === 'google' ? randomUUID().replace(/-/g, '').slice(0, 12) : randomUUID(),
      vendor,
      model,
      prompt,
      seconds,
      polls: 0,
      done: false,
      createdAt: new Date().toISOString(),
      request,
    };
    operations.set(op.id, op);
    return op;
  }

  /** Answers the prompt switches shared by every create call; true when it answered. */
  async function forced(res: ServerResponse, vendor: MediaVendor, text: string): Promise<boolean> {
    const s = switchesIn(text);
    if (s.hang) {
      await gone(res);
      return true;
    }
    if (s.failAuth) vendorError(res, vendor, 'auth');
    else if (s.fail500) vendorError(res, vendor, 'server');
    else if (s.fail429) vendorError(res, vendor, 'rate');
    else if (s.fail400) vendorError(res, vendor, 'bad', 'The request was refused (fake FAIL_400).');
    else return false;
    return true;
  }

  // OpenAI.

  async function openai(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: SeenMediaRequest,
  ): Promise<void> {
    if (path === '/v1/images/edits') {
      const form = await formBody(req);
      record.prompt = clip(form.fields.prompt ?? '');
      record.fields = { ...form.fields, prompt: undefined };
      record.files = form.files.map(({ field, type, size }) => ({ field, type, size }));
      seen.push(record);
      if (await forced(res, 'openai', form.fields.prompt ?? '')) return;
      const image = form.files.find((file) => file.field === 'image' || file.field === 'image[]');
      if (!image) return vendorError(res, 'openai', 'bad', "Missing required parameter: 'image'.");
      if (form.fields.model !== 'gpt-image-1')
        return vendorError(res, 'openai', 'bad', 'Invalid model for edits.');
      const n = Number(form.fields.n ?? 1);
      const [w, h] = sizeOf(form.fields.size ?? '1024x1024');
      sendJson(res, 200, {
        created: Math.floor(Date.now() / 1000),
        data: Array.from({ length: n }, () => ({
          b64_json: fakePng(w, h, [200, 80, 40]).toString('base64'),
        })),
        usage: { input_tokens: 50, output_tokens: 1056, total_tokens: 1106 },
      });
      return;
    }
    const body = await jsonBody(req);
    const text = str(body.prompt) || str(body.input);
    record.prompt = clip(text);
    record.fields = scalars(body, ['prompt', 'input']);
    seen.push(record);
    if (await forced(res, 'openai', text)) return;
    if (path === '/v1/images/generations') {
      const model = str(body.model) || 'dall-e-2';
      const n = typeof body.n === 'number' ? body.n : 1;
      if (model === 'dall-e-3' && n !== 1)
        return vendorError(res, 'openai', 'bad', 'You must provide n=1 for this model.');
      if (model === 'gpt-image-1' && body.response_format !== undefined) {
        return vendorError(res, 'openai', 'bad', "Unknown parameter: 'response_format'.");
      }
      if (model === 'gpt-image-1' && body.style !== undefined)
        return vendorError(res, 'openai', 'bad', "Unknown parameter: 'style'.");
      if (model === 'dall-e-3' && body.response_format !== 'b64_json') {
        // The adapter must ask for bytes: a URL would need another download.
        return vendorError(
          res,
          'openai',
          'bad',
          'This fake only answers response_format b64_json.',
        );
      }
      if (!['gpt-image-1', 'dall-e-3'].includes(model)) {
        return vendorError(res, 'openai', 'not-found', `The model '${model}' does not exist.`);
      }
      const [w, h] = sizeOf(str(body.size) || '1024x1024');
      sendJson(res, 200, {
        created: Math.floor(Date.now() / 1000),
        data: Array.from({ length: n }, () => ({
          b64_json: fakePng(w, h).toString('base64'),
          ...(model === 'dall-e-3' ? { revised_prompt: text } : {}),
        })),
      });
      return;
    }
    // /v1/audio/speech
    const model = str(body.model);
    if (!['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'].includes(model)) {
      return vendorError(res, 'openai', 'not-found', `The model '${model}' does not exist.`);
    }
    if (!str(body.voice))
      return vendorError(res, 'openai', 'bad', "Missing required parameter: 'voice'.");
    if (model !== 'gpt-4o-mini-tts' && body.instructions !== undefined) {
      return vendorError(res, 'openai', 'bad', 'Instructions are not supported for this model.');
    }
    // About 15 characters a second of speech.
    const seconds = Math.max(0.5, text.length / 15);
    const format = str(body.response_format) || 'mp3';
    if (format === 'wav') sendBytes(res, 'audio/wav', fakeWav(seconds));
    else if (format === 'opus') sendBytes(res, 'audio/ogg', fakeOgg());
    else sendBytes(res, 'audio/mpeg', fakeMp3(seconds));
  }

  // Google.

  async function google(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: SeenMediaRequest,
    key: string | undefined,
  ): Promise<void> {
    const download = /^\/v1beta\/files\/([^/:]+):download$/.exec(path);
    if (download) {
      seen.push(record);
      if (!key) return vendorError(res, 'google', 'missing-key');
      const op = operations.get(download[1] ?? '');
      if (!op?.done) return vendorError(res, 'google', 'not-found', 'File not found.');
      sendBytes(res, 'video/mp4', fakeMp4(op.seconds));
      return;
    }
    const operation = /^\/v1beta\/models\/[^/]+\/operations\/([^/]+)$/.exec(path);
    if (operation) {
      seen.push(record);
      if (!key) return vendorError(res, 'google', 'missing-key');
      const op = operations.get(operation[1] ?? '');
      if (!op) return vendorError(res, 'google', 'not-found', 'Operation not found.');
      const s = switchesIn(op.prompt);
      if (s.slowPoll) return gone(res);
      advance(req, op);
      const name = `models/${op.model}/operations/${op.id}`;
      if (!op.done) {
        sendJson(res, 200, { name });
        return;
      }
      if (s.failVideo) {
        sendJson(res, 200, {
          name,
          done: true,
          error: { code: 3, message: 'Video generation failed (fake).' },
        });
        return;
      }
      sendJson(res, 200, {
        name,
        done: true,
        response: {
          '@type':
            'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse',
          generateVideoResponse: { generatedSamples: [{ video: { uri: fileUrl(req, op) } }] },
        },
      });
      return;
    }
    const call = /^\/v1beta\/models\/([^/:]+):(generateContent|predictLongRunning)$/.exec(path);
    const body = await jsonBody(req);
    const model = decodeURIComponent(call?.[1] ?? '');
    if (call?.[2] === 'predictLongRunning') {
      const instance = obj(Array.isArray(body.instances) ? body.instances[0] : undefined);
      const parameters = obj(body.parameters);
      const prompt = str(instance.prompt);
      const image = obj(instance.image);
      record.prompt = clip(prompt);
      record.fields = {
        model,
        ...scalars(parameters, []),
        image: image.bytesBase64Encoded ? str(image.mimeType) : null,
      };
      seen.push(record);
      if (!key) return vendorError(res, 'google', 'missing-key');
      if (await forced(res, 'google', prompt)) return;
      if (!model.startsWith('veo-'))
        return vendorError(res, 'google', 'not-found', `models/${model} is not found.`);
      if (!['16:9', '9:16', undefined].includes(parameters.aspectRatio as string | undefined)) {
        return vendorError(res, 'google', 'bad', 'Unsupported aspect ratio.');
      }
      const seconds =
        typeof parameters.durationSeconds === 'number' ? parameters.durationSeconds : 8;
      if (![4, 6, 8].includes(seconds))
        return vendorError(res, 'google', 'bad', 'durationSeconds must be 4, 6 or 8.');
      const op = newOperation('google', model, prompt, seconds, body);
      sendJson(res, 200, { name: `models/${model}/operations/${op.id}` });
      return;
    }
    // An image model through generateContent.
    const contents = Array.isArray(body.contents) ? body.contents : [];
    const parts = contents.flatMap((content) => {
      const p = obj(content).parts;
      return Array.isArray(p) ? p.map(obj) : [];
    });
    const prompt = parts.map((part) => str(part.text)).join(' ');
    const generation = obj(body.generationConfig);
    record.prompt = clip(prompt);
    record.fields = {
      model,
      responseModalities: generation.responseModalities,
      aspectRatio: obj(generation.imageConfig).aspectRatio,
      inlineImages: parts.filter((part) => obj(part.inlineData).data).length,
    };
    seen.push(record);
    if (!key) return vendorError(res, 'google', 'missing-key');
    if (await forced(res, 'google', prompt)) return;
    if (!model.includes('image'))
      return vendorError(res, 'google', 'not-found', `models/${model} is not found.`);
    const wantsImage =
      Array.isArray(generation.responseModalities) &&
      generation.responseModalities.includes('IMAGE');
    const [w, h] = ASPECT_SIZES[str(obj(generation.imageConfig).aspectRatio)] ?? [1024, 1024];
    sendJson(res, 200, {
      candidates: [
        {
          content: {
            role: 'model',
            parts: wantsImage
              ? [
                  {
                    inlineData: {
                      mimeType: 'image/png',
                      data: fakePng(w, h, [30, 160, 90]).toString('base64'),
                    },
                  },
                ]
              : [{ text: 'Here is a description instead of an image.' }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302 },
      modelVersion: model,
      responseId: randomUUID(),
    });
  }

  // Stability.

  const SD3_MODELS = ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'];

  async function stability(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: SeenMediaRequest,
    key: string | undefined,
  ): Promise<void> {
    const endpoint = /^\/v2beta\/stable-image\/generate\/(core|ultra|sd3)$/.exec(path)?.[1];
    const form = await formBody(req);
    const prompt = form.fields.prompt ?? '';
    record.prompt = clip(prompt);
    record.fields = { ...form.fields, prompt: undefined, accept: req.headers.accept ?? null };
    record.files = form.files.map(({ field, type, size }) => ({ field, type, size }));
    seen.push(record);
    if (!key) return vendorError(res, 'stability', 'missing-key');
    if (await forced(res, 'stability', prompt)) return;
    const s = switchesIn(prompt);
    if (s.moderation) return vendorError(res, 'stability', 'moderation');
    if (!prompt) return vendorError(res, 'stability', 'bad', 'prompt: cannot be empty');
    if (endpoint === 'sd3' && !SD3_MODELS.includes(form.fields.model ?? 'sd3.5-large')) {
      return vendorError(
        res,
        'stability',
        'bad',
        'model: must be one of sd3.5-large, sd3.5-large-turbo, sd3.5-medium, sd3.5-flash',
      );
    }
    const image = form.files.find((file) => file.field === 'image');
    if (endpoint === 'core' && image)
      return vendorError(res, 'stability', 'bad', 'image: not supported');
    if (form.fields.mode === 'image-to-image' && (!image || !form.fields.strength)) {
      return vendorError(
        res,
        'stability',
        'bad',
        'image, strength: required in image-to-image mode',
      );
    }
    if (form.fields.mode === 'image-to-image' && form.fields.aspect_ratio) {
      return vendorError(
        res,
        'stability',
        'bad',
        'aspect_ratio: not allowed in image-to-image mode',
      );
    }
    const [w, h] = ASPECT_SIZES[form.fields.aspect_ratio ?? '1:1'] ?? [1024, 1024];
    const png = fakePng(w, h, [120, 60, 160]);
    const headers = { 'finish-reason': s.filtered ? 'CONTENT_FILTERED' : 'SUCCESS', seed: '12345' };
    if ((req.headers.accept ?? '').startsWith('application/json')) {
      res.setHeader('finish-reason', headers['finish-reason']);
      sendJson(res, 200, {
        image: png.toString('base64'),
        finish_reason: headers['finish-reason'],
        seed: 12345,
      });
      return;
    }
    sendBytes(res, 'image/png', png, headers);
  }

  // ElevenLabs.

  async function elevenlabs(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    url: URL,
    record: SeenMediaRequest,
    key: string | undefined,
  ): Promise<void> {
    const body = await jsonBody(req);
    const text = str(body.text) || str(body.prompt);
    record.prompt = clip(text);
    record.fields = {
      ...scalars(body, ['text', 'prompt']),
      output_format: url.searchParams.get('output_format'),
    };
    seen.push(record);
    if (!key) return vendorError(res, 'elevenlabs', 'missing-key');
    if (await forced(res, 'elevenlabs', text)) return;
    if (!text) return vendorError(res, 'elevenlabs', 'bad', '422:text or prompt is required');
    const format = url.searchParams.get('output_format') ?? 'mp3_44100_128';
    const tts = /^\/v1\/text-to-speech\/([^/]+)$/.exec(path);
    let seconds: number;
    if (tts) {
      const model = str(body.model_id) || 'eleven_multilingual_v2';
      if (
        body.language_code !== undefined &&
        !['eleven_flash_v2_5', 'eleven_turbo_v2_5'].includes(model)
      ) {
        return vendorError(res, 'elevenlabs', 'bad', 'Model does not support language_code.');
      }
      seconds = Math.max(0.5, text.length / 15);
    } else if (path === '/v1/sound-generation') {
      const duration = body.duration_seconds;
      if (typeof duration === 'number' && (duration < 0.5 || duration > 30)) {
        return vendorError(
          res,
          'elevenlabs',
          'bad',
          '422:duration_seconds must be between 0.5 and 30',
        );
      }
      seconds = typeof duration === 'number' ? duration : 5;
    } else {
      const ms = body.music_length_ms;
      if (typeof ms === 'number' && (ms < 3000 || ms > 300_000)) {
        return vendorError(
          res,
          'elevenlabs',
          'bad',
          '422:music_length_ms must be between 3000 and 300000',
        );
      }
      seconds = typeof ms === 'number' ? ms / 1000 : 30;
    }
    const pcm = /^pcm_(\d+)$/.exec(format);
    if (pcm) sendBytes(res, 'audio/pcm', fakePcm(seconds, Number(pcm[1])));
    else sendBytes(res, 'audio/mpeg', fakeMp3(seconds));
  }

  // Runway.

  const RUNWAY_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];

  async function runway(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: SeenMediaRequest,
    key: string | undefined,
  ): Promise<void> {
    const task = /^\/v1\/tasks\/([^/]+)$/.exec(path);
    if (task) {
      seen.push(record);
      if (!key) return vendorError(res, 'runway', 'missing-key');
      const op = operations.get(decodeURIComponent(task[1] ?? ''));
      if (op?.vendor !== 'runway')
        return vendorError(res, 'runway', 'not-found', 'Task not found.');
      const s = switchesIn(op.prompt);
      if (s.slowPoll) return gone(res);
      advance(req, op);
      const base = { id: op.id, createdAt: op.createdAt };
      if (!op.done) {
        sendJson(
          res,
          200,
          op.polls <= 1
            ? { ...base, status: 'PENDING' }
            : { ...base, status: 'RUNNING', progress: Math.min(0.9, op.polls / pollsToFinish) },
        );
      } else if (s.failVideo) {
        sendJson(res, 200, {
          ...base,
          status: 'FAILED',
          failure: 'The prompt was flagged (fake).',
          failureCode: 'SAFETY.INPUT.TEXT',
        });
      } else {
        sendJson(res, 200, { ...base, status: 'SUCCEEDED', output: [fileUrl(req, op)] });
      }
      return;
    }
    const body = await jsonBody(req);
    const prompt = str(body.promptText);
    record.prompt = clip(prompt);
    record.fields = {
      ...scalars(body, ['promptText', 'promptImage']),
      promptImage: typeof body.promptImage === 'string' ? body.promptImage.slice(0, 22) : null,
    };
    seen.push(record);
    if (!key) return vendorError(res, 'runway', 'missing-key');
    if (record.version !== '2024-11-06')
      return vendorError(res, 'runway', 'bad', 'Missing or invalid X-Runway-Version header.');
    if (await forced(res, 'runway', prompt)) return;
    if (path === '/v1/image_to_video' && typeof body.promptImage !== 'string') {
      return vendorError(res, 'runway', 'bad', 'promptImage is required.');
    }
    if (
      typeof body.promptImage === 'string' &&
      !/^(data:image\/[a-z]+;base64,|https:\/\/)/.test(body.promptImage)
    ) {
      return vendorError(res, 'runway', 'bad', 'promptImage must be an HTTPS URL or a data URI.');
    }
    if (path === '/v1/text_to_video' && body.model === 'gen4_turbo') {
      return vendorError(res, 'runway', 'bad', 'Invalid model for text_to_video.');
    }
    if (!RUNWAY_RATIOS.includes(str(body.ratio)))
      return vendorError(res, 'runway', 'bad', 'Invalid ratio.');
    const seconds = typeof body.duration === 'number' ? body.duration : 5;
    const op = newOperation('runway', str(body.model), prompt, seconds, {});
    sendJson(res, 200, { id: op.id });
  }

  // Luma.

  async function luma(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    record: SeenMediaRequest,
    key: string | undefined,
  ): Promise<void> {
    const get = /^\/dream-machine\/v1\/generations\/([^/]+)$/.exec(path);
    if (get) {
      seen.push(record);
      if (!key) return vendorError(res, 'luma', 'missing-key');
      const op = operations.get(decodeURIComponent(get[1] ?? ''));
      if (op?.vendor !== 'luma')
        return vendorError(res, 'luma', 'not-found', 'Generation not found');
      const s = switchesIn(op.prompt);
      if (s.slowPoll) return gone(res);
      advance(req, op);
      sendJson(res, 200, lumaGeneration(req, op, op.done && s.failVideo));
      return;
    }
    const body = await jsonBody(req);
    const prompt = str(body.prompt);
    record.prompt = clip(prompt);
    record.fields = scalars(body, ['prompt']);
    seen.push(record);
    if (!key) return vendorError(res, 'luma', 'missing-key');
    if (await forced(res, 'luma', prompt)) return;
    const keyframes = obj(body.keyframes);
    for (const frame of Object.values(keyframes)) {
      if (!/^https:\/\//.test(str(obj(frame).url)))
        return vendorError(res, 'luma', 'bad', 'Keyframe url must be a public https URL');
    }
    if (!['5s', '9s', '10s'].includes(str(body.duration) || '5s'))
      return vendorError(res, 'luma', 'bad', 'Invalid duration');
    const seconds = Number.parseInt(str(body.duration) || '5', 10);
    const op = newOperation('luma', str(body.model) || 'ray-2', prompt, seconds, body);
    if (typeof body.callback_url === 'string') op.callbackUrl = body.callback_url;
    sendJson(res, 201, lumaGeneration(req, op, false));
  }

  // Finished files.

  async function file(res: ServerResponse, url: URL, record: SeenMediaRequest): Promise<void> {
    seen.push(record);
    const id = /^\/files\/([^/.]+)\.mp4$/.exec(url.pathname)?.[1] ?? '';
    const op = operations.get(id);
    if (!op?.done) return vendorError(res, 'files', 'not-found', 'Not found.');
    if (url.searchParams.get('huge')) {
      // Announces 210 MB, sends a little, then waits for the client to give up.
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 210 * 1024 * 1024 });
      res.write(fakeMp4(op.seconds));
      await gone(res);
      return;
    }
    sendBytes(res, 'video/mp4', fakeMp4(op.seconds));
  }

  const PREFIXES: [string, MediaVendor][] = [
    ['/openai', 'openai'],
    ['/google', 'google'],
    ['/stability', 'stability'],
    ['/elevenlabs', 'elevenlabs'],
    ['/runway', 'runway'],
    ['/luma', 'luma'],
  ];

  /** Which vendor a path belongs to, and the path below its prefix; null when not ours. */
  function routeOf(pathname: string): { vendor: MediaVendor; path: string } | null {
    if (pathname.startsWith('/files/')) return { vendor: 'files', path: pathname };
    for (const [prefix, vendor] of PREFIXES) {
      if (!pathname.startsWith(`${prefix}/`)) continue;
      const path = pathname.slice(prefix.length);
      if (
        vendor === 'openai' &&
        !['/v1/images/generations', '/v1/images/edits', '/v1/audio/speech'].includes(path)
      )
        return null;
      if (
        vendor === 'google' &&
        !/^\/v1beta\/(files\/[^/:]+:download|models\/[^/]+\/operations\/[^/]+|models\/[^/:]+:predictLongRunning|models\/[^/:]*image[^/:]*:generateContent)$/.test(
          path,
        )
      ) {
        return null;
      }
      return { vendor, path };
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const route = routeOf(url.pathname);
    if (!route) return false;
    const { vendor, path } = route;
    const { key, auth, keyLast4 } = credentials(vendor, req, url);
    const record: SeenMediaRequest = {
      vendor,
      method: req.method ?? 'GET',
      path: url.pathname,
      auth,
      keyLast4,
    };
    if (vendor === 'runway') {
      const version = req.headers['x-runway-version'];
      record.version = typeof version === 'string' ? version : null;
    }
    try {
      if (vendor === 'files') await file(res, url, record);
      else if (vendor === 'openai') {
        if (!key) {
          seen.push(record);
          vendorError(res, 'openai', 'missing-key');
        } else await openai(req, res, path, record);
      } else if (vendor === 'google') await google(req, res, path, record, key);
      else if (vendor === 'stability') await stability(req, res, path, record, key);
      else if (vendor === 'elevenlabs') await elevenlabs(req, res, path, url, record, key);
      else if (vendor === 'runway') await runway(req, res, path, record, key);
      else await luma(req, res, path, record, key);
    } catch (err) {
      if (!(err instanceof BadBody)) throw err;
      if (!seen.includes(record)) seen.push(record);
      vendorError(res, vendor, 'bad', `Could not parse the request body: ${err.message}.`);
    }
    return true;
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
      if (url.pathname === '/__reset' && req.method === 'POST') {
        seen.length = 0;
        operations.clear();
        pollsToFinish = defaultPolls;
        sendJson(res, 200, { ok: true });
        return;
      }
      if (url.pathname === '/__config' && req.method === 'POST') {
        const body = await jsonBody(req);
        if (typeof body.pollsToFinish === 'number' && body.pollsToFinish >= 1)
          pollsToFinish = body.pollsToFinish;
        sendJson(res, 200, { pollsToFinish });
        return;
      }
      if (url.pathname === '/__finish' && req.method === 'POST') {
        const op = operations.get(url.searchParams.get('id') ?? '');
        if (!op) {
          sendJson(res, 404, { error: 'no such operation' });
          return;
        }
        if (!op.done) {
          op.done = true;
          if (op.vendor === 'luma') fireLumaCallback(req, op, switchesIn(op.prompt).failVideo);
        }
        sendJson(res, 200, { ok: true });
        return;
      }
      if (await handle(req, res)) return;
      sendJson(res, 404, { error: { message: `No fake for ${url.pathname}` } });
    },
  });
  ownUrl = listening.url;
  return {
    ...listening,
    handle,
    vars: {
      STABILITY_API_KEY: 'sk-stability-fake-0001',
      STABILITY_BASE_URL: `${listening.url}/stability`,
      ELEVENLABS_API_KEY: 'xi-fake-0002',
      ELEVENLABS_BASE_URL: `${listening.url}/elevenlabs`,
      RUNWAY_API_KEY: 'key_runway_fake_0003',
      RUNWAY_BASE_URL: `${listening.url}/runway`,
      LUMA_API_KEY: 'luma-fake-0004',
      LUMA_BASE_URL: `${listening.url}/luma`,
    },
  };
}
