import {
  ApiError,
  type GenerateContentResponse,
  GenerateVideosOperation,
  GoogleGenAI,
  type Part,
} from '@google/genai';
import type {
  GeneratedFile,
  ImageProvider,
  ImageRequest,
  ImageResult,
  MediaProviderConfig,
  VideoPoll,
  VideoProvider,
  VideoRequest,
  VideoStart,
} from './types';
import { ProviderError } from './types';
import {
  type Deadline,
  deadline,
  download,
  fromBase64,
  imageFile,
  keyOf,
  statusFailure,
  toBase64,
  videoFile,
  withAvoid,
} from './vendor';

const LABEL = 'Google';

/** Where the Gemini API lives when no base URL is configured (the SDK's own default). */
const PUBLIC_ENDPOINT = 'https://generativelanguage.googleapis.com';

/**
 * Prices in micro-dollars: list prices as of 2026, admins adjust in code.
 *
 * | model                       | price                          |
 * | --------------------------- | ------------------------------ |
 * | gemini-2.5-flash-image      | $0.039 per image (1K)          |
 * | gemini-3-pro-image-preview  | $0.134 per image (1K/2K)       |
 * | veo-3.0-generate-001        | $0.40 per second of video      |
 * | veo-3.0-fast-generate-001   | $0.15 per second of video      |
 *
 * Imagen (`models.generateImages`) is not used: from @google/genai 2.x that method runs on
 * Vertex AI only and Google moved image generation on the Gemini API to image models called
 * through generateContent.
 */
const IMAGE_PRICES: Record<string, number> = {
  'gemini-2.5-flash-image': 39_000,
  'gemini-3-pro-image-preview': 134_000,
};
const VIDEO_PRICE_PER_SECOND: Record<string, number> = {
  'veo-3.0-generate-001': 400_000,
  'veo-3.0-fast-generate-001': 150_000,
};

export const GOOGLE_IMAGE_MODELS = Object.keys(IMAGE_PRICES);
export const GOOGLE_VIDEO_MODELS = Object.keys(VIDEO_PRICE_PER_SECOND);

/** Veo renders clips of 4, 6 or 8 seconds. */
const VEO_DURATIONS = [4, 6, 8];

/**
 * The SDK retries only when told to: once, on 408 and 5xx, after a short pause. Not on 429:
 * Gemini's quotas are per minute and the caller is better told at once.
 */
const RETRY = {
  attempts: 2,
  initialDelay: 0.2,
  maxDelay: 2,
  httpStatusCodes: [408, 500, 502, 503, 504],
};

function client(config: MediaProviderConfig): GoogleGenAI {
  // The SDK's own timeout is a backstop: our deadline (on abortSignal) fires first.
  const timeout = config.timeoutMs + 1_000;
  return new GoogleGenAI({
    apiKey: keyOf(LABEL, config),
    vertexai: false,
    httpOptions: config.baseUrl
      ? { baseUrl: config.baseUrl, timeout, retryOptions: RETRY }
      : { timeout, retryOptions: RETRY },
  });
}

/** An SDK failure as a ProviderError: our stop or deadline first, then the vendor's status. */
function failure(err: unknown, stop: Deadline): ProviderError {
  if (err instanceof ProviderError) return err;
  const stopped = stop.stopped(LABEL);
  if (stopped) return stopped;
  if (err instanceof ApiError) {
    // Gemini refuses an unknown key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
    if (err.status === 400 && /API_KEY_INVALID/.test(err.message)) {
      return new ProviderError('auth', `${LABEL} refused the key.`, { status: 400 });
    }
    return statusFailure(LABEL, err.status);
  }
  return new ProviderError('unavailable', `Could not reach ${LABEL}.`, { cause: err });
}

async function guarded<T>(
  signal: AbortSignal,
  config: MediaProviderConfig,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = deadline(signal, config.timeoutMs);
  const early = stop.stopped(LABEL);
  if (early) throw early;
  try {
    return await call(stop.signal);
  } catch (err) {
    throw failure(err, stop);
  }
}

const ASPECT: Record<ImageRequest['size'], string> = {
  '1024x1024': '1:1',
  '1536x1024': '3:2',
  '1024x1536': '2:3',
};

function imageOf(response: GenerateContentResponse): GeneratedFile {
  if (response.promptFeedback?.blockReason) {
    throw new ProviderError('bad_request', `${LABEL} refused the prompt (content policy).`);
  }
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  const image = parts.find((part) => part.inlineData?.data && !part.thought)?.inlineData?.data;
  if (!image) {
    // An answer with no picture is the model declining (safety, or text instead of an image).
    throw new ProviderError('bad_request', `${LABEL} made no image for this prompt.`);
  }
  return imageFile(LABEL, fromBase64(image));
}

/**
 * Gemini image models (generateContent answering with an image part). A source image is
 * sent along with the prompt, which these models read as "make a variation of this".
 */
export const googleImage: ImageProvider = {
  async generateImages(request, config): Promise<ImageResult> {
    const price = IMAGE_PRICES[request.model];
    if (price === undefined) {
      throw new ProviderError('bad_request', `${LABEL} has no image model "${request.model}".`);
    }
    const ai = client(config);
    const parts: Part[] = [{ text: withAvoid(request.prompt, request.negativePrompt) }];
    if (request.source) {
      parts.push({
        inlineData: { mimeType: request.source.contentType, data: toBase64(request.source.bytes) },
      });
    }
    const images: GeneratedFile[] = [];
    // One image per call: these models do not take a candidate count.
    for (let i = 0; i < request.n; i += 1) {
      const response = await guarded(request.signal, config, (signal) =>
        ai.models.generateContent({
          model: request.model,
          contents: [{ role: 'user', parts }],
          config: {
            abortSignal: signal,
            responseModalities: ['IMAGE'],
            imageConfig: { aspectRatio: ASPECT[request.size] },
          },
        }),
      );
      images.push(imageOf(response));
    }
    return { images, costMicros: price * images.length };
  },
};

/** The nearest clip length Veo renders; halfway between two, the longer (5 s → 6 s). */
function veoDuration(seconds: number): number {
  return VEO_DURATIONS.reduce((best, d) =>
    Math.abs(d - seconds) <= Math.abs(best - seconds) ? d : best,
  );
}

/** Only send the key to Google's own API (or the configured stand-in), never elsewhere. */
function sameOrigin(uri: string, config: MediaProviderConfig): boolean {
  try {
    return new URL(uri).origin === new URL(config.baseUrl ?? PUBLIC_ENDPOINT).origin;
  } catch {
    return false;
  }
}

/** Veo through the Gemini API: a long-running operation, polled, then the file downloaded. */
export const googleVideo: VideoProvider = {
  async startVideo(request: VideoRequest, config): Promise<VideoStart> {
    const price = VIDEO_PRICE_PER_SECOND[request.model];
    if (price === undefined) {
      throw new ProviderError('bad_request', `${LABEL} has no video model "${request.model}".`);
    }
    if (request.aspectRatio === '1:1') {
      throw new ProviderError('bad_request', 'Veo makes 16:9 or 9:16 videos only.');
    }
    const ai = client(config);
    const durationSeconds = veoDuration(request.durationSeconds);
    const operation = await guarded(request.signal, config, (signal) =>
      ai.models.generateVideos({
        model: request.model,
        source: {
          prompt: request.prompt,
          ...(request.image
            ? {
                image: {
                  imageBytes: toBase64(request.image.bytes),
                  mimeType: request.image.contentType,
                },
              }
            : {}),
        },
        config: {
          abortSignal: signal,
          numberOfVideos: 1,
          aspectRatio: request.aspectRatio,
          durationSeconds,
          resolution: request.resolution,
        },
      }),
    );
    if (!operation.name) throw new ProviderError('unavailable', `${LABEL} started no operation.`);
    return { kind: 'operation', operationId: operation.name, costMicros: price * durationSeconds };
  },

  async pollVideo(operationId, config, signal): Promise<VideoPoll> {
    const ai = client(config);
    const operation = new GenerateVideosOperation();
    operation.name = operationId;
    const latest = await guarded(signal, config, (abortSignal) =>
      ai.operations.getVideosOperation({ operation, config: { abortSignal } }),
    );
    if (!latest.done) return { status: 'running' };
    if (latest.error) return { status: 'failed', message: 'Veo could not make this video.' };
    const video = latest.response?.generatedVideos?.[0]?.video;
    if (!video) {
      return latest.response?.raiMediaFilteredCount
        ? { status: 'failed', message: 'Veo withheld this video (content policy).' }
        : { status: 'failed', message: 'Veo finished without a video.' };
    }
    if (video.videoBytes) {
      return { status: 'succeeded', file: videoFile(LABEL, fromBase64(video.videoBytes)) };
    }
    if (!video.uri) return { status: 'failed', message: 'Veo finished without a video.' };
    const apiKey = keyOf(LABEL, config);
    const bytes = await download(LABEL, video.uri, {
      signal,
      timeoutMs: config.timeoutMs,
      headers: sameOrigin(video.uri, config) ? { 'x-goog-api-key': apiKey } : undefined,
    });
    return { status: 'succeeded', file: videoFile(LABEL, bytes) };
  },
};
