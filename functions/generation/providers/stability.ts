import type {
  GeneratedFile,
  ImageProvider,
  ImageRequest,
  ImageResult,
  MediaProviderConfig,
} from './types';
import { ProviderError } from './types';
import { baseOf, bytesOf, imageFile, keyOf, vendorCall } from './vendor';

const LABEL = 'Stability AI';
const PUBLIC_ENDPOINT = 'https://api.stability.ai';

/**
 * Prices in micro-dollars: list prices as of 2026 (credits at $0.01), admins adjust in code.
 *
 * | model              | endpoint                         | price per image |
 * | ------------------ | -------------------------------- | --------------- |
 * | stable-image-core  | v2beta/stable-image/generate/core  | $0.03 (3 cr.)   |
 * | stable-image-ultra | v2beta/stable-image/generate/ultra | $0.08 (8 cr.)   |
 * | sd3.5-large        | v2beta/stable-image/generate/sd3   | $0.065 (6.5 cr.)|
 * | sd3.5-large-turbo  | v2beta/stable-image/generate/sd3   | $0.04 (4 cr.)   |
 * | sd3.5-medium       | v2beta/stable-image/generate/sd3   | $0.035 (3.5 cr.)|
 */
const MODELS: Record<string, { path: 'core' | 'ultra' | 'sd3'; price: number }> = {
  'stable-image-core': { path: 'core', price: 30_000 },
  'stable-image-ultra': { path: 'ultra', price: 80_000 },
  'sd3.5-large': { path: 'sd3', price: 65_000 },
  'sd3.5-large-turbo': { path: 'sd3', price: 40_000 },
  'sd3.5-medium': { path: 'sd3', price: 35_000 },
};

export const STABILITY_IMAGE_MODELS = Object.keys(MODELS);

const ASPECT: Record<ImageRequest['size'], string> = {
  '1024x1024': '1:1',
  '1536x1024': '3:2',
  '1024x1536': '2:3',
};

/** How closely a variation follows its source (0 = a copy, 1 = ignore it). */
const VARIATION_STRENGTH = '0.6';

function form(request: ImageRequest, path: 'core' | 'ultra' | 'sd3', index: number): FormData {
  const body = new FormData();
  body.set('prompt', request.prompt);
  // SD 3.5 Large Turbo ignores negative prompts and refuses them.
  if (request.negativePrompt && request.model !== 'sd3.5-large-turbo') {
    body.set('negative_prompt', request.negativePrompt);
  }
  body.set('output_format', 'png');
  if (request.seed !== undefined) body.set('seed', String((request.seed + index) % 4_294_967_295));
  if (path === 'sd3') body.set('model', request.model);
  if (request.source) {
    const { bytes, contentType } = request.source;
    body.set('image', new Blob([bytes.slice()], { type: contentType }), 'source');
    body.set('strength', VARIATION_STRENGTH);
    // SD 3.5 takes the source's own shape in image-to-image mode, and no aspect ratio.
    if (path === 'sd3') body.set('mode', 'image-to-image');
    else body.set('aspect_ratio', ASPECT[request.size]);
  } else {
    body.set('aspect_ratio', ASPECT[request.size]);
  }
  return body;
}

async function oneImage(
  request: ImageRequest,
  config: MediaProviderConfig,
  path: 'core' | 'ultra' | 'sd3',
  index: number,
): Promise<GeneratedFile> {
  const url = `${baseOf(config, PUBLIC_ENDPOINT)}/v2beta/stable-image/generate/${path}`;
  return vendorCall(
    LABEL,
    url,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${keyOf(LABEL, config)}`, accept: 'image/*' },
      body: form(request, path, index),
    },
    // Stability answers 403 when its content moderation flags the prompt, not for the key.
    { signal: request.signal, timeoutMs: config.timeoutMs, forbidden: 'moderation' },
    async (response) => {
      // A filtered result comes back blurred, with a 200: not worth storing.
      if (response.headers.get('finish-reason') === 'CONTENT_FILTERED') {
        await response.body?.cancel().catch(() => {});
        throw new ProviderError('bad_request', `${LABEL} refused the prompt (content policy).`);
      }
      return imageFile(LABEL, await bytesOf(LABEL, response));
    },
  );
}

/** Stability AI's Stable Image API (multipart in, image bytes out), one image per call. */
export const stabilityImage: ImageProvider = {
  async generateImages(request, config): Promise<ImageResult> {
    const model = MODELS[request.model];
    if (!model) {
      throw new ProviderError('bad_request', `${LABEL} has no image model "${request.model}".`);
    }
    if (request.source && model.path === 'core') {
      throw new ProviderError(
        'bad_request',
        'Stable Image Core cannot start from an image; pick Stable Image Ultra or SD 3.5.',
      );
    }
    const images: GeneratedFile[] = [];
    for (let i = 0; i < request.n; i += 1) {
      images.push(await oneImage(request, config, model.path, i));
    }
    return { images, costMicros: model.price * images.length };
  },
};
