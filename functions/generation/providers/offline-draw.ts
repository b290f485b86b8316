/**
 * The offline painter: a tiny RGBA raster with soft shapes, gradients and a 5x7 bitmap font,
 * and the procedural scenes the offline image and video providers draw from a prompt hash.
 * Scenes take a time `t` in [0, 1) so the same picture can move for the offline video.
 */
import { prng } from '../encoders/wav';

export type Rgb = readonly [number, number, number];

export interface Canvas {
  width: number;
  height: number;
  /** RGBA, `width * height * 4`; clamped so that blending and grain never wrap around. */
  data: Uint8ClampedArray;
}

/** The canvas's pixels as the Uint8Array the encoders take (a view, no copy). */
export function pixelsOf(canvas: Canvas): Uint8Array {
  return new Uint8Array(canvas.data.buffer, canvas.data.byteOffset, canvas.data.byteLength);
}

/** A 32-bit FNV-1a hash of a string, mixed with extra numbers (seed, index). */
export function hashOf(text: string, ...extra: number[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  for (const n of extra) {
    h ^= n | 0;
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

export function createCanvas(width: number, height: number): Canvas {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}

/** HSL (hue in degrees, saturation and lightness in [0, 1]) to RGB 0–255. */
export function hsl(h: number, s: number, l: number): Rgb {
  const hue = (((h % 360) + 360) % 360) / 360;
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t0: number) => {
    const t = (t0 + 1) % 1;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return [
    Math.round(channel(hue + 1 / 3) * 255),
    Math.round(channel(hue) * 255),
    Math.round(channel(hue - 1 / 3) * 255),
  ];
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function blend(canvas: Canvas, index: number, color: Rgb, alpha: number): void {
  if (alpha <= 0) return;
  const a = Math.min(1, alpha);
  const d = canvas.data;
  d[index] = (d[index] as number) + (color[0] - (d[index] as number)) * a;
  d[index + 1] = (d[index + 1] as number) + (color[1] - (d[index + 1] as number)) * a;
  d[index + 2] = (d[index + 2] as number) + (color[2] - (d[index + 2] as number)) * a;
}

/** Fills the canvas with a linear gradient through `stops` along `angle` (radians). */
export function linearGradient(canvas: Canvas, stops: Rgb[], angle: number): void {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const { width, height } = canvas;
  const span = Math.abs(dx) * width + Math.abs(dy) * height;
  const origin = Math.min(0, dx * width) + Math.min(0, dy * height);
  const segments = stops.length - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(0.9999, Math.max(0, (x * dx + y * dy - origin) / span));
      const k = Math.floor(t * segments);
      const color = mix(stops[k] as Rgb, stops[k + 1] as Rgb, t * segments - k);
      const i = (y * width + x) * 4;
      canvas.data[i] = color[0];
      canvas.data[i + 1] = color[1];
      canvas.data[i + 2] = color[2];
    }
  }
}

/** A soft-edged disc, optionally glowing (a radial falloff around it). */
export function disc(
  canvas: Canvas,
  cx: number,
  cy: number,
  radius: number,
  color: Rgb,
  alpha: number,
  options: { softness?: number; glow?: number } = {},
): void {
  const softness = Math.max(1, options.softness ?? 1.5);
  const glow = options.glow ?? 0;
  const reach = radius + softness + glow;
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(canvas.width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(canvas.height - 1, Math.ceil(cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x - cx, y - cy);
      let a = d <= radius ? 1 : d <= radius + softness ? 1 - (d - radius) / softness : 0;
      if (glow > 0 && d > radius && d < radius + glow) {
        a = Math.max(a, 0.45 * (1 - (d - radius) / glow) ** 2);
      }
      if (a > 0) blend(canvas, (y * canvas.width + x) * 4, color, a * alpha);
    }
  }
}

/** Fills everything below the curve `top(x)` with a vertical gradient from `color` to `bottom`. */
export function fillBelow(
  canvas: Canvas,
  top: (x: number) => number,
  color: Rgb,
  bottom: Rgb,
  alpha = 1,
): void {
  const { width, height } = canvas;
  for (let x = 0; x < width; x++) {
    const edge = top(x);
    const start = Math.max(0, Math.floor(edge));
    for (let y = start; y < height; y++) {
      const cover = y === start ? Math.min(1, start + 1 - edge) : 1;
      const shade = mix(color, bottom, (y - edge) / Math.max(1, height - edge));
      blend(canvas, (y * width + x) * 4, shade, cover * alpha);
    }
  }
}

/** A filled, axis-aligned rectangle. */
export function rect(
  canvas: Canvas,
  x: number,
  y: number,
  w: number,
  h: number,
  color: Rgb,
  alpha: number,
): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(canvas.width, Math.round(x + w));
  const y1 = Math.min(canvas.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) blend(canvas, (yy * canvas.width + xx) * 4, color, alpha);
  }
}

/** A rotated square outline (for the geometric scene). */
function squareOutline(
  canvas: Canvas,
  cx: number,
  cy: number,
  half: number,
  angle: number,
  thickness: number,
  color: Rgb,
  alpha: number,
): void {
  const reach = half * Math.SQRT2 + thickness;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(canvas.width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(canvas.height - 1, Math.ceil(cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const u = (x - cx) * cos + (y - cy) * sin;
      const v = -(x - cx) * sin + (y - cy) * cos;
      const d = Math.abs(Math.max(Math.abs(u), Math.abs(v)) - half);
      if (d < thickness)
        blend(canvas, (y * canvas.width + x) * 4, color, alpha * (1 - d / thickness));
    }
  }
}

// 5x7 glyphs, one row per string, "#" = ink. Enough for labels in capitals.
const FONT: Record<string, string[]> = {
  A: [' ### ', '#   #', '#   #', '#####', '#   #', '#   #', '#   #'],
  B: ['#### ', '#   #', '#   #', '#### ', '#   #', '#   #', '#### '],
  C: [' ### ', '#   #', '#    ', '#    ', '#    ', '#   #', ' ### '],
  D: ['#### ', '#   #', '#   #', '#   #', '#   #', '#   #', '#### '],
  E: ['#####', '#    ', '#    ', '#### ', '#    ', '#    ', '#####'],
  F: ['#####', '#    ', '#    ', '#### ', '#    ', '#    ', '#    '],
  G: [' ### ', '#   #', '#    ', '# ###', '#   #', '#   #', ' ####'],
  H: ['#   #', '#   #', '#   #', '#####', '#   #', '#   #', '#   #'],
  I: [' ### ', '  #  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  J: ['  ###', '   # ', '   # ', '   # ', '   # ', '#  # ', ' ##  '],
  K: ['#   #', '#  # ', '# #  ', '##   ', '# #  ', '#  # ', '#   #'],
  L: ['#    ', '#    ', '#    ', '#    ', '#    ', '#    ', '#####'],
  M: ['#   #', '## ##', '# # #', '# # #', '#   #', '#   #', '#   #'],
  N: ['#   #', '##  #', '# # #', '#  ##', '#   #', '#   #', '#   #'],
  O: [' ### ', '#   #', '#   #', '#   #', '#   #', '#   #', ' ### '],
  P: ['#### ', '#   #', '#   #', '#### ', '#    ', '#    ', '#    '],
  Q: [' ### ', '#   #', '#   #', '#   #', '# # #', '#  # ', ' ## #'],
  R: ['#### ', '#   #', '#   #', '#### ', '# #  ', '#  # ', '#   #'],
  S: [' ####', '#    ', '#    ', ' ### ', '    #', '    #', '#### '],
  T: ['#####', '  #  ', '  #  ', '  #  ', '  #  ', '  #  ', '  #  '],
  U: ['#   #', '#   #', '#   #', '#   #', '#   #', '#   #', ' ### '],
  V: ['#   #', '#   #', '#   #', '#   #', '#   #', ' # # ', '  #  '],
  W: ['#   #', '#   #', '#   #', '# # #', '# # #', '## ##', '#   #'],
  X: ['#   #', '#   #', ' # # ', '  #  ', ' # # ', '#   #', '#   #'],
  Y: ['#   #', '#   #', ' # # ', '  #  ', '  #  ', '  #  ', '  #  '],
  Z: ['#####', '    #', '   # ', '  #  ', ' #   ', '#    ', '#####'],
  '0': [' ### ', '#   #', '#  ##', '# # #', '##  #', '#   #', ' ### '],
  '1': ['  #  ', ' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  '2': [' ### ', '#   #', '    #', '   # ', '  #  ', ' #   ', '#####'],
  '3': ['#####', '   # ', '  #  ', '   # ', '    #', '#   #', ' ### '],
  '4': ['   # ', '  ## ', ' # # ', '#  # ', '#####', '   # ', '   # '],
  '5': ['#####', '#    ', '#### ', '    #', '    #', '#   #', ' ### '],
  '6': ['  ## ', ' #   ', '#    ', '#### ', '#   #', '#   #', ' ### '],
  '7': ['#####', '    #', '   # ', '  #  ', ' #   ', ' #   ', ' #   '],
  '8': [' ### ', '#   #', '#   #', ' ### ', '#   #', '#   #', ' ### '],
  '9': [' ### ', '#   #', '#   #', ' ####', '    #', '   # ', ' ##  '],
  ' ': ['     ', '     ', '     ', '     ', '     ', '     ', '     '],
  '-': ['     ', '     ', '     ', '#####', '     ', '     ', '     '],
  '.': ['     ', '     ', '     ', '     ', '     ', ' ##  ', ' ##  '],
  ':': ['     ', ' ##  ', ' ##  ', '     ', ' ##  ', ' ##  ', '     '],
};

/** Width in pixels of `text` in the bitmap font at `scale`. */
export function textWidth(text: string, scale: number): number {
  return Math.max(0, text.length * 6 - 1) * scale;
}

/** Draws `text` (capitals, digits, space, - . :) with its top-left corner at (x, y). */
export function drawText(
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: Rgb,
): void {
  let penX = Math.round(x);
  for (const char of text.toUpperCase()) {
    const glyph = FONT[char] ?? FONT[' '];
    glyph?.forEach((row, gy) => {
      for (let gx = 0; gx < 5; gx++) {
        if (row[gx] === '#')
          rect(canvas, penX + gx * scale, y + gy * scale, scale, scale, color, 1);
      }
    });
    penX += 6 * scale;
  }
}

/** Stamps a legible label (dark plate, light text) in the bottom-left corner. */
export function stampLabel(canvas: Canvas, label: string): void {
  const scale = Math.max(1, Math.round(Math.min(canvas.width, canvas.height) / 170));
  const pad = 3 * scale;
  const w = textWidth(label, scale) + pad * 2;
  const h = 7 * scale + pad * 2;
  const margin = 4 * scale;
  const top = canvas.height - margin - h;
  rect(canvas, margin, top, w, h, [12, 12, 18], 0.72);
  drawText(canvas, label, margin + pad, top + pad, scale, [255, 255, 255]);
}

export type SceneKind = 'landscape' | 'orbs' | 'waves' | 'geometric';
const SCENES: SceneKind[] = ['landscape', 'orbs', 'waves', 'geometric'];

/** What a scene is drawn from: a hash, a palette, and a kind. */
export interface SceneSpec {
  seed: number;
  kind: SceneKind;
  /** Five colours, dark to light-ish: background stops first, accents last. */
  palette: Rgb[];
}

const word = (words: string) => new RegExp(`(?<!\\p{L})(?:${words})`, 'iu');
const HINTS: [RegExp, SceneKind][] = [
  [
    word('logo|abstract|abstrait|geometr|géométr|architect|city|ville|tech|pattern|motif|minimal'),
    'geometric',
  ],
  [
    word(
      'mountain|montagne|landscape|paysage|sunset|coucher|sunrise|forest|forêt|valley|vallée|hill|colline|desert|désert',
    ),
    'landscape',
  ],
  [word('ocean|océan|sea|mer|wave|vague|river|rivière|lake|lac|water|eau|beach|plage'), 'waves'],
  [
    word(
      'space|espace|planet|planète|stars?\\b|étoile|bubble|bulle|light|lumière|galax|night|nuit|dream|rêve',
    ),
    'orbs',
  ],
];

/** A scene for a prompt: the kind follows words in the prompt when it names one, else the hash. */
export function sceneFor(
  prompt: string,
  seed: number,
  style: 'vivid' | 'natural',
  sourcePalette?: Rgb[],
): SceneSpec {
  const random = prng(seed);
  const hinted = HINTS.find(([pattern]) => pattern.test(prompt))?.[1];
  const kind = hinted ?? (SCENES[seed % SCENES.length] as SceneKind);
  if (sourcePalette && sourcePalette.length >= 5) return { seed, kind, palette: sourcePalette };
  const hue = random() * 360;
  const spread = [30, 150, 180, 210][Math.floor(random() * 4)] as number;
  const sat = style === 'vivid' ? 0.65 + random() * 0.3 : 0.25 + random() * 0.25;
  const palette: Rgb[] = [
    hsl(hue, sat * 0.8, 0.12 + random() * 0.08),
    hsl(hue + 20, sat, 0.32 + random() * 0.1),
    hsl(hue + spread * 0.5, sat, 0.55 + random() * 0.1),
    hsl(hue + spread, sat, 0.62 + random() * 0.1),
    hsl(hue + spread + 30, Math.min(1, sat + 0.1), 0.82 + random() * 0.08),
  ];
  return { seed, kind, palette };
}

/** Five representative colours of an image, dark to light, for variations of it. */
export function paletteFromImage(rgba: Uint8Array): Rgb[] {
  const colours: Rgb[] = [];
  const step = Math.max(1, Math.floor(rgba.length / 4 / 4096)) * 4;
  for (let i = 0; i + 3 < rgba.length; i += step) {
    colours.push([rgba[i] as number, rgba[i + 1] as number, rgba[i + 2] as number]);
  }
  const luma = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
  colours.sort((a, b) => luma(a) - luma(b));
  return [0.05, 0.3, 0.55, 0.75, 0.95].map((q) => {
    // Average a small window around each quantile: one stray pixel must not set the colour.
    const center = Math.floor(q * (colours.length - 1));
    const from = Math.max(0, center - 8);
    const to = Math.min(colours.length, center + 9);
    const sum = [0, 0, 0];
    for (let i = from; i < to; i++) {
      const c = colours[i] as Rgb;
      sum[0] = (sum[0] as number) + c[0];
      sum[1] = (sum[1] as number) + c[1];
      sum[2] = (sum[2] as number) + c[2];
    }
    const n = Math.max(1, to - from);
    return [(sum[0] as number) / n, (sum[1] as number) / n, (sum[2] as number) / n] as Rgb;
  });
}

/**
 * Draws the scene at time `t` in [0, 1): each moving part completes whole cycles over the
 * loop, so the last frame of a video flows into the first.
 */
export function drawScene(canvas: Canvas, scene: SceneSpec, t = 0): void {
  const random = prng(scene.seed ^ 0x9e3779b9);
  const { width: w, height: h } = canvas;
  const [c0, c1, c2, c3, c4] = scene.palette as [Rgb, Rgb, Rgb, Rgb, Rgb];
  const turn = 2 * Math.PI * t;
  const minSide = Math.min(w, h);

  if (scene.kind === 'landscape') {
    linearGradient(canvas, [c1, c3, c4], Math.PI / 2);
    const sunX = w * (0.25 + random() * 0.5) + Math.sin(turn) * w * 0.04;
    const sunY = h * (0.25 + random() * 0.15) + Math.cos(turn) * h * 0.02;
    disc(canvas, sunX, sunY, minSide * (0.08 + random() * 0.05), c4, 0.95, {
      softness: 2,
      glow: minSide * 0.25,
    });
    const layers = 4;
    for (let layer = 0; layer < layers; layer++) {
      const depth = layer / (layers - 1);
      const base = h * (0.45 + depth * 0.35);
      const amp = h * (0.05 + random() * 0.08) * (1 - depth * 0.4);
      const f1 = (1.5 + random() * 2.5) / w;
      const f2 = (5 + random() * 6) / w;
      const p1 = random() * 6.28;
      const p2 = random() * 6.28;
      const drift = turn * (layer + 1) * 0.25;
      const top = mix(c2, c0, 0.3 + depth * 0.7);
      fillBelow(
        canvas,
        (x) =>
          base -
          amp * Math.sin(x * f1 * 6.28 + p1 + drift) -
          amp * 0.35 * Math.sin(x * f2 * 6.28 + p2 - drift),
        top,
        mix(top, c0, 0.6),
      );
    }
  } else if (scene.kind === 'waves') {
    linearGradient(canvas, [c4, c3, c1], Math.PI / 2);
    const bands = 6;
    for (let band = 0; band < bands; band++) {
      const depth = band / (bands - 1);
      const base = h * (0.35 + depth * 0.55);
      const amp = h * (0.025 + random() * 0.04);
      const freq = (2 + random() * 3) / w;
      const phase = random() * 6.28;
      const colour = mix(c2, c0, depth);
      const speed = band % 2 === 0 ? 1 : -1;
      fillBelow(
        canvas,
        (x) => base + amp * Math.sin(x * freq * 6.28 + phase + speed * turn),
        colour,
        mix(colour, c0, 0.5),
        0.85,
      );
    }
    disc(canvas, w * (0.2 + random() * 0.6), h * 0.18, minSide * 0.07, c4, 0.9, {
      glow: minSide * 0.18,
    });
  } else if (scene.kind === 'orbs') {
    linearGradient(canvas, [c0, c1, c0], random() * Math.PI);
    const count = 10 + Math.floor(random() * 8);
    for (let k = 0; k < count; k++) {
      const x = random() * w;
      const y = random() * h;
      const orbit = minSide * (0.02 + random() * 0.06);
      const phase = random() * 6.28;
      const loops = 1 + Math.floor(random() * 2);
      const colour = [c2, c3, c4][k % 3] as Rgb;
      disc(
        canvas,
        x + Math.cos(turn * loops + phase) * orbit,
        y + Math.sin(turn * loops + phase) * orbit,
        minSide * (0.03 + random() * 0.12),
        colour,
        0.35 + random() * 0.45,
        { softness: minSide * 0.02, glow: minSide * 0.05 },
      );
    }
    for (let k = 0; k < 60; k++) {
      const twinkle = 0.5 + 0.5 * Math.sin(turn * 2 + k);
      disc(canvas, random() * w, random() * h, 0.8, c4, 0.4 + 0.5 * twinkle);
    }
  } else {
    linearGradient(canvas, [c0, c1, c2], Math.PI / 4 + random());
    const cx = w * (0.35 + random() * 0.3);
    const cy = h * (0.35 + random() * 0.3);
    const rings = 7;
    for (let k = rings; k >= 1; k--) {
      const colour = [c2, c3, c4][k % 3] as Rgb;
      const spin = (k % 2 === 0 ? 1 : -1) * (turn / 4) + k * 0.2;
      squareOutline(canvas, cx, cy, (k * minSide) / 16, spin, minSide / 90 + 1, colour, 0.8);
    }
    disc(canvas, cx, cy, minSide / 22, c4, 0.95, { glow: minSide * 0.12 });
  }

  // Vignette and fine grain: the drawing reads as an image, not as flat vector shapes.
  const grain = prng(scene.seed + 7);
  const maxD = Math.hypot(w / 2, h / 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const v = 1 - 0.35 * (Math.hypot(x - w / 2, y - h / 2) / maxD) ** 2;
      const n = (grain() - 0.5) * 6;
      canvas.data[i] = (canvas.data[i] as number) * v + n;
      canvas.data[i + 1] = (canvas.data[i + 1] as number) * v + n;
      canvas.data[i + 2] = (canvas.data[i + 2] as number) * v + n;
    }
  }
}
