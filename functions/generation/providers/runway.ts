import type {
  MediaProviderConfig,
  VideoPoll,
  VideoProvider,
  VideoRequest,
  VideoStart,
} from './types';
import { ProviderError } from './types';
import { baseOf, dataUri, download, jsonOf, keyOf, vendorCall, videoFile } from './vendor';

const LABEL = 'Runway';
const PUBLIC_ENDPOINT = 'https://api.dev.runwayml.com';
/** The API version every call names (Runway refuses a call without one). */
const API_VERSION = '2024-11-06';

/**
 * Prices in micro-dollars: list prices as of 2026 (credits at $0.01), admins adjust in code.
 *
 * | model      | what                                | price                    |
 * | ---------- | ----------------------------------- | ------------------------ |
 * | gen4_turbo | image to video, 5 or 10 s           | $0.05 per second (5 cr.) |
 * | gen4.5     | text or image to video, 2–10 s      | $0.12 per second (12 cr.)|
 */
const MODELS: Record<string, { pricePerSecond: number; needsImage: boolean }> = {
  'gen4.5': { pricePerSecond: 120_000, needsImage: false },
  gen4_turbo: { pricePerSecond: 50_000, needsImage: true },
};

export const RUNWAY_VIDEO_MODELS = Object.keys(MODELS);

const RATIO: Record<VideoRequest['aspectRatio'], string> = {
  '16:9': '1280:720',
  '9:16': '720:1280',
  '1:1': '960:960',
};

function duration(model: string, seconds: number): number {
  // gen4_turbo renders 5 or 10 s; gen4.5 any whole number from 2 to 10.
  if (model === 'gen4_turbo') return seconds > 7 ? 10 : 5;
  return Math.min(10, Math.max(2, Math.round(seconds)));
}

function headers(config: MediaProviderConfig): Record<string, string> {
  return {
    authorization: `Bearer ${keyOf(LABEL, config)}`,
    'x-runway-version': API_VERSION,
    'content-type': 'application/json',
  };
}

interface RunwayTask {
  id?: unknown;
  status?: unknown;
  progress?: unknown;
  output?: unknown;
  failureCode?: unknown;
}

function object(value: unknown): RunwayTask {
  return typeof value === 'object' && value !== null ? (value as RunwayTask) : {};
}

/** Runway's failure codes are fixed identifiers (e.g. SAFETY.INPUT.TEXT): safe to show. */
function failedMessage(task: RunwayTask): string {
  const code = typeof task.failureCode === 'string' ? task.failureCode : '';
  return /^[A-Z0-9_.]{1,60}$/.test(code)
    ? `Runway could not make this video (${code}).`
    : 'Runway could not make this video.';
}

/** Runway's API: a task started, polled at /v1/tasks/{id}, then its output downloaded. */
export const runwayVideo: VideoProvider = {
  async startVideo(request, config): Promise<VideoStart> {
    const model = MODELS[request.model];
    if (!model) {
      throw new ProviderError('bad_request', `${LABEL} has no video model "${request.model}".`);
    }
    if (model.needsImage && !request.image) {
      throw new ProviderError(
        'bad_request',
        `${LABEL} ${request.model} needs a first image; pick gen4.5 for text to video.`,
      );
    }
    const seconds = duration(request.model, request.durationSeconds);
    const body: Record<string, unknown> = {
      model: request.model,
      promptText: request.prompt.slice(0, 1000),
      ratio: RATIO[request.aspectRatio],
      duration: seconds,
    };
    if (request.image) body.promptImage = dataUri(request.image.contentType, request.image.bytes);
    const path = request.image ? '/v1/image_to_video' : '/v1/text_to_video';
    const task = await vendorCall(
      LABEL,
      `${baseOf(config, PUBLIC_ENDPOINT)}${path}`,
      { method: 'POST', headers: headers(config), body: JSON.stringify(body) },
      { signal: request.signal, timeoutMs: config.timeoutMs },
      async (response) => object(await jsonOf(LABEL, response)),
    );
    if (typeof task.id !== 'string' || !task.id) {
      throw new ProviderError('unavailable', `${LABEL} started no task.`);
    }
    return { kind: 'operation', operationId: task.id, costMicros: model.pricePerSecond * seconds };
  },

  async pollVideo(operationId, config, signal): Promise<VideoPoll> {
    const task = await vendorCall(
      LABEL,
      `${baseOf(config, PUBLIC_ENDPOINT)}/v1/tasks/${encodeURIComponent(operationId)}`,
      { method: 'GET', headers: headers(config) },
      { signal, timeoutMs: config.timeoutMs },
      async (response) => object(await jsonOf(LABEL, response)),
    );
    switch (task.status) {
      case 'SUCCEEDED': {
        const url = Array.isArray(task.output) ? task.output[0] : undefined;
        if (typeof url !== 'string') {
          return { status: 'failed', message: 'Runway finished without a video.' };
        }
        // Output links are pre-signed: the key is not sent there.
        const bytes = await download(LABEL, url, { signal, timeoutMs: config.timeoutMs });
        return { status: 'succeeded', file: videoFile(LABEL, bytes) };
      }
      case 'FAILED':
        return { status: 'failed', message: failedMessage(task) };
      case 'CANCELLED':
        return { status: 'failed', message: 'The Runway task was cancelled.' };
      default: {
        const progress = typeof task.progress === 'number' ? task.progress : undefined;
        return progress === undefined ? { status: 'running' } : { status: 'running', progress };
      }
    }
  },
};
