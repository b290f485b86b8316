import { ApiError } from '../platform/errors';

/** What a file's bytes show it to be; several declared types can share one family. */
export type MediaFamily =
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'mp3'
  | 'wav'
  | 'ogg'
  | 'mp4'
  | 'webm'
  | 'pdf'
  | 'epub'
  | 'zip'
  | 'text';

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'other';

interface AcceptedType {
  /** The type stored and served for this declared type (aliases are normalised). */
  canonical: string;
  /** Families whose bytes satisfy this declared type. */
  families: readonly MediaFamily[];
}

/** Every type the media manager accepts, by the Content-Type a client may declare. */
const ACCEPTED: Record<string, AcceptedType> = {
  'image/png': { canonical: 'image/png', families: ['png'] },
  'image/jpeg': { canonical: 'image/jpeg', families: ['jpeg'] },
  'image/jpg': { canonical: 'image/jpeg', families: ['jpeg'] },
  'image/gif': { canonical: 'image/gif', families: ['gif'] },
  'image/webp': { canonical: 'image/webp', families: ['webp'] },
  'audio/mpeg': { canonical: 'audio/mpeg', families: ['mp3'] },
  'audio/mp3': { canonical: 'audio/mpeg', families: ['mp3'] },
  'audio/wav': { canonical: 'audio/wav', families: ['wav'] },
  'audio/wave': { canonical: 'audio/wav', families: ['wav'] },
  'audio/x-wav': { canonical: 'audio/wav', families: ['wav'] },
  'audio/ogg': { canonical: 'audio/ogg', families: ['ogg'] },
  'audio/opus': { canonical: 'audio/ogg', families: ['ogg'] },
  'application/ogg': { canonical: 'audio/ogg', families: ['ogg'] },
  'video/ogg': { canonical: 'video/ogg', families: ['ogg'] },
  'audio/mp4': { canonical: 'audio/mp4', families: ['mp4'] },
  'audio/x-m4a': { canonical: 'audio/mp4', families: ['mp4'] },
  'video/mp4': { canonical: 'video/mp4', families: ['mp4'] },
  'video/quicktime': { canonical: 'video/quicktime', families: ['mp4'] },
  'video/webm': { canonical: 'video/webm', families: ['webm'] },
  'audio/webm': { canonical: 'audio/webm', families: ['webm'] },
  'application/pdf': { canonical: 'application/pdf', families: ['pdf'] },
  'application/epub+zip': { canonical: 'application/epub+zip', families: ['epub'] },
  'application/zip': { canonical: 'application/zip', families: ['zip', 'epub'] },
  'text/plain': { canonical: 'text/plain', families: ['text'] },
  'text/markdown': { canonical: 'text/markdown', families: ['text'] },
  'text/csv': { canonical: 'text/csv', families: ['text'] },
  'application/json': { canonical: 'application/json', families: ['text'] },
};

/** The declared types the upload routes accept (aliases included). */
export const ACCEPTED_MEDIA_TYPES = Object.keys(ACCEPTED);

const FAMILY_LABEL: Record<MediaFamily, string> = {
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gif: 'a GIF image',
  webp: 'a WebP image',
  mp3: 'MP3 audio',
  wav: 'WAV audio',
  ogg: 'an Ogg file',
  mp4: 'an MP4/QuickTime file',
  webm: 'a WebM file',
  pdf: 'a PDF',
  epub: 'an EPUB book',
  zip: 'a ZIP archive',
  text: 'UTF-8 text',
};

const EPUB_MIMETYPE = 'mimetypeapplication/epub+zip';

/** The bare, lower-case media type of a Content-Type header ("Text/Plain; charset=x" → "text/plain"). */
export function bareType(header: string | null | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The family a file's first bytes show, by magic numbers, or 'text' when they decode as
 * UTF-8 without NUL bytes, or null. `partial` says the bytes are only the start of the file,
 * so a multi-byte character cut at the end is not an error.
 */
export function sniffFamily(bytes: Uint8Array, partial = false): MediaFamily | null {
  const at = (sig: readonly number[], offset = 0) =>
    bytes.length >= offset + sig.length && sig.every((byte, i) => bytes[offset + i] === byte);
  const ascii = (text: string, offset = 0) =>
    at(
      [...text].map((ch) => ch.charCodeAt(0)),
      offset,
    );
  if (at([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (at([0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'webp';
  if (ascii('RIFF') && ascii('WAVE', 8)) return 'wav';
  if (ascii('ID3')) return 'mp3';
  // MPEG audio frame sync: 11 set bits, then a version that is not "reserved" and a layer
  // that is not 0 (which would be AAC in ADTS framing).
  const b1 = bytes[1] ?? 0;
  if (bytes[0] === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x18) !== 0x08 && (b1 & 0x06) !== 0) {
    return 'mp3';
  }
  if (ascii('OggS')) return 'ogg';
  if (ascii('ftyp', 4)) return 'mp4';
  if (at([0x1a, 0x45, 0xdf, 0xa3])) return 'webm';
  if (ascii('%PDF-')) return 'pdf';
  if (at([0x50, 0x4b, 0x03, 0x04])) return ascii(EPUB_MIMETYPE, 30) ? 'epub' : 'zip';
  if (bytes.length === 0) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial });
    return text.includes('\u0000') ? null : 'text';
  } catch {
    return null;
  }
}

/** The media kind shown in the manager for a content type. */
export function kindOf(contentType: string): MediaKind {
  const type = bareType(contentType);
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/') || type === 'application/ogg') return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (
    type === 'application/pdf' ||
    type === 'application/epub+zip' ||
    type === 'application/json' ||
    type.startsWith('text/')
  ) {
    return 'document';
  }
  return 'other';
}

/**
 * The canonical type of an accepted declared type; 415 for any other type, so nothing the
 * manager cannot show (HTML, SVG, executables) is ever stored.
 */
export function acceptedType(declared: string): string {
  const accepted = ACCEPTED[bareType(declared)];
  if (!accepted) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Files of type "${bareType(declared) || 'none'}" are not accepted. Upload images (PNG, JPEG, GIF, WebP), audio (MP3, WAV, Ogg, M4A), video (MP4, MOV, WebM), PDF, EPUB, ZIP, or UTF-8 text, Markdown, CSV or JSON.`,
    );
  }
  return accepted.canonical;
}

/**
 * Checks bytes against the declared type: 415 when the type is not accepted or the content
 * is something else. Returns the canonical type to store.
 */
export function checkContent(declared: string, bytes: Uint8Array, partial = false): string {
  const canonical = acceptedType(declared);
  if (bytes.length === 0) throw new ApiError('BAD_REQUEST', 'The file is empty.');
  const accepted = ACCEPTED[bareType(declared)] as AcceptedType;
  const family = sniffFamily(bytes, partial);
  if (!family || !accepted.families.includes(family)) {
    const found = family ? FAMILY_LABEL[family] : 'binary data of an unknown type';
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      `The file was declared as ${bareType(declared)} but its content is ${found}.`,
    );
  }
  return canonical;
}
