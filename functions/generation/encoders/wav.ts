/**
 * PCM WAV encoding and a few cheap synthesis helpers (table oscillators, envelopes, noise)
 * for the offline audio placeholders. Everything works on mono Float32Array buffers in
 * [-1, 1]; `encodeWav` turns them into 16-bit RIFF files.
 */

/** Offline audio's sample rate: enough for placeholders, small files, little CPU. */
export const OFFLINE_SAMPLE_RATE = 22050;

/**
 * A 16-bit PCM mono WAV file. Float samples are clamped to [-1, 1]; Int16 samples are
 * written as they are.
 */
export function encodeWav(samples: Float32Array | Int16Array, sampleRate: number): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError('Bad sample rate');
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  if (samples instanceof Int16Array) {
    for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i] as number, true);
  } else {
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i] as number));
      view.setInt16(44 + i * 2, Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), true);
    }
  }
  return out;
}

const TABLE_SIZE = 4096;
const SINE = (() => {
  const table = new Float32Array(TABLE_SIZE + 1);
  for (let i = 0; i <= TABLE_SIZE; i++) table[i] = Math.sin((2 * Math.PI * i) / TABLE_SIZE);
  return table;
})();

export type Wave = 'sine' | 'triangle' | 'square' | 'saw';

/** One cycle of `wave` at phase `p` in [0, 1). Table lookup for sine keeps CPU time low. */
function waveAt(wave: Wave, p: number): number {
  switch (wave) {
    case 'sine':
      return SINE[(p * TABLE_SIZE) | 0] as number;
    case 'triangle':
      return p < 0.5 ? 4 * p - 1 : 3 - 4 * p;
    case 'square':
      return p < 0.5 ? 0.6 : -0.6;
    default:
      return 2 * p - 1;
  }
}

export interface ToneOptions {
  /** Start, in seconds. */
  start: number;
  /** Length, in seconds. */
  duration: number;
  /** Frequency in Hz; `endFrequency` makes it glide linearly. */
  frequency: number;
  endFrequency?: number;
  amplitude: number;
  wave?: Wave;
  /** Attack and release, in seconds. */
  attack?: number;
  release?: number;
  /** Extra harmonics as relative amplitudes of 2f, 3f, ... (sine partials). */
  harmonics?: number[];
  /** Vibrato depth (fraction of the frequency) and rate (Hz). */
  vibrato?: { depth: number; rate: number };
}

/** Adds a tone into `buffer` (mixing, not overwriting). */
export function addTone(buffer: Float32Array, sampleRate: number, tone: ToneOptions): void {
  const first = Math.max(0, Math.floor(tone.start * sampleRate));
  const count = Math.floor(tone.duration * sampleRate);
  const last = Math.min(buffer.length, first + count);
  const attack = Math.max(1, Math.floor((tone.attack ?? 0.01) * sampleRate));
  const release = Math.max(1, Math.floor((tone.release ?? 0.05) * sampleRate));
  const wave = tone.wave ?? 'sine';
  const harmonics = tone.harmonics ?? [];
  const phases = new Float64Array(harmonics.length + 1);
  const end = tone.endFrequency ?? tone.frequency;
  for (let i = first; i < last; i++) {
    const k = i - first;
    const progress = count > 0 ? k / count : 0;
    let frequency = tone.frequency + (end - tone.frequency) * progress;
    if (tone.vibrato) {
      frequency *=
        1 +
        tone.vibrato.depth *
          (SINE[((((k * tone.vibrato.rate) / sampleRate) % 1) * TABLE_SIZE) | 0] as number);
    }
    const envelope = Math.min(1, k / attack, (count - k) / release);
    let value = 0;
    for (let h = 0; h < phases.length; h++) {
      const step = (frequency * (h + 1)) / sampleRate;
      const phase = ((phases[h] as number) + step) % 1;
      phases[h] = phase;
      const amount = h === 0 ? 1 : (harmonics[h - 1] as number);
      value +=
        amount * (h === 0 ? waveAt(wave, phase) : (SINE[(phase * TABLE_SIZE) | 0] as number));
    }
    buffer[i] = (buffer[i] as number) + value * tone.amplitude * envelope;
  }
}

/** A small deterministic PRNG (mulberry32) so the same prompt gives the same sound. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface NoiseOptions {
  start: number;
  duration: number;
  amplitude: number;
  /** One-pole low-pass smoothing from 0 (bright) towards 1 (dark); may glide to `endColor`. */
  color?: number;
  endColor?: number;
  attack?: number;
  release?: number;
  /** Exponential decay rate (1/s); 0 keeps the level. */
  decay?: number;
}

/** Adds filtered white noise into `buffer`. */
export function addNoise(
  buffer: Float32Array,
  sampleRate: number,
  noise: NoiseOptions,
  random: () => number,
): void {
  const first = Math.max(0, Math.floor(noise.start * sampleRate));
  const count = Math.floor(noise.duration * sampleRate);
  const last = Math.min(buffer.length, first + count);
  const attack = Math.max(1, Math.floor((noise.attack ?? 0.005) * sampleRate));
  const release = Math.max(1, Math.floor((noise.release ?? 0.05) * sampleRate));
  const startColor = noise.color ?? 0;
  const endColor = noise.endColor ?? startColor;
  let state = 0;
  for (let i = first; i < last; i++) {
    const k = i - first;
    const color = startColor + (endColor - startColor) * (k / count);
    state = state * color + (random() * 2 - 1) * (1 - color);
    const decay = noise.decay ? Math.exp((-noise.decay * k) / sampleRate) : 1;
    const envelope = Math.min(1, k / attack, (count - k) / release) * decay;
    // Dark noise loses level through the filter; the boost keeps it audible.
    buffer[i] = (buffer[i] as number) + state * noise.amplitude * envelope * (1 + color * 2);
  }
}

/** Scales `buffer` so that its peak is `peak` (no-op on silence). */
export function normalize(buffer: Float32Array, peak = 0.9): Float32Array {
  let max = 0;
  for (let i = 0; i < buffer.length; i++) max = Math.max(max, Math.abs(buffer[i] as number));
  if (max > 0) {
    const gain = peak / max;
    for (let i = 0; i < buffer.length; i++) buffer[i] = (buffer[i] as number) * gain;
  }
  return buffer;
}

/** Frequency in Hz of a MIDI note number (69 = A4 = 440 Hz). */
export function midiToHz(note: number): number {
  return 440 * 2 ** ((note - 69) / 12);
}

/** Duration in milliseconds of a WAV produced by `encodeWav`. */
export function wavDurationMs(sampleCount: number, sampleRate: number): number {
  return Math.round((sampleCount / sampleRate) * 1000);
}
