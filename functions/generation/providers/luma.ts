import type {
  MediaProviderConfig,
  VideoPoll,
  VideoProvider,
  VideoRequest,
  VideoStart,
} from './types';
import { ProviderError } from './types';
import { baseOf, download, jsonOf, keyOf, vendorCall, videoFile } from './vendor';

const LABEL = 'Luma';
const PUBLIC_ENDPOINT = 'https://api.lumalabs.ai';

/**
 * Prices in micro-dollars: list prices as of 2026, admins adjust in code. Luma bills per
 * million pixels rendered (width × height × 24 fps × seconds):
 *
 * | model       | price per Mpx | 5 s at 720p | 5 s at 1080p |
 * | ----------- | ------------- | ----------- | ------------ |
 * | ray-2       | $0.0064       | ≈ $0.71     | ≈ $1.59      |
 * | ray-flash-2 | $0.0022       | ≈ $0.24     | ≈ $0.55      |
 */
const PRICE_PER_MEGAPIXEL: Record<string, number> = {
  'ray-2': 6_400,
  'ray-flash-2': 2_200,
};
const PIXELS: Record<VideoRequest['resolution'], number> = {
  '720p': 1280 * 720,
  '1080p': 1920 * 1080,
};
const FPS = 24;

export const LUMA_VIDEO_MODELS = Object.keys(PRICE_PER_MEGAPIXEL);

/** A generation's state, as Luma reports it (polled or posted to the callback). */
export type LumaState = 'queued' | 'dreaming' | 'completed' | 'failed';
const STATES: readonly string[] = ['queued', 'dreaming', 'completed', 'failed'];

interface LumaGeneration {
  id?: unknown;
  state?: unknown;
  assets?: { video?: unknown } | null;
}

function generationOf(value: unknown): LumaGeneration {
  return typeof value === 'object' && value !== null ? (value as LumaGeneration) : {};
}

function headers(config: MediaProviderConfig): Record<string, string> {
  return {
    authorization: `Bearer ${keyOf(LABEL, config)}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
}

const FAILED = 'Luma could not make this video.';

/**
 * Reads the generation object Luma POSTs to `callback_url` on each state change; null when
 * the body is not one. `failure` is our own words: Luma's failure_reason is not passed on.
 */
export function parseLumaCallback(
  body: unknown,
): { id: string; state: LumaState; videoUrl?: string; failure?: string } | null {
  const generation = generationOf(body);
  if (typeof generation.id !== 'string' || !generation.id) return null;
  if (typeof generation.state !== 'string' || !STATES.includes(generation.state)) return null;
  const state = generation.state as LumaState;
  const video = generation.assets?.video;
  return {
    id: generation.id,
    state,
    ...(typeof video === 'string' && video ? { videoUrl: video } : {}),
    ...(state === 'failed' ? { failure: FAILED } : {}),
  };
}

/** Luma Dream Machine: a generation started, polled by id, then its video downloaded. */
export const lumaVideo: VideoProvider = {
  async startVideo(request, config): Promise<VideoStart> {
    const price = PRICE_PER_MEGAPIXEL[request.model];
    if (price === undefined) {
      throw new ProviderError('bad_request', `${LABEL} has no video model "${request.model}".`);
    }
    if (request.image) {
      // Keyframes are URLs Luma fetches itself; we have the bytes, not a public address.
      throw new ProviderError(
        'bad_request',
        'Luma needs the image at a public URL; use Runway or Veo for image-to-video.',
      );
    }
    // Ray renders 5 s or 9 s clips.
    const seconds = request.durationSeconds > 7 ? 9 : 5;
    const body: Record<string, unknown> = {
      prompt: request.prompt,
      model: request.model,
      aspect_ratio: request.aspectRatio,
      duration: `${seconds}s`,
      resolution: request.resolution,
    };
    if (request.callbackUrl) body.callback_url = request.callbackUrl;
    const generation = await vendorCall(
      LABEL,
      `${baseOf(config, PUBLIC_ENDPOINT)}/dream-machine/v1/generations`,
      { method: 'POST', headers: headers(config), body: JSON.stringify(body) },
      { signal: request.signal, timeoutMs: config.timeoutMs },
      async (response) => generationOf(await jsonOf(LABEL, response)),
    );
    if (typeof generation.id !== 'string' || !generation.id) {
      throw new ProviderError('unavailable', `${LABEL} started no generation.`);
    }
    const megapixels = (PIXELS[request.resolution] * FPS * seconds) / 1_000_000;
    return {
      kind: 'operation',
      operationId: generation.id,
      costMicros: Math.ceil(megapixels * price),
    };
  },

  async pollVideo(operationId, config, signal): Promise<VideoPoll> {
    const generation = await vendorCall(
      LABEL,
      `${baseOf(config, PUBLIC_ENDPOINT)}/dream-machine/v1/generations/${encodeURIComponent(operationId)}`,
      { method: 'GET', headers: headers(config) },
      { signal, timeoutMs: config.timeoutMs },
      async (response) => jsonOf(LABEL, response),
    );
    const seen = parseLumaCallback(generation);
    if (!seen) throw new ProviderError('unavailable', `${LABEL} sent an answer we could not read.`);
    if (seen.state === 'failed') return { status: 'failed', message: FAILED };
    if (seen.state !== 'completed') return { status: 'running' };
    if (!seen.videoUrl) return { status: 'failed', message: 'Luma finished without a video.' };
    // Asset links are public CDN addresses: the key is not sent there.
    const bytes = await download(LABEL, seen.videoUrl, { signal, timeoutMs: config.timeoutMs });
    return { status: 'succeeded', file: videoFile(LABEL, bytes) };
  },
};
