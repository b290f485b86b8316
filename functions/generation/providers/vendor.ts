import { sniffFamily } from '../../media/sniff';
import { retryAfterSeconds } from '../../models/providers/stream-guard';
import type { GeneratedFile, MediaProviderConfig } from './types';
import { ProviderError } from './types';

/**
 * What the vendor media adapters share: one deadline per call, one mapping from an HTTP
 * status to a ProviderError (with our own short words, never the vendor's text, which can
 * quote part of a key), bounded downloads, and reading what a file's bytes are.
 */

/** A vendor's file larger than this is refused (a video is a few tens of MiB). */
export const MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024;

/** The key to call a vendor with; a vendor without one is a configuration slip. */
export function keyOf(label: string, config: Pick<MediaProviderConfig, 'apiKey'>): string {
  if (!config.apiKey) throw new ProviderError('auth', `No API key for ${label}.`);
  return config.apiKey;
}

/** The caller's signal joined with a deadline; `why` tells which one fired. */
export interface Deadline {
  signal: AbortSignal;
  /** 'aborted' (the caller stopped), 'timeout' (the deadline passed) or null. */
  why(): 'aborted' | 'timeout' | null;
  /** The ProviderError for the signal that fired, or null when none did. */
  stopped(label: string): ProviderError | null;
}

/** A deadline of `timeoutMs` on top of the caller's signal. */
export function deadline(signal: AbortSignal, timeoutMs: number): Deadline {
  const timer = AbortSignal.timeout(timeoutMs);
  const why = () => (signal.aborted ? 'aborted' : timer.aborted ? 'timeout' : null);
  return {
    signal: AbortSignal.any([signal, timer]),
    why,
    stopped(label) {
      const reason = why();
      if (reason === 'aborted') return new ProviderError('aborted', 'Stopped.');
      if (reason === 'timeout') {
        return new ProviderError('timeout', `${label} did not answer in time.`);
      }
      return null;
    },
  };
}

/** What a refusal with status 403 means at this vendor. */
export type ForbiddenMeans = 'key' | 'moderation';

/** The ProviderError for an HTTP failure status. */
export function statusFailure(
  label: string,
  status: number,
  headers?: Headers | null,
  forbidden: ForbiddenMeans = 'key',
): ProviderError {
  if (status === 401 || (status === 403 && forbidden === 'key')) {
    return new ProviderError('auth', `${label} refused the key.`, { status });
  }
  if (status === 403) {
    return new ProviderError('bad_request', `${label} refused the prompt (content policy).`, {
      status,
    });
  }
  if (status === 429) {
    return new ProviderError('rate_limit', `${label} is rate limiting this key.`, {
      status,
      retryAfterSeconds: retryAfterSeconds(headers),
    });
  }
  if (status === 408) {
    return new ProviderError('timeout', `${label} did not answer in time.`, { status });
  }
  if (status >= 500) {
    return new ProviderError('unavailable', `${label} is unavailable.`, { status });
  }
  if (status === 404) {
    return new ProviderError('bad_request', `${label} does not know this model or task.`, {
      status,
    });
  }
  return new ProviderError('bad_request', `${label} refused the request.`, { status });
}

/** A failure while talking to a vendor: a stop, a deadline, or a connection that failed. */
export function transportFailure(label: string, stop: Deadline, cause: unknown): ProviderError {
  if (cause instanceof ProviderError) return cause;
  return (
    stop.stopped(label) ??
    // A network error carries no vendor text: worth keeping for the logs.
    new ProviderError('unavailable', `Could not reach ${label}.`, { cause })
  );
}

export interface VendorCallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  forbidden?: ForbiddenMeans;
}

/**
 * One HTTP call to a vendor under a deadline. A non-2xx answer becomes a ProviderError (its
 * body is dropped unread); `read` runs under the same deadline, so a body that stalls ends
 * as a timeout too.
 */
export async function vendorCall<T>(
  label: string,
  url: string,
  init: RequestInit,
  options: VendorCallOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const stop = deadline(options.signal, options.timeoutMs);
  const early = stop.stopped(label);
  if (early) throw early;
  try {
    const response = await fetch(url, { ...init, signal: stop.signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw statusFailure(label, response.status, response.headers, options.forbidden);
    }
    return await read(response);
  } catch (err) {
    throw transportFailure(label, stop, err);
  }
}

/** The JSON body of a vendor answer; one that is not JSON is `unavailable`. */
export async function jsonOf(label: string, response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    throw new ProviderError('unavailable', `${label} sent an answer we could not read.`);
  }
}

/** Reads a body up to `limit` bytes, refusing a longer one without buffering it all. */
export async function bytesOf(
  label: string,
  response: Response,
  limit = MAX_DOWNLOAD_BYTES,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new ProviderError('bad_request', `${label} sent a file larger than ${limit >> 20} MiB.`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Downloads a finished file from the address a vendor gave. Any refusal there (an expired
 * link, a CDN error) is `unavailable`: the key is not involved unless `headers` carry it.
 */
export async function download(
  label: string,
  url: string,
  options: { signal: AbortSignal; timeoutMs: number; headers?: Record<string, string> },
): Promise<Uint8Array> {
  const stop = deadline(options.signal, options.timeoutMs);
  const early = stop.stopped(label);
  if (early) throw early;
  try {
    const response = await fetch(url, {
      headers: options.headers,
      signal: stop.signal,
      redirect: 'follow',
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      // A refusal means the key only where the key was sent (Google's file links).
      if (options.headers && (response.status === 401 || response.status === 403)) {
        throw statusFailure(label, response.status, response.headers);
      }
      throw new ProviderError('unavailable', `Could not download the file from ${label}.`, {
        status: response.status,
      });
    }
    return await bytesOf(label, response);
  } catch (err) {
    throw transportFailure(label, stop, err);
  }
}

/** Standard base64 (the vendors' JSON) to bytes. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** Bytes to standard base64, in slices so a large image does not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A `data:` URI of an image, for vendors that take one (Runway's promptImage). */
export function dataUri(contentType: string, bytes: Uint8Array): string {
  return `data:${contentType};base64,${toBase64(bytes)}`;
}

const IMAGE_TYPES = {
  png: { contentType: 'image/png', ext: 'png' },
  jpeg: { contentType: 'image/jpeg', ext: 'jpg' },
  webp: { contentType: 'image/webp', ext: 'webp' },
  gif: { contentType: 'image/gif', ext: 'gif' },
} as const;

/** Width and height from a PNG header or a JPEG start-of-frame marker. */
function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1] ?? 0;
    const length = view.getUint16(at + 2);
    // SOF0–SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/**
 * An image the vendor sent, typed by its bytes (vendors may answer JPEG or WebP whatever was
 * asked); anything that is not an image is an answer we cannot use.
 */
export function imageFile(label: string, bytes: Uint8Array): GeneratedFile {
  const family = sniffFamily(bytes.subarray(0, 64), true);
  if (family !== 'png' && family !== 'jpeg' && family !== 'webp' && family !== 'gif') {
    throw new ProviderError('unavailable', `${label} sent something that is not an image.`);
  }
  return { bytes, ...IMAGE_TYPES[family], ...imageSize(bytes) };
}

/** The length of an MP4 from its movie header (`moov` → `mvhd`); undefined without one. */
export function mp4DurationMs(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(...bytes.subarray(at + 4, at + 8));
  const find = (name: string, from: number, to: number): number | undefined => {
    let at = from;
    while (at + 8 <= to) {
      let size = view.getUint32(at);
      if (size === 1 && at + 16 <= to) size = Number(view.getBigUint64(at + 8));
      else if (size === 0) size = to - at;
      if (type(at) === name) return at;
      if (size < 8) return undefined;
      at += size;
    }
    return undefined;
  };
  const moov = find('moov', 0, bytes.length);
  if (moov === undefined) return undefined;
  const mvhd = find('mvhd', moov + 8, Math.min(bytes.length, moov + view.getUint32(moov)));
  if (mvhd === undefined || mvhd + 32 > bytes.length) return undefined;
  const version = bytes[mvhd + 8];
  // Version 1 has 64-bit times: creation, modification, then timescale and duration.
  const timescale = view.getUint32(mvhd + (version === 1 ? 28 : 20));
  const duration = version === 1 ? Number(view.getBigUint64(mvhd + 32)) : view.getUint32(mvhd + 24);
  return timescale > 0 ? Math.round((duration / timescale) * 1000) : undefined;
}

/**
 * A video the vendor sent; only MP4 (an ISO-BMFF `ftyp` box) is accepted. Its length comes
 * from the file, else from what was asked.
 */
export function videoFile(label: string, bytes: Uint8Array, askedSeconds?: number): GeneratedFile {
  if (sniffFamily(bytes.subarray(0, 16), true) !== 'mp4') {
    throw new ProviderError('unavailable', `${label} sent something that is not an MP4 video.`);
  }
  let durationMs: number | undefined;
  try {
    durationMs = mp4DurationMs(bytes);
  } catch {
    // A box that runs past the end: the length stays unknown.
  }
  durationMs ??= askedSeconds === undefined ? undefined : askedSeconds * 1000;
  return {
    bytes,
    contentType: 'video/mp4',
    ext: 'mp4',
    ...(durationMs === undefined ? {} : { durationMs }),
  };
}

/** MPEG audio bit rates (kbit/s) by [MPEG-1?][layer III?] and index. */
const BITRATES = {
  v1l3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** The length of an MP3 (layer III) by walking its frames; undefined when it is not one. */
export function mp3DurationMs(bytes: Uint8Array): number | undefined {
  let at = 0;
  // An ID3v2 tag: "ID3", version (2), flags (1), then a 28-bit "syncsafe" size.
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33 && bytes.length > 10) {
    const size =
      ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0);
    at = 10 + size;
  }
  let seconds = 0;
  let frames = 0;
  while (at + 4 <= bytes.length) {
    const b1 = bytes[at + 1] ?? 0;
    const b2 = bytes[at + 2] ?? 0;
    if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) break;
    const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    const layer = (b1 >> 1) & 3; // 1 = layer III
    const rateIndex = (b2 >> 2) & 3;
    const bitrateIndex = b2 >> 4;
    if (
      version === 1 ||
      layer !== 1 ||
      rateIndex === 3 ||
      bitrateIndex === 0 ||
      bitrateIndex === 15
    ) {
      break;
    }
    const rates = SAMPLE_RATES[version as 0 | 2 | 3];
    const sampleRate = rates[rateIndex] ?? 44100;
    const kbps = (version === 3 ? BITRATES.v1l3 : BITRATES.v2l3)[bitrateIndex] ?? 0;
    const samples = version === 3 ? 1152 : 576;
    const padding = (b2 >> 1) & 1;
    const length = Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
    if (length <= 4) break;
    seconds += samples / sampleRate;
    frames += 1;
    at += length;
  }
  return frames > 0 ? Math.round(seconds * 1000) : undefined;
}

/** The length of a PCM WAV from its `fmt ` and `data` chunks; undefined when it is not one. */
export function wavDurationMs(bytes: Uint8Array): number | undefined {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let byteRate = 0;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 16 <= bytes.length) byteRate = view.getUint32(at + 16, true);
    if (id === 'data') {
      if (!byteRate) return undefined;
      const data = Math.min(size, bytes.length - at - 8);
      return Math.round((data / byteRate) * 1000);
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Raw 16-bit little-endian mono PCM wrapped in a WAV header. */
export function pcmToWav(pcm: Uint8Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + pcm.length);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i += 1) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + pcm.length, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, pcm.length, true);
  out.set(pcm, 44);
  return out;
}

const AUDIO_TYPES = {
  mp3: { contentType: 'audio/mpeg', ext: 'mp3' },
  wav: { contentType: 'audio/wav', ext: 'wav' },
  ogg: { contentType: 'audio/ogg', ext: 'ogg' },
} as const;

/** Audio the vendor sent, typed by its bytes, with its length when it can be read. */
export function audioFile(label: string, bytes: Uint8Array): GeneratedFile {
  const family = sniffFamily(bytes.subarray(0, 64), true);
  if (family !== 'mp3' && family !== 'wav' && family !== 'ogg') {
    throw new ProviderError('unavailable', `${label} sent something that is not audio.`);
  }
  const durationMs =
    family === 'mp3' ? mp3DurationMs(bytes) : family === 'wav' ? wavDurationMs(bytes) : undefined;
  return { bytes, ...AUDIO_TYPES[family], ...(durationMs === undefined ? {} : { durationMs }) };
}

/** The prompt with the things to avoid spelled out, for vendors without a negative prompt. */
export function withAvoid(prompt: string, negativePrompt?: string): string {
  const avoid = negativePrompt?.trim();
  return avoid ? `${prompt}\n\nAvoid: ${avoid}` : prompt;
}

/** A base URL without its trailing slash. */
export function baseOf(config: Pick<MediaProviderConfig, 'baseUrl'>, fallback: string): string {
  return (config.baseUrl ?? fallback).replace(/\/+$/, '');
}
