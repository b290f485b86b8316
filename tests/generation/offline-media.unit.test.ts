import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeGif } from '../../functions/generation/encoders/gif';
import { crc32, decodePng, encodePng, thumbnailPng } from '../../functions/generation/encoders/png';
import { encodeWav } from '../../functions/generation/encoders/wav';
import {
  OFFLINE_MEDIA_LABEL,
  offlineImage,
  offlineMusic,
  offlineSpeech,
  offlineVideo,
} from '../../functions/generation/providers/offline';
import {
  type ImageRequest,
  type MediaProviderConfig,
  ProviderError,
  type VideoRequest,
} from '../../functions/generation/providers/types';

const config: MediaProviderConfig = { apiKey: null, timeoutMs: 1000 };
const signal = new AbortController().signal;

function imageRequest(overrides: Partial<ImageRequest> = {}): ImageRequest {
  return {
    prompt: 'a mountain lake at sunset',
    model: 'offline-draw',
    size: '1024x1024',
    quality: 'standard',
    style: 'vivid',
    n: 1,
    signal,
    ...overrides,
  };
}

function videoRequest(overrides: Partial<VideoRequest> = {}): VideoRequest {
  return {
    prompt: 'ocean waves under a full moon',
    model: 'offline-video',
    durationSeconds: 5,
    resolution: '720p',
    aspectRatio: '16:9',
    signal,
    ...overrides,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A PNG built by hand with a chosen colour type and one filter per row (for the decoder). */
function handmadePng(
  width: number,
  height: number,
  colourType: number,
  channels: number,
  pixels: Uint8Array,
  filters: number[],
  depth = 8,
): Uint8Array {
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length] as number;
    raw[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const x = pixels[y * stride + i] as number;
      const a = i >= channels ? (pixels[y * stride + i - channels] as number) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + i] as number) : 0;
      const c = y > 0 && i >= channels ? (pixels[(y - 1) * stride + i - channels] as number) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter] as number;
      raw[y * (stride + 1) + 1 + i] = (x - predicted) & 0xff;
    }
  }
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Frames and delays of a GIF, by walking its blocks. */
function gifFrames(bytes: Uint8Array): { width: number; height: number; delays: number[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  const flags = bytes[10] as number;
  let offset = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  const delays: number[] = [];
  let frames = 0;
  const skipSubBlocks = () => {
    while (bytes[offset] !== 0) offset += (bytes[offset] as number) + 1;
    offset++;
  };
  for (;;) {
    const block = bytes[offset];
    if (block === 0x3b) break;
    if (block === 0x21) {
      if (bytes[offset + 1] === 0xf9) delays.push(view.getUint16(offset + 4, true) * 10);
      offset += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      frames++;
      const local = bytes[offset + 9] as number;
      offset += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0);
      offset++; // LZW minimum code size
      skipSubBlocks();
    } else {
      throw new Error(`Unexpected GIF block ${block} at ${offset}`);
    }
  }
  expect(delays.length).toBe(frames);
  return { width, height, delays };
}

describe('PNG codec', { timeout: 20_000 }, () => {
  it('round-trips RGBA and opaque images through decodePng', () => {
    const width = 7;
    const height = 5;
    const rgba = new Uint8Array(width * height * 4).map((_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng(width, height, rgba));
    expect(decoded).toMatchObject({ width, height });
    expect(sameBytes(decoded.rgba, rgba)).toBe(true);

    const opaque = rgba.map((v, i) => (i % 4 === 3 ? 255 : v));
    const bytes = encodePng(width, height, opaque);
    expect(bytes[25]).toBe(2); // stored as RGB
    expect(sameBytes(decodePng(bytes).rgba, opaque)).toBe(true);
  });

  it('decodes every row filter, greyscale and grey+alpha', () => {
    const width = 6;
    const height = 5;
    const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 53 + 11) % 256);
    const decoded = decodePng(handmadePng(width, height, 2, 3, rgb, [0, 1, 2, 3, 4]));
    for (let p = 0; p < width * height; p++) {
      expect([...decoded.rgba.subarray(p * 4, p * 4 + 4)]).toEqual([
        rgb[p * 3],
        rgb[p * 3 + 1],
        rgb[p * 3 + 2],
        255,
      ]);
    }
    const grey = new Uint8Array(width * height).map((_, i) => i * 7);
    const g = decodePng(handmadePng(width, height, 0, 1, grey, [4, 3]));
    expect([...g.rgba.subarray(8, 12)]).toEqual([grey[2], grey[2], grey[2], 255]);
    const greyAlpha = new Uint8Array(width * height * 2).map((_, i) => (i * 29) % 256);
    const ga = decodePng(handmadePng(width, height, 4, 2, greyAlpha, [2]));
    expect([...ga.rgba.subarray(4, 8)]).toEqual([
      greyAlpha[2],
      greyAlpha[2],
      greyAlpha[2],
      greyAlpha[3],
    ]);
  });

  it('refuses what it cannot read, and thumbnails say null for it', () => {
    const sixteenBit = handmadePng(2, 2, 2, 6, new Uint8Array(24), [0], 16);
    expect(() => decodePng(sixteenBit)).toThrow(/8-bit/);
    expect(thumbnailPng(sixteenBit)).toBeNull();
    expect(() => decodePng(new TextEncoder().encode('<html>not a png</html>'))).toThrow();
    const broken = encodePng(4, 4, new Uint8Array(64).fill(200));
    expect(() => decodePng(broken.subarray(0, broken.length - 30))).toThrow();
  });

  it('makes thumbnails no larger than the requested side', async () => {
    const { images } = await offlineImage.generateImages(
      imageRequest({ size: '1536x1024' }),
      config,
    );
    const original = images[0]?.bytes as Uint8Array;
    const thumbnail = thumbnailPng(original, 128) as Uint8Array;
    const decoded = decodePng(thumbnail);
    expect(decoded.width).toBe(128);
    expect(decoded.height).toBe(85);
    expect(thumbnail.length).toBeLessThan(original.length);
  });
});

describe('offline images', { timeout: 20_000 }, () => {
  it('draws PNGs at the requested aspect ratio, with real content', async () => {
    const cases = [
      ['1024x1024', 512, 512],
      ['1536x1024', 768, 512],
      ['1024x1536', 512, 768],
    ] as const;
    for (const [size, width, height] of cases) {
      const result = await offlineImage.generateImages(imageRequest({ size }), config);
      expect(result.costMicros).toBe(0);
      const [image] = result.images;
      expect(image).toMatchObject({ contentType: 'image/png', ext: 'png', width, height });
      const decoded = decodePng(image?.bytes as Uint8Array);
      expect(decoded).toMatchObject({ width, height });
      const colours = new Set<number>();
      for (let i = 0; i < decoded.rgba.length; i += 4 * 97) {
        colours.add(
          (decoded.rgba[i] as number) * 65536 +
            (decoded.rgba[i + 1] as number) * 256 +
            (decoded.rgba[i + 2] as number),
        );
      }
      expect(colours.size).toBeGreaterThan(50);
    }
  });

  it('is deterministic per prompt and differs between prompts, seeds and indexes', async () => {
    const a = await offlineImage.generateImages(imageRequest({ n: 2 }), config);
    const again = await offlineImage.generateImages(imageRequest({ n: 2 }), config);
    const other = await offlineImage.generateImages(
      imageRequest({ prompt: 'a red bicycle' }),
      config,
    );
    const seeded = await offlineImage.generateImages(imageRequest({ seed: 42 }), config);
    const [first, second] = a.images.map((image) => image.bytes) as [Uint8Array, Uint8Array];
    expect(a.images).toHaveLength(2);
    expect(sameBytes(first, again.images[0]?.bytes as Uint8Array)).toBe(true);
    expect(sameBytes(first, second)).toBe(false);
    expect(sameBytes(first, other.images[0]?.bytes as Uint8Array)).toBe(false);
    expect(sameBytes(first, seeded.images[0]?.bytes as Uint8Array)).toBe(false);
  });

  it('stamps the OFFLINE label in the bottom-left corner', async () => {
    const { images } = await offlineImage.generateImages(imageRequest(), config);
    const { width, height, rgba } = decodePng(images[0]?.bytes as Uint8Array);
    let white = 0;
    for (let y = height - 40; y < height; y++) {
      for (let x = 0; x < 160; x++) {
        const i = (y * width + x) * 4;
        if (rgba[i] === 255 && rgba[i + 1] === 255 && rgba[i + 2] === 255) white++;
      }
    }
    // "OFFLINE" at scale 3: dozens of lit 3x3 cells.
    expect(white).toBeGreaterThan(300);
    expect(OFFLINE_MEDIA_LABEL.fr).toMatch(/hors ligne/);
    expect(OFFLINE_MEDIA_LABEL.en).toMatch(/Offline/);
  });

  it('takes its colours from a PNG source image for variations', async () => {
    const red = encodePng(
      32,
      32,
      new Uint8Array(32 * 32 * 4).map((_, i) => [220, 30, 40, 255][i % 4] as number),
    );
    const { images } = await offlineImage.generateImages(
      imageRequest({ prompt: 'variation', source: { bytes: red, contentType: 'image/png' } }),
      config,
    );
    const { rgba } = decodePng(images[0]?.bytes as Uint8Array);
    let r = 0;
    let b = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      r += rgba[i] as number;
      b += rgba[i + 2] as number;
    }
    expect(r).toBeGreaterThan(b * 2);
    // A source it cannot decode (JPEG) still gives a picture.
    const jpeg = await offlineImage.generateImages(
      imageRequest({
        source: { bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg' },
      }),
      config,
    );
    expect(jpeg.images).toHaveLength(1);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      offlineImage.generateImages(imageRequest({ signal: controller.signal }), config),
    ).rejects.toMatchObject({ name: 'ProviderError', kind: 'aborted' });
  });
});

function readWav(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (o: number) => new TextDecoder().decode(bytes.subarray(o, o + 4));
  return {
    riff: ascii(0),
    riffSize: view.getUint32(4, true),
    wave: ascii(8),
    fmt: ascii(12),
    format: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    byteRate: view.getUint32(28, true),
    bits: view.getUint16(34, true),
    data: ascii(36),
    dataSize: view.getUint32(40, true),
    peak: Math.max(
      ...Array.from({ length: 2000 }, (_, k) =>
        Math.abs(
          view.getInt16(44 + 2 * Math.floor((k * (view.getUint32(40, true) / 2 - 1)) / 2000), true),
        ),
      ),
    ),
  };
}

describe('WAV and offline audio', { timeout: 20_000 }, () => {
  it('writes a valid 16-bit mono PCM header', () => {
    const samples = new Float32Array(1000).map((_, i) => Math.sin(i / 5) * 1.5);
    const wav = readWav(encodeWav(samples, 8000));
    expect(wav).toMatchObject({
      riff: 'RIFF',
      riffSize: 36 + 2000,
      wave: 'WAVE',
      fmt: 'fmt ',
      format: 1,
      channels: 1,
      sampleRate: 8000,
      byteRate: 16000,
      bits: 16,
      data: 'data',
      dataSize: 2000,
    });
    // Out-of-range floats are clamped, not wrapped around.
    const pcm = new Int16Array(encodeWav(samples, 8000).buffer.slice(44));
    expect(Math.max(...pcm)).toBe(32767);
    expect(Math.min(...pcm)).toBe(-32768);
    expect(() => encodeWav(samples, 0)).toThrow();
  });

  it('speaks as a WAV whose length follows the text, whatever format was asked', async () => {
    const speak = (text: string, speed?: number) =>
      offlineSpeech.speak(
        {
          text,
          model: 'offline-voice',
          voice: 'alloy',
          language: 'fr-FR',
          format: 'mp3',
          speed,
          signal,
        },
        config,
      );
    const short = await speak('Bonjour à tous, bienvenue.');
    const long = await speak('Bonjour à tous, bienvenue. '.repeat(10));
    expect(short.audio).toMatchObject({ contentType: 'audio/wav', ext: 'wav' });
    expect(short.costMicros).toBe(0);
    const header = readWav(short.audio.bytes);
    expect(header.sampleRate).toBe(22050);
    expect(header.peak).toBeGreaterThan(10000);
    const chars = 'Bonjour à tous, bienvenue.'.length;
    expect(short.audio.durationMs).toBeGreaterThan(chars * 60 - 100);
    expect(short.audio.durationMs).toBeLessThan(chars * 60 + 100);
    expect(header.dataSize / 2 / 22050).toBeCloseTo((short.audio.durationMs as number) / 1000, 1);
    expect(long.audio.durationMs).toBeGreaterThan((short.audio.durationMs as number) * 8);
    const fast = await speak('Bonjour à tous, bienvenue. '.repeat(10), 2);
    expect(fast.audio.durationMs).toBeLessThan((long.audio.durationMs as number) * 0.6);
    const capped = await speak('a'.repeat(4000));
    expect(capped.audio.durationMs).toBe(120_000);
  });

  it('composes music and sound effects for the requested duration', async () => {
    const music = await offlineMusic.compose(
      { prompt: 'calm piano', kind: 'music', durationSeconds: 8, signal },
      config,
    );
    expect(music.audio).toMatchObject({ contentType: 'audio/wav', ext: 'wav', durationMs: 8000 });
    expect(readWav(music.audio.bytes).peak).toBeGreaterThan(10000);
    const other = await offlineMusic.compose(
      { prompt: 'dark epic drums', kind: 'music', durationSeconds: 8, signal },
      config,
    );
    expect(sameBytes(music.audio.bytes, other.audio.bytes)).toBe(false);
    const sfx = await offlineMusic.compose(
      { prompt: 'explosion', kind: 'sfx', durationSeconds: 60, signal },
      config,
    );
    expect(sfx.audio.durationMs).toBe(22_000);
    expect(readWav(sfx.audio.bytes).peak).toBeGreaterThan(10000);
  });
});

describe('GIF and offline video', { timeout: 20_000 }, () => {
  it('encodes an animated GIF89a with one image per frame', () => {
    const frames = Array.from({ length: 4 }, (_, f) =>
      new Uint8Array(10 * 6 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13 + f * 60) % 256)),
    );
    const gif = encodeGif(frames, 10, 6, 150);
    expect(new TextDecoder().decode(gif.subarray(0, 6))).toBe('GIF89a');
    expect(gifFrames(gif)).toEqual({ width: 10, height: 6, delays: [150, 150, 150, 150] });
    expect(() => encodeGif([], 10, 6, 100)).toThrow();
    expect(() => encodeGif([new Uint8Array(5)], 10, 6, 100)).toThrow();
  });

  it('returns a finished animated GIF at once, sized by aspect ratio', async () => {
    const start = await offlineVideo.startVideo(videoRequest(), config);
    expect(start.kind).toBe('done');
    if (start.kind !== 'done') return;
    expect(start.costMicros).toBe(0);
    expect(start.file).toMatchObject({
      contentType: 'image/gif',
      ext: 'gif',
      width: 320,
      height: 180,
    });
    const parsed = gifFrames(start.file.bytes);
    expect(parsed.width).toBe(320);
    expect(parsed.delays.length).toBe(20);
    expect(parsed.delays.reduce((a, b) => a + b, 0)).toBe(start.file.durationMs);
    expect(start.file.durationMs).toBeGreaterThanOrEqual(4800);
    expect(start.file.durationMs).toBeLessThanOrEqual(5200);

    const portrait = await offlineVideo.startVideo(
      videoRequest({ aspectRatio: '9:16', durationSeconds: 10 }),
      config,
    );
    if (portrait.kind !== 'done') throw new Error('expected a finished video');
    expect(gifFrames(portrait.file.bytes)).toMatchObject({ width: 180, height: 320 });
    expect(gifFrames(portrait.file.bytes).delays.length).toBe(24);
  });

  it('animates a PNG first frame for image-to-video', async () => {
    const { images } = await offlineImage.generateImages(imageRequest(), config);
    const start = await offlineVideo.startVideo(
      videoRequest({
        aspectRatio: '1:1',
        image: { bytes: images[0]?.bytes as Uint8Array, contentType: 'image/png' },
      }),
      config,
    );
    if (start.kind !== 'done') throw new Error('expected a finished video');
    expect(gifFrames(start.file.bytes)).toMatchObject({ width: 240, height: 240 });
  });

  it('has nothing to poll', async () => {
    await expect(offlineVideo.pollVideo('op-1', config, signal)).rejects.toBeInstanceOf(
      ProviderError,
    );
  });
});
