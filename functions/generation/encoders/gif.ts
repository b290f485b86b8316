import * as gifencModule from 'gifenc';

type Gifenc = Pick<typeof gifencModule, 'GIFEncoder' | 'quantize' | 'applyPalette'>;
// Bundlers (wrangler's esbuild) take gifenc's ESM build; Node (vitest) loads its CommonJS
// build, whose named exports only show up on `default`.
const { GIFEncoder, applyPalette, quantize }: Gifenc =
  typeof gifencModule.GIFEncoder === 'function'
    ? gifencModule
    : (gifencModule as unknown as { default: Gifenc }).default;

/**
 * An animated, endlessly looping GIF from RGBA frames (`width * height * 4` bytes each).
 * One global 256-colour palette is quantised from a sample of the frames (first, middle,
 * last), so frames share colours and the file stays small. GIF delays are centiseconds:
 * `delayMs` is rounded to 10 ms (at least 20 ms, what browsers honour).
 */
export function encodeGif(
  frames: Uint8Array[],
  width: number,
  height: number,
  delayMs: number,
): Uint8Array {
  if (frames.length === 0) throw new RangeError('A GIF needs at least one frame');
  const size = width * height * 4;
  for (const frame of frames) {
    if (frame.length !== size) throw new RangeError('GIF frame has the wrong size');
  }
  const picks = [...new Set([0, frames.length >> 1, frames.length - 1])];
  const sample = new Uint8Array(size * picks.length);
  picks.forEach((index, i) => {
    sample.set(frames[index] as Uint8Array, i * size);
  });
  const palette = quantize(sample, 256);
  const delay = gifDelayMs(delayMs);
  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    const index = applyPalette(frame, palette);
    gif.writeFrame(index, width, height, i === 0 ? { palette, delay, repeat: 0 } : { delay });
  });
  gif.finish();
  return gif.bytes();
}

/** The delay a GIF actually stores for a requested `delayMs`. */
export function gifDelayMs(delayMs: number): number {
  return Math.max(20, Math.round(delayMs / 10) * 10);
}
