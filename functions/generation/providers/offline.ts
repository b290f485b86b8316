/**
 * WeBox's offline media providers: no network, no key, no cost. Images and videos are
 * procedural drawings seeded by the prompt and stamped "OFFLINE"; speech and music are
 * synthesised tones. They are placeholders that keep every generation flow working without
 * an AI vendor, and they say so (OFFLINE_MEDIA_LABEL, the stamp on every picture).
 */
import { encodeGif, gifDelayMs } from '../encoders/gif';
import { type DecodedImage, decodePng, downscale, encodePng } from '../encoders/png';
import {
  addNoise,
  addTone,
  encodeWav,
  midiToHz,
  normalize,
  OFFLINE_SAMPLE_RATE,
  prng,
  wavDurationMs,
} from '../encoders/wav';
import {
  type Canvas,
  createCanvas,
  drawScene,
  hashOf,
  paletteFromImage,
  pixelsOf,
  type Rgb,
  sceneFor,
  stampLabel,
} from './offline-draw';
import {
  type AudioResult,
  type ImageProvider,
  type ImageRequest,
  type MusicProvider,
  type MusicRequest,
  ProviderError,
  type SourceImage,
  type SpeechProvider,
  type SpeechRequest,
  type VideoProvider,
  type VideoRequest,
} from './types';

/** Shown next to every offline file, in both languages. */
export const OFFLINE_MEDIA_LABEL = {
  en: 'Offline placeholder: drawn or synthesised locally by WeBox; no AI provider was called.',
  fr: 'Média hors ligne : dessiné ou synthétisé localement par WeBox ; aucun fournisseur d’IA n’a été appelé.',
} as const;

/** The text stamped on offline pictures and video frames. */
export const OFFLINE_STAMP = 'OFFLINE';

const IMAGE_SIZES: Record<ImageRequest['size'], [number, number]> = {
  '1024x1024': [512, 512],
  '1536x1024': [768, 512],
  '1024x1536': [512, 768],
};

const VIDEO_SIZES: Record<VideoRequest['aspectRatio'], [number, number]> = {
  '16:9': [320, 180],
  '9:16': [180, 320],
  '1:1': [240, 240],
};

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ProviderError('aborted', 'The generation was stopped.');
}

/** The source image decoded when it is a PNG we can read; other formats give undefined. */
function decodeSource(source: SourceImage | undefined): DecodedImage | undefined {
  if (!source) return undefined;
  try {
    return decodePng(source.bytes);
  } catch {
    return undefined;
  }
}

/** Draws one offline picture; exported for the offline video and for tests. */
export function drawOfflineImage(
  prompt: string,
  width: number,
  height: number,
  options: { seed?: number; index?: number; style?: 'vivid' | 'natural'; palette?: Rgb[] } = {},
): Canvas {
  const seed = hashOf(prompt.trim().toLowerCase(), options.seed ?? 0, options.index ?? 0);
  const canvas = createCanvas(width, height);
  drawScene(canvas, sceneFor(prompt, seed, options.style ?? 'vivid', options.palette));
  stampLabel(canvas, OFFLINE_STAMP);
  return canvas;
}

export const offlineImage: ImageProvider = {
  async generateImages(request) {
    checkAborted(request.signal);
    const [width, height] = IMAGE_SIZES[request.size] ?? [512, 512];
    const source = decodeSource(request.source);
    const palette = source ? paletteFromImage(downscale(source, 64).rgba) : undefined;
    const images = [];
    for (let index = 0; index < Math.max(1, Math.min(4, request.n)); index++) {
      checkAborted(request.signal);
      const canvas = drawOfflineImage(request.prompt, width, height, {
        seed: request.seed,
        index,
        style: request.style,
        palette,
      });
      images.push({
        bytes: encodePng(width, height, pixelsOf(canvas)),
        contentType: 'image/png',
        ext: 'png',
        width,
        height,
      });
    }
    return { images, costMicros: 0 };
  },
};

const VOWELS = /[aeiouyàâäéèêëîïôöùûüœæ]+/gi;

/** Approximate syllables of a word: its vowel groups. */
function syllables(word: string): number {
  return Math.max(1, word.match(VOWELS)?.length ?? 0);
}

/** The length of offline speech for `text`: about 60 ms per character, 0.5–120 s. */
export function offlineSpeechSeconds(text: string, speed = 1): number {
  const chars = [...text.trim()].length;
  return Math.min(120, Math.max(0.5, (chars * 0.06) / Math.min(2, Math.max(0.5, speed))));
}

/**
 * Voice-like tones: one short gliding tone (with vowel-coloured harmonics) per syllable,
 * gaps between words and longer pauses at punctuation, stretched to the target length.
 * It is not speech; it stands in for it.
 */
function synthesiseSpeech(text: string, voice: string, speed: number): Float32Array {
  const seconds = offlineSpeechSeconds(text, speed);
  const rate = OFFLINE_SAMPLE_RATE;
  const buffer = new Float32Array(Math.round(seconds * rate));
  const random = prng(hashOf(text, hashOf(voice)));
  const basePitch = 95 + (hashOf(voice.toLowerCase()) % 130);
  const tokens = text.match(/[\p{L}\p{N}'’-]+|[.,;:!?…]/gu) ?? ['…'];

  type Event = { units: number; syllable: boolean; vowel: string; word: number };
  const events: Event[] = [];
  tokens.forEach((token, word) => {
    if (/^[.,;:!?…]$/.test(token)) {
      events.push({ units: /[,;:]/.test(token) ? 1.5 : 3, syllable: false, vowel: '', word });
      return;
    }
    const vowels = token.match(VOWELS) ?? ['a'];
    for (let s = 0; s < syllables(token); s++) {
      events.push({ units: 1, syllable: true, vowel: (vowels[s] ?? 'a').toLowerCase(), word });
    }
    events.push({ units: 0.6, syllable: false, vowel: '', word });
  });
  const totalUnits = events.reduce((sum, event) => sum + event.units, 0);
  const unit = seconds / totalUnits;

  let time = 0;
  for (const event of events) {
    const duration = event.units * unit;
    if (event.syllable) {
      // Vowel colour: open vowels carry a stronger 2nd harmonic, front vowels a stronger 3rd.
      const open = /[aàâoô]/.test(event.vowel);
      const front = /[iîïeéèêë]/.test(event.vowel);
      const pitch = basePitch * (0.9 + random() * 0.3);
      addTone(buffer, rate, {
        start: time,
        duration: duration * 0.85,
        frequency: pitch,
        endFrequency: pitch * (0.92 + random() * 0.1),
        amplitude: 0.35,
        wave: 'sine',
        harmonics: open ? [0.7, 0.35, 0.15] : front ? [0.3, 0.6, 0.25] : [0.5, 0.25, 0.1],
        attack: Math.min(0.02, duration * 0.2),
        release: Math.min(0.05, duration * 0.3),
        vibrato: { depth: 0.01, rate: 5.5 },
      });
    }
    time += duration;
  }
  return normalize(buffer, 0.8);
}

export const offlineSpeech: SpeechProvider = {
  async speak(request: SpeechRequest): Promise<AudioResult> {
    checkAborted(request.signal);
    const samples = synthesiseSpeech(request.text, request.voice || 'default', request.speed ?? 1);
    return {
      audio: {
        bytes: encodeWav(samples, OFFLINE_SAMPLE_RATE),
        contentType: 'audio/wav',
        ext: 'wav',
        durationMs: wavDurationMs(samples.length, OFFLINE_SAMPLE_RATE),
      },
      costMicros: 0,
    };
  },
};

const PROGRESSIONS = [
  [0, 7, 9, 5], // I–V–vi–IV
  [0, 5, 7, 5], // I–IV–V–IV
  [0, 9, 5, 7], // I–vi–IV–V
  [0, 4, 9, 7], // I–iii–vi–V
];
const CALM = /calm|calme|ambient|ambiance|piano|relax|sleep|sommeil|doux|soft|lofi|lo-fi|chill/i;
const MINOR = /sad|triste|dark|sombre|melanchol|mélancol|epic|épique|mystery|mystère|tension/i;

/** A short loop-based piece: pad chords, bass, a pentatonic melody, and light drums. */
function synthesiseMusic(prompt: string, seconds: number): Float32Array {
  const rate = OFFLINE_SAMPLE_RATE;
  const buffer = new Float32Array(Math.round(seconds * rate));
  const random = prng(hashOf(prompt.toLowerCase()));
  const calm = CALM.test(prompt);
  const minor = MINOR.test(prompt);
  const bpm = calm ? 66 + Math.floor(random() * 20) : 92 + Math.floor(random() * 36);
  const beat = 60 / bpm;
  const bar = beat * 4;
  const root = 48 + Math.floor(random() * 10);
  const progression = PROGRESSIONS[Math.floor(random() * PROGRESSIONS.length)] as number[];
  const scale = minor ? [0, 3, 5, 7, 10] : [0, 2, 4, 7, 9];
  const third = minor ? 3 : 4;

  let melodyStep = Math.floor(random() * scale.length);
  for (let b = 0; b * bar < seconds; b++) {
    const start = b * bar;
    const degree = progression[b % progression.length] as number;
    const chordRoot = root + degree;
    // Chords on the 6th degree (and the 3rd) are minor in a major key.
    const chordThird = minor ? third : degree === 9 || degree === 4 ? 3 : 4;
    for (const interval of [0, chordThird, 7]) {
      addTone(buffer, rate, {
        start,
        duration: bar,
        frequency: midiToHz(chordRoot + 12 + interval),
        amplitude: 0.08,
        wave: 'triangle',
        attack: calm ? 0.4 : 0.08,
        release: 0.3,
      });
    }
    for (let k = 0; k < 2; k++) {
      addTone(buffer, rate, {
        start: start + k * 2 * beat,
        duration: beat * 1.8,
        frequency: midiToHz(chordRoot - 12),
        amplitude: 0.22,
        harmonics: [0.4, 0.1],
        attack: 0.01,
        release: 0.15,
      });
    }
    const notesPerBar = calm ? 4 : 8;
    for (let n = 0; n < notesPerBar; n++) {
      if (random() < 0.25) continue;
      melodyStep = Math.max(0, Math.min(9, melodyStep + Math.floor(random() * 5) - 2));
      const octave = Math.floor(melodyStep / scale.length);
      const note = root + 24 + (scale[melodyStep % scale.length] as number) + octave * 12;
      addTone(buffer, rate, {
        start: start + (n * bar) / notesPerBar,
        duration: (bar / notesPerBar) * 0.9,
        frequency: midiToHz(note),
        amplitude: 0.12,
        wave: 'sine',
        harmonics: [0.3, 0.12],
        attack: 0.01,
        release: 0.08,
      });
    }
    if (!calm) {
      for (let k = 0; k < 4; k++) {
        addTone(buffer, rate, {
          start: start + k * beat,
          duration: 0.16,
          frequency: 120,
          endFrequency: 45,
          amplitude: 0.4,
          attack: 0.002,
          release: 0.1,
        });
        addNoise(
          buffer,
          rate,
          { start: start + (k + 0.5) * beat, duration: 0.04, amplitude: 0.06, color: 0, decay: 60 },
          random,
        );
      }
    }
  }
  fadeOut(buffer, rate, Math.min(2, seconds / 4));
  return normalize(buffer, 0.85);
}

/** Sound effects by what the description names (explosion, laser, wind, rain, beep, ...). */
function synthesiseSfx(prompt: string, seconds: number): Float32Array {
  const rate = OFFLINE_SAMPLE_RATE;
  const buffer = new Float32Array(Math.round(seconds * rate));
  const random = prng(hashOf(prompt.toLowerCase(), 1));
  const text = prompt.toLowerCase();
  if (/explos|boom|thunder|tonnerre|crash|impact/.test(text)) {
    addNoise(
      buffer,
      rate,
      { start: 0, duration: seconds, amplitude: 0.9, color: 0.96, decay: 2.5 },
      random,
    );
    addTone(buffer, rate, {
      start: 0,
      duration: Math.min(seconds, 1.2),
      frequency: 70,
      endFrequency: 30,
      amplitude: 0.6,
      release: 0.6,
    });
  } else if (/laser|zap|shoot|tir|pew/.test(text)) {
    for (let t = 0; t < seconds; t += 0.35 + random() * 0.3) {
      addTone(buffer, rate, {
        start: t,
        duration: 0.22,
        frequency: 1800 + random() * 800,
        endFrequency: 200,
        amplitude: 0.4,
        wave: 'square',
        release: 0.05,
      });
    }
  } else if (/wind|vent|whoosh|swoosh|souffle|air/.test(text)) {
    addNoise(
      buffer,
      rate,
      {
        start: 0,
        duration: seconds,
        amplitude: 0.6,
        color: 0.98,
        endColor: 0.85,
        attack: seconds / 3,
        release: seconds / 3,
      },
      random,
    );
  } else if (/rain|pluie|drip|goutte|crackl|fire|feu/.test(text)) {
    addNoise(buffer, rate, { start: 0, duration: seconds, amplitude: 0.15, color: 0.7 }, random);
    for (let k = 0; k < seconds * 40; k++) {
      addNoise(
        buffer,
        rate,
        { start: random() * seconds, duration: 0.012, amplitude: 0.5, color: 0.2, decay: 300 },
        random,
      );
    }
  } else if (/beep|bip|alarm|alarme|notification|ding|bell|cloche/.test(text)) {
    const pitch = 660 + Math.floor(random() * 4) * 220;
    for (let t = 0; t < seconds; t += 0.5) {
      addTone(buffer, rate, {
        start: t,
        duration: 0.25,
        frequency: pitch,
        amplitude: 0.5,
        harmonics: [0.2],
        release: 0.1,
      });
    }
  } else {
    for (let t = 0; t < seconds; t += 0.4 + random() * 0.8) {
      if (random() < 0.5) {
        addTone(buffer, rate, {
          start: t,
          duration: 0.3 + random() * 0.4,
          frequency: 200 + random() * 900,
          endFrequency: 100 + random() * 1500,
          amplitude: 0.35,
          wave: 'triangle',
          release: 0.1,
        });
      } else {
        addNoise(
          buffer,
          rate,
          {
            start: t,
            duration: 0.2 + random() * 0.5,
            amplitude: 0.5,
            color: random() * 0.95,
            decay: 8,
          },
          random,
        );
      }
    }
  }
  fadeOut(buffer, rate, Math.min(0.3, seconds / 5));
  return normalize(buffer, 0.85);
}

function fadeOut(buffer: Float32Array, rate: number, seconds: number): void {
  const count = Math.min(buffer.length, Math.floor(seconds * rate));
  for (let k = 0; k < count; k++) {
    const i = buffer.length - 1 - k;
    buffer[i] = (buffer[i] as number) * (k / count);
  }
}

export const offlineMusic: MusicProvider = {
  async compose(request: MusicRequest): Promise<AudioResult> {
    checkAborted(request.signal);
    const limit = request.kind === 'sfx' ? 22 : 120;
    const seconds = Math.min(limit, Math.max(1, request.durationSeconds));
    const samples =
      request.kind === 'sfx'
        ? synthesiseSfx(request.prompt, seconds)
        : synthesiseMusic(request.prompt, seconds);
    return {
      audio: {
        bytes: encodeWav(samples, OFFLINE_SAMPLE_RATE),
        contentType: 'audio/wav',
        ext: 'wav',
        durationMs: wavDurationMs(samples.length, OFFLINE_SAMPLE_RATE),
      },
      costMicros: 0,
    };
  },
};

/**
 * One frame of a slow zoom-and-pan across `source` (nearest sampling; enough at GIF size),
 * covering the whole frame.
 */
function kenBurnsFrame(source: DecodedImage, width: number, height: number, t: number): Canvas {
  const canvas = createCanvas(width, height);
  const cover = Math.max(width / source.width, height / source.height);
  const zoom = cover * (1 + 0.12 * t);
  const spareX = source.width * zoom - width;
  const spareY = source.height * zoom - height;
  const offsetX = spareX * (0.3 + 0.4 * t);
  const offsetY = spareY * (0.5 - 0.2 * t);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(source.height - 1, Math.floor((y + offsetY) / zoom));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(source.width - 1, Math.floor((x + offsetX) / zoom));
      const s = (sy * source.width + sx) * 4;
      const d = (y * width + x) * 4;
      canvas.data[d] = source.rgba[s] as number;
      canvas.data[d + 1] = source.rgba[s + 1] as number;
      canvas.data[d + 2] = source.rgba[s + 2] as number;
    }
  }
  return canvas;
}

export const offlineVideo: VideoProvider = {
  async startVideo(request: VideoRequest) {
    checkAborted(request.signal);
    const [width, height] = VIDEO_SIZES[request.aspectRatio] ?? [320, 180];
    const seconds = Math.min(10, Math.max(1, request.durationSeconds));
    const frameCount = Math.min(24, Math.max(12, Math.round(seconds * 4)));
    const delay = gifDelayMs((seconds * 1000) / frameCount);
    const source = decodeSource(request.image);
    // Only what the frames need: big sources are reduced once, not per frame.
    const small = source ? downscale(source, Math.max(width, height) * 2) : undefined;
    const scene = sceneFor(
      request.prompt,
      hashOf(request.prompt.trim().toLowerCase()),
      'vivid',
      small ? paletteFromImage(downscale(small, 64).rgba) : undefined,
    );
    const frames: Uint8Array[] = [];
    for (let f = 0; f < frameCount; f++) {
      checkAborted(request.signal);
      const t = f / frameCount;
      let canvas: Canvas;
      if (small) {
        canvas = kenBurnsFrame(small, width, height, t);
      } else {
        canvas = createCanvas(width, height);
        drawScene(canvas, scene, t);
      }
      stampLabel(canvas, OFFLINE_STAMP);
      frames.push(pixelsOf(canvas));
    }
    return {
      kind: 'done',
      file: {
        bytes: encodeGif(frames, width, height, delay),
        contentType: 'image/gif',
        ext: 'gif',
        width,
        height,
        durationMs: delay * frameCount,
      },
      costMicros: 0,
    };
  },
  async pollVideo() {
    throw new ProviderError(
      'bad_request',
      'Offline videos are finished at once; there is nothing to poll.',
    );
  },
};
