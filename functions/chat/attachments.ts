import { and, eq, inArray } from 'drizzle-orm';
import { chatAttachments, type MessageAttachment } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';

/** Largest file a chat message can carry. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Text given to a model from one file at most; longer files are cut with a note. */
export const MAX_EXTRACTED_CHARS = 200_000;
export const ATTACHMENT_PATH = '/api/chat/attachments';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const TEXT_TYPES = [
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/json',
  'application/pdf',
] as const;
export const ATTACHMENT_TYPES = [...IMAGE_TYPES, ...TEXT_TYPES] as const;

export type AttachmentRow = typeof chatAttachments.$inferSelect;

/** The image type a file's first bytes show, or null. */
function sniffImage(bytes: Uint8Array): string | null {
  const starts = (sig: number[], at = 0) => sig.every((byte, i) => bytes[at + i] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}

const unreadable = (detail: string) => new ApiError('INVALID_IMAGE', detail);

/** Text from a PDF with PDF.js (unpdf's serverless build), loaded on first use. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const { extractText, getDocumentProxy } = await import('../platform/pdf-reader');
  try {
    const pdf = await getDocumentProxy(bytes);
    const { text } = await extractText(pdf, { mergePages: true });
    return text;
  } catch {
    throw unreadable('This PDF could not be read; is it damaged or password-protected?');
  }
}

/**
 * Checks a file against its declared type by its content (an image's magic bytes, a PDF's
 * header, text that decodes as UTF-8) and extracts what a model is given.
 */
export async function inspectAttachment(
  bytes: Uint8Array,
  declaredType: string,
): Promise<{ kind: 'image' | 'text'; contentType: string; text: string | null }> {
  if ((IMAGE_TYPES as readonly string[]).includes(declaredType)) {
    const actual = sniffImage(bytes);
    if (actual !== declaredType) {
      throw unreadable(`The file is not a ${declaredType.slice(6).toUpperCase()} image.`);
    }
    return { kind: 'image', contentType: actual, text: null };
  }
  if (declaredType === 'application/pdf') {
    if (new TextDecoder().decode(bytes.slice(0, 5)) !== '%PDF-') {
      throw unreadable('The file is not a PDF.');
    }
    return { kind: 'text', contentType: declaredType, text: clipText(await pdfText(bytes)) };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable('Text files must be UTF-8.');
  }
  if (text.includes('\u0000')) throw unreadable('This looks like a binary file, not text.');
  return { kind: 'text', contentType: declaredType, text: clipText(text) };
}

function clipText(text: string): string {
  return text.length > MAX_EXTRACTED_CHARS
    ? `${text.slice(0, MAX_EXTRACTED_CHARS)}\n[… cut at ${MAX_EXTRACTED_CHARS} characters]`
    : text;
}

function cleanName(name: string | undefined): string {
  const base = [...(name ?? 'file')]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch === '/' || ch === '\\' ? '_' : ch))
    .join('')
    .trim();
  return base.slice(0, 120) || 'file';
}

/** Stores an uploaded file in R2 under the owner's prefix and records it. */
export async function saveAttachment(
  services: Services,
  userId: string,
  input: { bytes: Uint8Array; contentType: string; name?: string },
): Promise<MessageAttachment> {
  if (input.bytes.byteLength === 0) throw unreadable('The file is empty.');
  const checked = await inspectAttachment(input.bytes, input.contentType);
  const id = crypto.randomUUID();
  const r2Key = `users/${userId}/chat/${id}`;
  await services.media.put(r2Key, input.bytes, {
    httpMetadata: { contentType: checked.contentType },
  });
  const name = cleanName(input.name);
  try {
    await services.db.insert(chatAttachments).values({
      id,
      userId,
      r2Key,
      name,
      contentType: checked.contentType,
      size: input.bytes.byteLength,
      kind: checked.kind,
      extractedText: checked.text,
    });
  } catch (err) {
    await services.media.delete(r2Key);
    throw err;
  }
  return {
    id,
    name,
    contentType: checked.contentType,
    size: input.bytes.byteLength,
    kind: checked.kind,
  };
}

/** The caller's attachments by id; any id that is not theirs is a 404. */
export async function requireAttachments(
  services: Services,
  userId: string,
  ids: string[],
): Promise<AttachmentRow[]> {
  if (ids.length === 0) return [];
  const rows = await services.db
    .select()
    .from(chatAttachments)
    .where(and(eq(chatAttachments.userId, userId), inArray(chatAttachments.id, ids)));
  if (rows.length !== new Set(ids).size) throw new ApiError('NOT_FOUND', 'No such attachment.');
  return ids.map((id) => rows.find((row) => row.id === id) as AttachmentRow);
}

/** One attachment's bytes for its owner (thumbnails, downloads). */
export async function readAttachment(services: Services, userId: string, id: string) {
  const [row] = await requireAttachments(services, userId, [id]);
  const object = row ? await services.media.get(row.r2Key) : null;
  if (!row || !object) throw new ApiError('NOT_FOUND', 'No such attachment.');
  return { row, object };
}

/** Base64 of bytes, in chunks (String.fromCharCode on a large array overflows the stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
