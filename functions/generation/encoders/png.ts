import { unzlibSync, zlibSync } from 'fflate';

/**
 * A small PNG codec in plain TypeScript (workerd forbids compiling WebAssembly at run time):
 * encoding of 8-bit RGBA/RGB images, decoding of the common 8-bit variants, and box-filtered
 * thumbnails.
 */

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309) of `bytes`, as PNG chunks and ZIP entries use it. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) {
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Encodes an 8-bit RGBA bitmap (`width * height * 4` bytes, rows top to bottom) as a PNG.
 * Fully opaque images are stored as RGB (a quarter smaller). Every row uses the Sub filter,
 * which suits the smooth gradients our drawings are made of.
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError('PNG dimensions must be positive integers');
  }
  if (rgba.length !== width * height * 4) throw new RangeError('RGBA buffer has the wrong size');
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) {
      opaque = false;
      break;
    }
  }
  const channels = opaque ? 3 : 4;
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * (stride + 1);
    raw[rowStart] = 1; // Sub
    let src = y * width * 4;
    let dst = rowStart + 1;
    for (let x = 0; x < width; x++, src += 4) {
      for (let c = 0; c < channels; c++, dst++) {
        const value = rgba[src + c] as number;
        const left = x > 0 ? (rgba[src - 4 + c] as number) : 0;
        raw[dst] = (value - left) & 0xff;
      }
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = opaque ? 2 : 6; // colour type: RGB or RGBA
  // compression, filter method and interlace stay 0
  return concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export interface DecodedImage {
  width: number;
  height: number;
  /** 8-bit RGBA, `width * height * 4` bytes. */
  rgba: Uint8Array;
}

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes an 8-bit, non-interlaced PNG (greyscale, grey+alpha, RGB, RGBA or palette, all
 * five row filters) to RGBA. Throws on anything else (16-bit, interlaced, damaged data).
 */
export function decodePng(bytes: Uint8Array): DecodedImage {
  if (!isPng(bytes)) throw new Error('Not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  let palette: Uint8Array | null = null;
  let paletteAlpha: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    if (dataStart + length + 4 > bytes.length) throw new Error('Truncated PNG chunk');
    const data = bytes.subarray(dataStart, dataStart + length);
    if (type === 'IHDR') {
      width = view.getUint32(dataStart);
      height = view.getUint32(dataStart + 4);
      const depth = data[8];
      colourType = data[9] ?? -1;
      if (depth !== 8) throw new Error('Only 8-bit PNGs are supported');
      if (data[12] !== 0) throw new Error('Interlaced PNGs are not supported');
      if (!(colourType in CHANNELS)) throw new Error('Unknown PNG colour type');
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'tRNS') {
      paletteAlpha = data;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset = dataStart + length + 4;
  }
  if (width < 1 || height < 1 || idat.length === 0) throw new Error('Incomplete PNG');
  if (width * height > 40_000_000) throw new Error('PNG too large to decode');
  const channels = CHANNELS[colourType] as number;
  const stride = width * channels;
  const raw = unzlibSync(concat(idat));
  if (raw.length < (stride + 1) * height) throw new Error('PNG image data is truncated');

  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] as number;
      const a = i >= channels ? (pixels[dst + i - channels] as number) : 0;
      const b = y > 0 ? (pixels[dst - stride + i] as number) : 0;
      const c = y > 0 && i >= channels ? (pixels[dst - stride + i - channels] as number) : 0;
      let value: number;
      switch (filter) {
        case 0:
          value = x;
          break;
        case 1:
          value = x + a;
          break;
        case 2:
          value = x + b;
          break;
        case 3:
          value = x + ((a + b) >> 1);
          break;
        case 4:
          value = x + paeth(a, b, c);
          break;
        default:
          throw new Error('Unknown PNG row filter');
      }
      pixels[dst + i] = value & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0, s = 0; p < width * height; p++, s += channels) {
    const o = p * 4;
    switch (colourType) {
      case 0:
        rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[s] as number;
        rgba[o + 3] = 255;
        break;
      case 4:
        rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[s] as number;
        rgba[o + 3] = pixels[s + 1] as number;
        break;
      case 2:
        rgba[o] = pixels[s] as number;
        rgba[o + 1] = pixels[s + 1] as number;
        rgba[o + 2] = pixels[s + 2] as number;
        rgba[o + 3] = 255;
        break;
      case 6:
        rgba[o] = pixels[s] as number;
        rgba[o + 1] = pixels[s + 1] as number;
        rgba[o + 2] = pixels[s + 2] as number;
        rgba[o + 3] = pixels[s + 3] as number;
        break;
      default: {
        const index = pixels[s] as number;
        if (!palette || index * 3 + 2 >= palette.length) throw new Error('Bad PNG palette index');
        rgba[o] = palette[index * 3] as number;
        rgba[o + 1] = palette[index * 3 + 1] as number;
        rgba[o + 2] = palette[index * 3 + 2] as number;
        rgba[o + 3] = paletteAlpha?.[index] ?? 255;
      }
    }
  }
  return { width, height, rgba };
}

/**
 * Box-averages an RGBA bitmap down so that its longer side is at most `maxSide` (never
 * upscales). Used for thumbnails and for fitting a source image into a video frame.
 */
export function downscale(image: DecodedImage, maxSide: number): DecodedImage {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) return image;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * image.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = y0; sy < y1; sy++) {
        let i = (sy * image.width + x0) * 4;
        for (let sx = x0; sx < x1; sx++, i += 4) {
          r += image.rgba[i] as number;
          g += image.rgba[i + 1] as number;
          b += image.rgba[i + 2] as number;
          a += image.rgba[i + 3] as number;
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      out[o] = Math.round(r / count);
      out[o + 1] = Math.round(g / count);
      out[o + 2] = Math.round(b / count);
      out[o + 3] = Math.round(a / count);
    }
  }
  return { width, height, rgba: out };
}

/**
 * A PNG thumbnail whose longer side is at most `maxSide`, or null when the PNG is a variant
 * `decodePng` does not read (16-bit, interlaced) or is damaged.
 */
export function thumbnailPng(bytes: Uint8Array, maxSide = 256): Uint8Array | null {
  let image: DecodedImage;
  try {
    image = decodePng(bytes);
  } catch {
    return null;
  }
  const small = downscale(image, maxSide);
  return encodePng(small.width, small.height, small.rgba);
}
