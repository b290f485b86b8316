import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ELEVENLABS_SPEECH_MODELS,
  elevenlabsMusic,
  elevenlabsSpeech,
} from '../../functions/generation/providers/elevenlabs';
import {
  GOOGLE_IMAGE_MODELS,
  GOOGLE_VIDEO_MODELS,
  googleImage,
  googleVideo,
} from '../../functions/generation/providers/google';
import {
  imageProviders,
  MEDIA_MODELS,
  mediaProviderStatus,
  resolveMediaProvider,
} from '../../functions/generation/providers/index';
import {
  LUMA_VIDEO_MODELS,
  lumaVideo,
  parseLumaCallback,
} from '../../functions/generation/providers/luma';
import {
  OPENAI_IMAGE_MODELS,
  OPENAI_SPEECH_MODELS,
  openaiImage,
  openaiSpeech,
} from '../../functions/generation/providers/openai';
import { RUNWAY_VIDEO_MODELS, runwayVideo } from '../../functions/generation/providers/runway';
import {
  STABILITY_IMAGE_MODELS,
  stabilityImage,
} from '../../functions/generation/providers/stability';
import {
  type ImageRequest,
  type MediaProviderConfig,
  ProviderError,
  type SourceImage,
  type SpeechRequest,
  type VideoRequest,
} from '../../functions/generation/providers/types';
import { audioFile, imageFile, videoFile } from '../../functions/generation/providers/vendor';
import { sniffFamily } from '../../functions/media/sniff';
import type { Services } from '../../functions/platform/env';
import { ApiError } from '../../functions/platform/errors';
import {
  fakeMp3,
  fakeMp4,
  fakePng,
  type MediaFakes,
  type SeenMediaRequest,
  startMediaFakes,
} from '../fakes/media-providers';
import { jpeg } from '../helpers/profile';

let fakes: MediaFakes;

beforeAll(async () => {
  fakes = await startMediaFakes();
});
afterAll(async () => {
  await fakes?.close();
});
beforeEach(async () => {
  await fetch(`${fakes.url}/__reset`, { method: 'POST' });
});

const KEY = 'test-key-abcd';
const BASE = {
  openai: '/openai/v1',
  google: '/google',
  stability: '/stability',
  elevenlabs: '/elevenlabs',
  runway: '/runway',
  luma: '/luma',
} as const;

function config(
  vendor: keyof typeof BASE,
  overrides: Partial<MediaProviderConfig> = {},
): MediaProviderConfig {
  return { apiKey: KEY, baseUrl: `${fakes.url}${BASE[vendor]}`, timeoutMs: 5_000, ...overrides };
}

async function requests(): Promise<SeenMediaRequest[]> {
  const body = (await (await fetch(`${fakes.url}/__requests`)).json()) as {
    requests: SeenMediaRequest[];
  };
  return body.requests;
}

const signal = new AbortController().signal;
const source: SourceImage = { bytes: new Uint8Array(fakePng(64, 64)), contentType: 'image/png' };

function image(overrides: Partial<ImageRequest>): ImageRequest {
  return {
    prompt: 'a lighthouse in the fog',
    model: 'gpt-image-1',
    size: '1024x1024',
    quality: 'standard',
    style: 'vivid',
    n: 1,
    signal,
    ...overrides,
  };
}

function speech(overrides: Partial<SpeechRequest>): SpeechRequest {
  return {
    text: 'Bonjour et bienvenue sur WeBox, la boîte à outils de l’IA.',
    model: 'tts-1',
    voice: 'alloy',
    language: 'fr-FR',
    format: 'mp3',
    signal,
    ...overrides,
  };
}

function video(overrides: Partial<VideoRequest>): VideoRequest {
  return {
    prompt: 'waves rolling onto a beach at dawn',
    model: 'veo-3.0-generate-001',
    durationSeconds: 5,
    resolution: '720p',
    aspectRatio: '16:9',
    signal,
    ...overrides,
  };
}

/** The ProviderError a call fails with (fails the test when it succeeds or throws another). */
async function failure(call: Promise<unknown>): Promise<ProviderError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected the call to fail');
}

function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

describe('OpenAI images', () => {
  it('gpt-image-1 returns n PNGs of the asked size, priced per image and quality', async () => {
    const result = await openaiImage.generateImages(
      image({ n: 2, size: '1536x1024', quality: 'hd', negativePrompt: 'people' }),
      config('openai'),
    );
    expect(result.images).toHaveLength(2);
    for (const file of result.images) {
      expect(sniffFamily(file.bytes)).toBe('png');
      expect(file).toMatchObject({
        contentType: 'image/png',
        ext: 'png',
        width: 1536,
        height: 1024,
      });
      expect(pngSize(file.bytes)).toEqual([1536, 1024]);
    }
    expect(result.costMicros).toBe(2 * 250_000);
    const [call] = await requests();
    expect(call).toMatchObject({
      vendor: 'openai',
      path: '/openai/v1/images/generations',
      auth: 'bearer',
      keyLast4: 'abcd',
    });
    expect(call?.fields).toMatchObject({
      model: 'gpt-image-1',
      n: 2,
      quality: 'high',
      size: '1536x1024',
    });
    expect(call?.fields).not.toHaveProperty('response_format');
    expect(call?.prompt).toContain('Avoid: people');
  });

  it('dall-e-3 makes one call per image, with b64_json, its style and its own sizes', async () => {
    const result = await openaiImage.generateImages(
      image({ model: 'dall-e-3', n: 2, size: '1024x1536', style: 'natural' }),
      config('openai'),
    );
    expect(result.images).toHaveLength(2);
    expect(result.images[0]).toMatchObject({ width: 1024, height: 1792 });
    expect(result.costMicros).toBe(2 * 80_000);
    const calls = await requests();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.fields).toMatchObject({
        model: 'dall-e-3',
        n: 1,
        response_format: 'b64_json',
        style: 'natural',
        size: '1024x1792',
        quality: 'standard',
      });
    }
  });

  it('a variation with gpt-image-1 goes through images.edit with the source as a file', async () => {
    const result = await openaiImage.generateImages(image({ source }), config('openai'));
    expect(result.images).toHaveLength(1);
    expect(result.costMicros).toBe(42_000);
    const [call] = await requests();
    expect(call?.path).toBe('/openai/v1/images/edits');
    expect(call?.files).toEqual([{ field: 'image', type: 'image/png', size: source.bytes.length }]);
    expect(call?.fields).toMatchObject({ model: 'gpt-image-1', quality: 'medium' });
  });

  it('refuses a DALL·E 3 variation and an unknown model before calling', async () => {
    expect(
      (
        await failure(
          openaiImage.generateImages(image({ model: 'dall-e-3', source }), config('openai')),
        )
      ).kind,
    ).toBe('bad_request');
    expect(
      (await failure(openaiImage.generateImages(image({ model: 'dall-e-2' }), config('openai'))))
        .kind,
    ).toBe('bad_request');
    expect(await requests()).toHaveLength(0);
  });

  it('maps refusals, outages, rate limits and bad requests without the vendor text', async () => {
    const auth = await failure(
      openaiImage.generateImages(image({ prompt: 'FAIL_AUTH' }), config('openai')),
    );
    expect(auth.kind).toBe('auth');
    expect(auth.message).toBe('OpenAI refused the key.');
    const down = await failure(
      openaiImage.generateImages(image({ prompt: 'FAIL_500' }), config('openai')),
    );
    expect(down.kind).toBe('unavailable');
    // maxRetries 1: the SDK tried twice.
    expect((await requests()).filter((r) => r.prompt === 'FAIL_500')).toHaveLength(2);
    const rate = await failure(
      openaiImage.generateImages(image({ prompt: 'FAIL_429' }), config('openai')),
    );
    expect(rate).toMatchObject({ kind: 'rate_limit', options: { retryAfterSeconds: 7 } });
    const bad = await failure(
      openaiImage.generateImages(image({ prompt: 'FAIL_400' }), config('openai')),
    );
    expect(bad.kind).toBe('bad_request');
    expect(bad.message).not.toContain('fake');
  });

  it('times out a vendor that never answers, and stops when aborted', async () => {
    const started = Date.now();
    const slow = await failure(
      openaiImage.generateImages(
        image({ prompt: 'SLOW_HANG' }),
        config('openai', { timeoutMs: 300 }),
      ),
    );
    expect(slow.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const stopped = await failure(
      openaiImage.generateImages(
        image({ prompt: 'SLOW_HANG', signal: controller.signal }),
        config('openai'),
      ),
    );
    expect(stopped.kind).toBe('aborted');
  });
});

describe('OpenAI speech', () => {
  it('tts-1 returns MP3 bytes with their length, priced per character, with the speed', async () => {
    const request = speech({ speed: 1.25 });
    const result = await openaiSpeech.speak(request, config('openai'));
    expect(sniffFamily(result.audio.bytes)).toBe('mp3');
    expect(result.audio).toMatchObject({ contentType: 'audio/mpeg', ext: 'mp3' });
    // The fake speaks 15 characters a second.
    expect(result.audio.durationMs).toBeGreaterThan((request.text.length / 15) * 1000 - 100);
    expect(result.audio.durationMs).toBeLessThan((request.text.length / 15) * 1000 + 100);
    expect(result.costMicros).toBe(Math.ceil(request.text.length * 15));
    const [call] = await requests();
    expect(call).toMatchObject({ path: '/openai/v1/audio/speech', prompt: request.text });
    expect(call?.fields).toMatchObject({
      model: 'tts-1',
      voice: 'alloy',
      response_format: 'mp3',
      speed: 1.25,
    });
  });

  it('gpt-4o-mini-tts returns WAV and is told the language instead of a speed', async () => {
    const result = await openaiSpeech.speak(
      speech({ model: 'gpt-4o-mini-tts', format: 'wav', speed: 1.5 }),
      config('openai'),
    );
    expect(sniffFamily(result.audio.bytes)).toBe('wav');
    expect(result.audio.durationMs).toBeGreaterThan(0);
    const [call] = await requests();
    expect(call?.fields).not.toHaveProperty('speed');
    expect(String(call?.fields?.instructions)).toContain('fr-FR');
  });

  it('maps a refused key and an unknown model', async () => {
    expect(
      (await failure(openaiSpeech.speak(speech({ text: 'FAIL_AUTH' }), config('openai')))).kind,
    ).toBe('auth');
    expect(
      (await failure(openaiSpeech.speak(speech({ model: 'tts-9' }), config('openai')))).kind,
    ).toBe('bad_request');
  });
});

describe('Google images (Gemini image models)', () => {
  it('returns n PNGs through generateContent with the image modality and aspect ratio', async () => {
    const result = await googleImage.generateImages(
      image({ model: 'gemini-2.5-flash-image', n: 2, size: '1536x1024' }),
      config('google'),
    );
    expect(result.images).toHaveLength(2);
    expect(result.images[0]).toMatchObject({ contentType: 'image/png', width: 1536, height: 1024 });
    expect(result.costMicros).toBe(2 * 39_000);
    const calls = await requests();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      vendor: 'google',
      path: '/google/v1beta/models/gemini-2.5-flash-image:generateContent',
      auth: 'x-goog-api-key',
      keyLast4: 'abcd',
    });
    expect(calls[0]?.fields).toMatchObject({
      responseModalities: ['IMAGE'],
      aspectRatio: '3:2',
      inlineImages: 0,
    });
  });

  it('sends the source image along for a variation', async () => {
    await googleImage.generateImages(
      image({ model: 'gemini-2.5-flash-image', source }),
      config('google'),
    );
    expect((await requests())[0]?.fields).toMatchObject({ inlineImages: 1 });
  });

  it('maps API_KEY_INVALID to auth, 500 to unavailable and silence to timeout', async () => {
    const model = 'gemini-2.5-flash-image';
    expect(
      (
        await failure(
          googleImage.generateImages(image({ model, prompt: 'FAIL_AUTH' }), config('google')),
        )
      ).kind,
    ).toBe('auth');
    expect(
      (
        await failure(
          googleImage.generateImages(image({ model, prompt: 'FAIL_500' }), config('google')),
        )
      ).kind,
    ).toBe('unavailable');
    const slow = await failure(
      googleImage.generateImages(
        image({ model, prompt: 'SLOW_HANG' }),
        config('google', { timeoutMs: 300 }),
      ),
    );
    expect(slow.kind).toBe('timeout');
    expect(
      (
        await failure(
          googleImage.generateImages(image({ model: 'imagen-4.0-generate-001' }), config('google')),
        )
      ).kind,
    ).toBe('bad_request');
  });
});

describe('Google Veo', () => {
  it('starts an operation, polls it to success and downloads the MP4 with the key', async () => {
    const started = await googleVideo.startVideo(
      video({ durationSeconds: 5, image: source }),
      config('google'),
    );
    expect(started.kind).toBe('operation');
    if (started.kind !== 'operation') return;
    // 5 s rounds to Veo's 6 s clip: $0.40 a second.
    expect(started.costMicros).toBe(6 * 400_000);
    expect(started.operationId).toMatch(/^models\/veo-3\.0-generate-001\/operations\//);
    expect(await googleVideo.pollVideo(started.operationId, config('google'), signal)).toEqual({
      status: 'running',
    });
    const done = await googleVideo.pollVideo(started.operationId, config('google'), signal);
    expect(done.status).toBe('succeeded');
    if (done.status !== 'succeeded') return;
    expect(sniffFamily(done.file.bytes)).toBe('mp4');
    expect(done.file).toMatchObject({ contentType: 'video/mp4', ext: 'mp4', durationMs: 6_000 });
    const calls = await requests();
    expect(calls[0]?.path).toBe('/google/v1beta/models/veo-3.0-generate-001:predictLongRunning');
    expect(calls[0]?.fields).toMatchObject({
      aspectRatio: '16:9',
      durationSeconds: 6,
      resolution: '720p',
      image: 'image/png',
    });
    const download = calls.find((call) => call.path.includes(':download'));
    expect(download).toMatchObject({ auth: 'x-goog-api-key', keyLast4: 'abcd' });
  });

  it('reports a failed operation in our words and refuses a square video', async () => {
    const started = await googleVideo.startVideo(
      video({ prompt: 'FAIL_VIDEO storm' }),
      config('google'),
    );
    if (started.kind !== 'operation') throw new Error('expected an operation');
    await googleVideo.pollVideo(started.operationId, config('google'), signal);
    const polled = await googleVideo.pollVideo(started.operationId, config('google'), signal);
    expect(polled).toEqual({ status: 'failed', message: 'Veo could not make this video.' });
    expect(
      (await failure(googleVideo.startVideo(video({ aspectRatio: '1:1' }), config('google')))).kind,
    ).toBe('bad_request');
  });
});

describe('Stability AI', () => {
  it('Core makes one multipart call per image and returns the PNG bytes', async () => {
    const result = await stabilityImage.generateImages(
      image({ model: 'stable-image-core', n: 2, size: '1024x1536', negativePrompt: 'blur' }),
      config('stability'),
    );
    expect(result.images).toHaveLength(2);
    expect(result.images[0]).toMatchObject({ contentType: 'image/png', width: 1024, height: 1536 });
    expect(result.costMicros).toBe(2 * 30_000);
    const calls = await requests();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      path: '/stability/v2beta/stable-image/generate/core',
      auth: 'bearer',
      keyLast4: 'abcd',
    });
    expect(calls[0]?.fields).toMatchObject({
      aspect_ratio: '2:3',
      output_format: 'png',
      negative_prompt: 'blur',
      accept: 'image/*',
    });
  });

  it('SD 3.5 variations send the model, the image and image-to-image mode', async () => {
    const result = await stabilityImage.generateImages(
      image({ model: 'sd3.5-large', source }),
      config('stability'),
    );
    expect(result.costMicros).toBe(65_000);
    const [call] = await requests();
    expect(call?.path).toBe('/stability/v2beta/stable-image/generate/sd3');
    expect(call?.fields).toMatchObject({
      model: 'sd3.5-large',
      mode: 'image-to-image',
      strength: '0.6',
    });
    expect(call?.fields).not.toHaveProperty('aspect_ratio');
    expect(call?.files?.[0]).toMatchObject({ field: 'image', type: 'image/png' });
  });

  it('maps moderation (403) to bad_request, not auth, and the rest as usual', async () => {
    const model = 'stable-image-core';
    const moderated = await failure(
      stabilityImage.generateImages(
        image({ model, prompt: 'FAIL_MODERATION' }),
        config('stability'),
      ),
    );
    expect(moderated.kind).toBe('bad_request');
    expect(moderated.message).not.toMatch(/flagged/);
    expect(
      (
        await failure(
          stabilityImage.generateImages(image({ model, prompt: 'FILTERED' }), config('stability')),
        )
      ).kind,
    ).toBe('bad_request');
    expect(
      (
        await failure(
          stabilityImage.generateImages(image({ model, prompt: 'FAIL_AUTH' }), config('stability')),
        )
      ).kind,
    ).toBe('auth');
    expect(
      (
        await failure(
          stabilityImage.generateImages(image({ model, prompt: 'FAIL_500' }), config('stability')),
        )
      ).kind,
    ).toBe('unavailable');
    const rate = await failure(
      stabilityImage.generateImages(image({ model, prompt: 'FAIL_429' }), config('stability')),
    );
    expect(rate).toMatchObject({ kind: 'rate_limit', options: { retryAfterSeconds: 7 } });
    const slow = await failure(
      stabilityImage.generateImages(
        image({ model, prompt: 'SLOW_HANG' }),
        config('stability', { timeoutMs: 300 }),
      ),
    );
    expect(slow.kind).toBe('timeout');
    expect(
      (await failure(stabilityImage.generateImages(image({ model, source }), config('stability'))))
        .kind,
    ).toBe('bad_request');
  });

  it('an unreachable server is unavailable', async () => {
    const down = await failure(
      stabilityImage.generateImages(image({ model: 'stable-image-core' }), {
        apiKey: KEY,
        baseUrl: 'http://127.0.0.1:9',
        timeoutMs: 2_000,
      }),
    );
    expect(down.kind).toBe('unavailable');
  });
});

describe('ElevenLabs', () => {
  it('speaks MP3 with the default voice for a name that is not a voice id', async () => {
    const request = speech({ model: 'eleven_multilingual_v2' });
    const result = await elevenlabsSpeech.speak(request, config('elevenlabs'));
    expect(sniffFamily(result.audio.bytes)).toBe('mp3');
    expect(result.audio.durationMs).toBeGreaterThan(3_000);
    expect(result.costMicros).toBe(request.text.length * 100);
    const [call] = await requests();
    expect(call).toMatchObject({
      path: '/elevenlabs/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb',
      auth: 'xi-api-key',
      keyLast4: 'abcd',
    });
    expect(call?.fields).toMatchObject({
      model_id: 'eleven_multilingual_v2',
      output_format: 'mp3_44100_128',
    });
    expect(call?.fields).not.toHaveProperty('language_code');
  });

  it('builds WAV from PCM and passes the language to Flash v2.5', async () => {
    const result = await elevenlabsSpeech.speak(
      speech({
        model: 'eleven_flash_v2_5',
        format: 'wav',
        voice: '21m00Tcm4TlvDq8ikWAM',
        speed: 2,
      }),
      config('elevenlabs'),
    );
    expect(sniffFamily(result.audio.bytes)).toBe('wav');
    expect(result.audio).toMatchObject({ contentType: 'audio/wav', ext: 'wav' });
    expect(result.audio.durationMs).toBeGreaterThan(3_000);
    const [call] = await requests();
    expect(call?.path).toBe('/elevenlabs/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM');
    expect(call?.fields).toMatchObject({
      language_code: 'fr',
      output_format: 'pcm_22050',
      voice_settings: { speed: 1.2 },
    });
  });

  it('makes sound effects (clamped to 30 s) and music of the asked length', async () => {
    const sfx = await elevenlabsMusic.compose(
      { prompt: 'door creak', kind: 'sfx', durationSeconds: 40, signal },
      config('elevenlabs'),
    );
    expect(sniffFamily(sfx.audio.bytes)).toBe('mp3');
    expect(Math.abs((sfx.audio.durationMs ?? 0) - 30_000)).toBeLessThan(100);
    expect(sfx.costMicros).toBe(30 * 4_000);
    const music = await elevenlabsMusic.compose(
      { prompt: 'calm piano', kind: 'music', durationSeconds: 20, signal },
      config('elevenlabs'),
    );
    expect(Math.abs((music.audio.durationMs ?? 0) - 20_000)).toBeLessThan(100);
    const [sfxCall, musicCall] = await requests();
    expect(sfxCall).toMatchObject({
      path: '/elevenlabs/v1/sound-generation',
      fields: { duration_seconds: 30 },
    });
    expect(musicCall).toMatchObject({
      path: '/elevenlabs/v1/music',
      fields: { music_length_ms: 20_000, model_id: 'music_v1' },
    });
  });

  it('maps a refused key, silence and an abort', async () => {
    const model = 'eleven_multilingual_v2';
    expect(
      (
        await failure(
          elevenlabsSpeech.speak(speech({ model, text: 'FAIL_AUTH' }), config('elevenlabs')),
        )
      ).kind,
    ).toBe('auth');
    expect(
      (
        await failure(
          elevenlabsMusic.compose(
            { prompt: 'SLOW_HANG', kind: 'music', durationSeconds: 10, signal },
            config('elevenlabs', { timeoutMs: 300 }),
          ),
        )
      ).kind,
    ).toBe('timeout');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(
      (
        await failure(
          elevenlabsSpeech.speak(
            speech({ model, text: 'SLOW_HANG', signal: controller.signal }),
            config('elevenlabs'),
          ),
        )
      ).kind,
    ).toBe('aborted');
    const already = AbortSignal.abort();
    expect(
      (
        await failure(
          elevenlabsSpeech.speak(speech({ model, signal: already }), config('elevenlabs')),
        )
      ).kind,
    ).toBe('aborted');
  });
});

describe('Runway', () => {
  it('text to video: starts a task, polls it to success and downloads the MP4', async () => {
    const started = await runwayVideo.startVideo(
      video({ model: 'gen4.5', durationSeconds: 7 }),
      config('runway'),
    );
    if (started.kind !== 'operation') throw new Error('expected an operation');
    expect(started.costMicros).toBe(7 * 120_000);
    expect(await runwayVideo.pollVideo(started.operationId, config('runway'), signal)).toEqual({
      status: 'running',
    });
    const done = await runwayVideo.pollVideo(started.operationId, config('runway'), signal);
    if (done.status !== 'succeeded') throw new Error(`expected success, got ${done.status}`);
    expect(sniffFamily(done.file.bytes)).toBe('mp4');
    expect(done.file.durationMs).toBe(7_000);
    const calls = await requests();
    expect(calls[0]).toMatchObject({
      path: '/runway/v1/text_to_video',
      auth: 'bearer',
      version: '2024-11-06',
    });
    expect(calls[0]?.fields).toMatchObject({ model: 'gen4.5', ratio: '1280:720', duration: 7 });
    expect(calls.at(-1)).toMatchObject({ vendor: 'files', auth: 'none' });
  });

  it('image to video sends the first frame as a data URI; gen4_turbo needs one', async () => {
    const started = await runwayVideo.startVideo(
      video({ model: 'gen4_turbo', image: source, aspectRatio: '9:16', durationSeconds: 9 }),
      config('runway'),
    );
    if (started.kind !== 'operation') throw new Error('expected an operation');
    expect(started.costMicros).toBe(10 * 50_000);
    const [call] = await requests();
    expect(call?.path).toBe('/runway/v1/image_to_video');
    expect(call?.fields).toMatchObject({
      model: 'gen4_turbo',
      ratio: '720:1280',
      duration: 10,
      promptImage: 'data:image/png;base64,',
    });
    expect(
      (await failure(runwayVideo.startVideo(video({ model: 'gen4_turbo' }), config('runway'))))
        .kind,
    ).toBe('bad_request');
  });

  it('reports a failed task with its code only, refuses an oversized file, times out a silent poll', async () => {
    const failed = await runwayVideo.startVideo(
      video({ model: 'gen4.5', prompt: 'FAIL_VIDEO' }),
      config('runway'),
    );
    if (failed.kind !== 'operation') throw new Error('expected an operation');
    await runwayVideo.pollVideo(failed.operationId, config('runway'), signal);
    expect(await runwayVideo.pollVideo(failed.operationId, config('runway'), signal)).toEqual({
      status: 'failed',
      message: 'Runway could not make this video (SAFETY.INPUT.TEXT).',
    });
    const huge = await runwayVideo.startVideo(
      video({ model: 'gen4.5', prompt: 'HUGE_FILE' }),
      config('runway'),
    );
    if (huge.kind !== 'operation') throw new Error('expected an operation');
    await runwayVideo.pollVideo(huge.operationId, config('runway'), signal);
    const tooBig = await failure(runwayVideo.pollVideo(huge.operationId, config('runway'), signal));
    expect(tooBig).toMatchObject({ kind: 'bad_request' });
    expect(tooBig.message).toContain('200 MiB');
    const slow = await runwayVideo.startVideo(
      video({ model: 'gen4.5', prompt: 'SLOW_POLL' }),
      config('runway'),
    );
    if (slow.kind !== 'operation') throw new Error('expected an operation');
    expect(
      (
        await failure(
          runwayVideo.pollVideo(slow.operationId, config('runway', { timeoutMs: 300 }), signal),
        )
      ).kind,
    ).toBe('timeout');
    expect(
      (
        await failure(
          runwayVideo.startVideo(video({ model: 'gen4.5', prompt: 'FAIL_AUTH' }), config('runway')),
        )
      ).kind,
    ).toBe('auth');
    expect(
      (await failure(runwayVideo.pollVideo('no-such-task', config('runway'), signal))).kind,
    ).toBe('bad_request');
  });
});

describe('Luma', () => {
  let hook: Server;
  let hookUrl = '';
  const posted: unknown[] = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let text = '';
      req.on('data', (part: Buffer) => {
        text += part.toString('utf8');
      });
      req.on('end', () => {
        posted.push(JSON.parse(text));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const address = hook.address();
    hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => hook.close(() => resolve())));

  it('starts a generation with a callback, polls it to completion and downloads the video', async () => {
    const started = await lumaVideo.startVideo(
      video({
        model: 'ray-2',
        durationSeconds: 8,
        resolution: '1080p',
        aspectRatio: '1:1',
        callbackUrl: hookUrl,
      }),
      config('luma'),
    );
    if (started.kind !== 'operation') throw new Error('expected an operation');
    // 1920×1080 × 24 fps × 9 s = 447.9 Mpx at $0.0064.
    expect(started.costMicros).toBe(Math.ceil(((1920 * 1080 * 24 * 9) / 1e6) * 6_400));
    expect(await lumaVideo.pollVideo(started.operationId, config('luma'), signal)).toEqual({
      status: 'running',
    });
    const done = await lumaVideo.pollVideo(started.operationId, config('luma'), signal);
    if (done.status !== 'succeeded') throw new Error(`expected success, got ${done.status}`);
    expect(done.file).toMatchObject({ contentType: 'video/mp4', durationMs: 9_000 });
    const [call] = await requests();
    expect(call).toMatchObject({ path: '/luma/dream-machine/v1/generations', auth: 'bearer' });
    expect(call?.fields).toMatchObject({
      model: 'ray-2',
      duration: '9s',
      resolution: '1080p',
      aspect_ratio: '1:1',
      callback_url: hookUrl,
    });
    await expect.poll(() => posted.length).toBeGreaterThan(0);
    expect(parseLumaCallback(posted[0])).toMatchObject({
      id: started.operationId,
      state: 'completed',
      videoUrl: expect.stringContaining('/files/'),
    });
  });

  it('refuses image-to-video (no public URL) before calling, and maps a 500', async () => {
    const refused = await failure(
      lumaVideo.startVideo(video({ model: 'ray-2', image: source }), config('luma')),
    );
    expect(refused.message).toBe(
      'Luma needs the image at a public URL; use Runway or Veo for image-to-video.',
    );
    expect(await requests()).toHaveLength(0);
    expect(
      (
        await failure(
          lumaVideo.startVideo(video({ model: 'ray-2', prompt: 'FAIL_500' }), config('luma')),
        )
      ).kind,
    ).toBe('unavailable');
  });

  it('parseLumaCallback reads a failure in our words and rejects junk', () => {
    expect(
      parseLumaCallback({ id: 'g1', state: 'failed', failure_reason: 'secret sk-123 quoted' }),
    ).toEqual({
      id: 'g1',
      state: 'failed',
      failure: 'Luma could not make this video.',
    });
    expect(parseLumaCallback({ id: 'g1', state: 'exploded' })).toBeNull();
    expect(parseLumaCallback('nope')).toBeNull();
    expect(parseLumaCallback({ state: 'completed' })).toBeNull();
  });
});

describe('registry', () => {
  it('lists exactly the models each adapter prices', () => {
    const same = (a: readonly string[], b: readonly string[] | undefined) =>
      expect([...(b ?? [])].sort()).toEqual([...a].sort());
    same(OPENAI_IMAGE_MODELS, MEDIA_MODELS.image.openai?.models);
    same(GOOGLE_IMAGE_MODELS, MEDIA_MODELS.image.google?.models);
    same(STABILITY_IMAGE_MODELS, MEDIA_MODELS.image.stability?.models);
    same(OPENAI_SPEECH_MODELS, MEDIA_MODELS.speech.openai?.models);
    same(ELEVENLABS_SPEECH_MODELS, MEDIA_MODELS.speech.elevenlabs?.models);
    same(GOOGLE_VIDEO_MODELS, MEDIA_MODELS.video.google?.models);
    same(RUNWAY_VIDEO_MODELS, MEDIA_MODELS.video.runway?.models);
    same(LUMA_VIDEO_MODELS, MEDIA_MODELS.video.luma?.models);
    for (const byProvider of Object.values(MEDIA_MODELS)) {
      for (const entry of Object.values(byProvider))
        expect(entry?.models).toContain(entry?.defaultModel);
    }
    expect(MEDIA_MODELS.image.offline?.label).toBe('Offline (WeBox, no network)');
  });

  it('loads a vendor adapter on first use', async () => {
    const result = await imageProviders.stability.generateImages(
      image({ model: 'stable-image-core' }),
      config('stability'),
    );
    expect(result.images).toHaveLength(1);
  });

  /** Services with a database that has no stored keys (or `own` of them) for the user. */
  function services(secrets: Record<string, unknown>, own: string[] = []) {
    const rows = own.map((provider) => ({ provider }));
    const where = () => Object.assign(Promise.resolve(rows), { limit: async () => [] });
    const db = { select: () => ({ from: () => ({ where }) }) };
    const logger = { warn() {}, info() {}, error() {}, debug() {} };
    return { db, secrets, logger } as unknown as Pick<Services, 'db' | 'secrets' | 'logger'>;
  }

  it('resolveMediaProvider: env-only vendors name the variable to set', async () => {
    for (const [provider, variable] of [
      ['stability', 'STABILITY_API_KEY'],
      ['elevenlabs', 'ELEVENLABS_API_KEY'],
      ['runway', 'RUNWAY_API_KEY'],
      ['luma', 'LUMA_API_KEY'],
    ] as const) {
      const err = await resolveMediaProvider(services({}), 'u1', provider).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', status: 424 });
      expect((err as ApiError).message).toContain(`an administrator must set ${variable}`);
    }
    expect(
      await resolveMediaProvider(
        services({
          RUNWAY_API_KEY: 'rk',
          RUNWAY_BASE_URL: 'http://x.test',
          MEDIA_PROVIDER_TIMEOUT_MS: 900,
        }),
        'u1',
        'runway',
      ),
    ).toEqual({ apiKey: 'rk', baseUrl: 'http://x.test', timeoutMs: 900 });
    expect(await resolveMediaProvider(services({ LUMA_API_KEY: 'lk' }), 'u1', 'luma')).toEqual({
      apiKey: 'lk',
      baseUrl: undefined,
      timeoutMs: 120_000,
    });
    expect(await resolveMediaProvider(services({}), 'u1', 'offline')).toEqual({
      apiKey: null,
      timeoutMs: 120_000,
    });
  });

  it('resolveMediaProvider: OpenAI and Google fall back to the platform key, else say what to set', async () => {
    expect(
      await resolveMediaProvider(
        services({ OPENAI_API_KEY: 'sk-platform', OPENAI_BASE_URL: 'http://o.test/v1' }),
        'u1',
        'openai',
      ),
    ).toEqual({ apiKey: 'sk-platform', baseUrl: 'http://o.test/v1', timeoutMs: 120_000 });
    const err = await resolveMediaProvider(services({}), 'u1', 'google').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
    expect((err as ApiError).message).toContain('GOOGLE_AI_API_KEY');
  });

  it('mediaProviderStatus: configured from stored keys and variables, without decrypting', async () => {
    const status = await mediaProviderStatus(
      services({ STABILITY_API_KEY: 'sk' }, ['google']),
      'u1',
    );
    const find = (list: typeof status.image, provider: string) =>
      list.find((p) => p.provider === provider);
    expect(status.image.map((p) => p.provider)).toEqual([
      'offline',
      'openai',
      'google',
      'stability',
    ]);
    expect(find(status.image, 'offline')).toMatchObject({
      offline: true,
      configured: true,
      setting: null,
    });
    expect(find(status.image, 'openai')).toMatchObject({
      configured: false,
      setting: 'OPENAI_API_KEY',
      ownKey: true,
    });
    expect(find(status.image, 'google')).toMatchObject({
      configured: true,
      setting: null,
      defaultModel: 'gemini-2.5-flash-image',
    });
    expect(find(status.image, 'stability')).toMatchObject({ configured: true, setting: null });
    expect(find(status.video, 'runway')).toMatchObject({
      configured: false,
      setting: 'RUNWAY_API_KEY',
    });
    expect(status.music.map((p) => p.provider)).toEqual(['offline', 'elevenlabs']);
    expect(status.speech.map((p) => p.provider)).toEqual(['offline', 'openai', 'elevenlabs']);
  });
});

describe('file checks', () => {
  it('types files by their bytes and reads their size or length', () => {
    expect(imageFile('X', new Uint8Array(jpeg(40, 30)))).toMatchObject({
      contentType: 'image/jpeg',
      ext: 'jpg',
      width: 40,
      height: 30,
    });
    expect(videoFile('X', new Uint8Array(fakeMp4(3.5))).durationMs).toBe(3_500);
    expect(
      Math.abs((audioFile('X', new Uint8Array(fakeMp3(2))).durationMs ?? 0) - 2_000),
    ).toBeLessThan(30);
  });

  it('refuses bytes that are not what the vendor should have sent', () => {
    const html = new TextEncoder().encode('<html>error</html>');
    expect(() => imageFile('X', html)).toThrow(ProviderError);
    expect(() => videoFile('X', new Uint8Array(fakePng(2, 2)))).toThrow(
      'X sent something that is not an MP4 video.',
    );
    expect(() => audioFile('X', new Uint8Array(fakePng(2, 2)))).toThrow(ProviderError);
  });
});
