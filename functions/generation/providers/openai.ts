import OpenAI, { toFile } from 'openai';
import type { ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import { shortRetryFetch } from '../../models/providers/stream-guard';
import type {
  AudioResult,
  GeneratedFile,
  ImageProvider,
  ImageRequest,
  ImageResult,
  MediaProviderConfig,
  SpeechProvider,
  SpeechRequest,
} from './types';
import { ProviderError } from './types';
import {
  audioFile,
  type Deadline,
  deadline,
  fromBase64,
  imageFile,
  keyOf,
  statusFailure,
  withAvoid,
} from './vendor';

const LABEL = 'OpenAI';

/**
 * Prices in micro-dollars: list prices as of 2026, admins adjust in code.
 *
 * | model           | what                         | price                                  |
 * | --------------- | ---------------------------- | -------------------------------------- |
 * | gpt-image-1     | 1024×1024, medium / high     | $0.042 / $0.167 per image              |
 * | gpt-image-1     | 1536×1024 or 1024×1536       | $0.063 / $0.25 per image               |
 * | dall-e-3        | 1024×1024, standard / hd     | $0.04 / $0.08 per image                |
 * | dall-e-3        | 1792×1024 or 1024×1792       | $0.08 / $0.12 per image                |
 * | tts-1           | speech                       | $15 per 1M characters                  |
 * | tts-1-hd        | speech                       | $30 per 1M characters                  |
 * | gpt-4o-mini-tts | speech (billed per token)    | ≈ $0.015 per minute ≈ 900 characters   |
 *
 * gpt-image-1 edits also bill the input image's tokens (a few tenths of a cent): not counted.
 */
const IMAGE_PRICES: Record<string, Record<'square' | 'wide', Record<'standard' | 'hd', number>>> = {
  'gpt-image-1': {
    square: { standard: 42_000, hd: 167_000 },
    wide: { standard: 63_000, hd: 250_000 },
  },
  'dall-e-3': {
    square: { standard: 40_000, hd: 80_000 },
    wide: { standard: 80_000, hd: 120_000 },
  },
};

/** Micro-dollars per character of speech. */
const SPEECH_PRICES: Record<string, number> = {
  'tts-1': 15,
  'tts-1-hd': 30,
  'gpt-4o-mini-tts': 15_000 / 900,
};

/** The image models this adapter knows; others are refused before any call. */
export const OPENAI_IMAGE_MODELS = ['gpt-image-1', 'dall-e-3'] as const;
export const OPENAI_SPEECH_MODELS = ['gpt-4o-mini-tts', 'tts-1', 'tts-1-hd'] as const;

function client(config: MediaProviderConfig): OpenAI {
  // organization/project null: never pick up OPENAI_* variables from the environment. The
  // SDK's own timeout is a backstop: our deadline (on the signal) fires first.
  return new OpenAI({
    apiKey: keyOf(LABEL, config),
    baseURL: config.baseUrl,
    organization: null,
    project: null,
    maxRetries: 1,
    timeout: config.timeoutMs + 1_000,
    fetch: shortRetryFetch,
  });
}

/** An SDK failure as a ProviderError: our stop or deadline first, then the vendor's status. */
function failure(err: unknown, stop: Deadline): ProviderError {
  if (err instanceof ProviderError) return err;
  const stopped = stop.stopped(LABEL);
  if (stopped) return stopped;
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError('timeout', `${LABEL} did not answer in time.`);
  }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    return statusFailure(LABEL, err.status, err.headers);
  }
  return new ProviderError('unavailable', `Could not reach ${LABEL}.`, {
    // Only a network error (no vendor text) is kept for the logs.
    cause: err instanceof OpenAI.APIError ? undefined : err,
  });
}

async function guarded<T>(
  request: { signal: AbortSignal },
  config: MediaProviderConfig,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = deadline(request.signal, config.timeoutMs);
  const early = stop.stopped(LABEL);
  if (early) throw early;
  try {
    return await call(stop.signal);
  } catch (err) {
    throw failure(err, stop);
  }
}

function imagesOf(response: ImagesResponse): GeneratedFile[] {
  const images = (response.data ?? []).flatMap((item) =>
    item.b64_json ? [imageFile(LABEL, fromBase64(item.b64_json))] : [],
  );
  if (images.length === 0) throw new ProviderError('unavailable', `${LABEL} sent no image.`);
  return images;
}

/** DALL·E 3 has no 3:2 size: its wide and tall sizes are the nearest. */
function dalleSize(size: ImageRequest['size']): '1024x1024' | '1792x1024' | '1024x1792' {
  if (size === '1536x1024') return '1792x1024';
  if (size === '1024x1536') return '1024x1792';
  return '1024x1024';
}

function imageCost(request: ImageRequest, count: number): number {
  const prices = IMAGE_PRICES[request.model] ?? IMAGE_PRICES['gpt-image-1'];
  const shape = request.size === '1024x1024' ? 'square' : 'wide';
  return (prices?.[shape][request.quality] ?? 0) * count;
}

async function gptImage(
  request: ImageRequest,
  config: MediaProviderConfig,
): Promise<GeneratedFile[]> {
  const openai = client(config);
  const prompt = withAvoid(request.prompt, request.negativePrompt);
  const quality = request.quality === 'hd' ? 'high' : 'medium';
  const n = request.n;
  const source = request.source;
  const response = await guarded(request, config, async (signal) => {
    if (source) {
      const ext = source.contentType.split('/')[1] ?? 'png';
      const image = await toFile(source.bytes, `source.${ext}`, { type: source.contentType });
      return openai.images.edit(
        { model: request.model, image, prompt, n, size: request.size, quality },
        { signal },
      );
    }
    const params: ImageGenerateParamsNonStreaming = {
      model: request.model,
      prompt,
      n,
      size: request.size,
      quality,
      output_format: 'png',
    };
    return openai.images.generate(params, { signal });
  });
  return imagesOf(response);
}

async function dalle3(
  request: ImageRequest,
  config: MediaProviderConfig,
): Promise<GeneratedFile[]> {
  if (request.source) {
    throw new ProviderError(
      'bad_request',
      'DALL·E 3 cannot start from an image; pick gpt-image-1 for variations.',
    );
  }
  const openai = client(config);
  const images: GeneratedFile[] = [];
  // DALL·E 3 makes one image per call.
  for (let i = 0; i < request.n; i += 1) {
    const response = await guarded(request, config, (signal) =>
      openai.images.generate(
        {
          model: 'dall-e-3',
          prompt: withAvoid(request.prompt, request.negativePrompt),
          n: 1,
          size: dalleSize(request.size),
          quality: request.quality,
          style: request.style,
          response_format: 'b64_json',
        },
        { signal },
      ),
    );
    images.push(...imagesOf(response));
  }
  return images;
}

/** OpenAI images: gpt-image-1 (generate, or edit from a source image) and DALL·E 3. */
export const openaiImage: ImageProvider = {
  async generateImages(request, config): Promise<ImageResult> {
    let images: GeneratedFile[];
    if (request.model === 'dall-e-3') images = await dalle3(request, config);
    else if (request.model === 'gpt-image-1') images = await gptImage(request, config);
    else throw new ProviderError('bad_request', `${LABEL} has no image model "${request.model}".`);
    return { images, costMicros: Math.ceil(imageCost(request, images.length)) };
  },
};

/** Speed applies to tts-1 and tts-1-hd; gpt-4o-mini-tts takes spoken instructions instead. */
function speechParams(request: SpeechRequest) {
  const base = {
    model: request.model,
    voice: request.voice,
    input: request.text,
    response_format: request.format,
  };
  if (request.model === 'gpt-4o-mini-tts') {
    const pace =
      request.speed && request.speed !== 1 ? ` Speak at ${request.speed}× the usual pace.` : '';
    return {
      ...base,
      instructions: `Speak in the language of BCP 47 tag ${request.language}.${pace}`,
    };
  }
  return { ...base, speed: Math.min(4, Math.max(0.25, request.speed ?? 1)) };
}

/** OpenAI text to speech (audio.speech), as MP3, WAV or Ogg Opus bytes. */
export const openaiSpeech: SpeechProvider = {
  async speak(request, config): Promise<AudioResult> {
    if (!(OPENAI_SPEECH_MODELS as readonly string[]).includes(request.model)) {
      throw new ProviderError('bad_request', `${LABEL} has no speech model "${request.model}".`);
    }
    const openai = client(config);
    const bytes = await guarded(request, config, async (signal) => {
      const response = await openai.audio.speech.create(speechParams(request), { signal });
      return new Uint8Array(await response.arrayBuffer());
    });
    const price = SPEECH_PRICES[request.model] ?? 0;
    return {
      audio: audioFile(LABEL, bytes),
      costMicros: Math.ceil(request.text.length * price),
    };
  },
};
