import { z } from '@hono/zod-openapi';
import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import { conversations, messages } from '../../db/schema';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import {
  type ConversationRow,
  loadMessages,
  type MessageRow,
  pathTo,
  requireConversation,
  toConversation,
} from './conversations';
import { MAX_MESSAGE_CHARS } from './schemas';

export const EXPORT_FORMAT = 'webox.conversation.v1';
/** Largest conversation file accepted by import. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_PATH = '/api/conversations/import';
const IMPORT_MAX_MESSAGES = 5_000;

/** The JSON export: every branch, so an import gives back the same tree. */
export const ConversationFileSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    conversation: z.object({
      title: z.string().trim().min(1).max(200),
      agentId: z.string().max(64).nullable().optional(),
      model: z.string().max(120).nullable().optional(),
      createdAt: z.string().datetime().optional(),
      activeLeafId: z.string().max(64).nullable().optional(),
    }),
    messages: z
      .array(
        z.object({
          id: z.string().min(1).max(64),
          parentId: z.string().min(1).max(64).nullable(),
          batchId: z.string().min(1).max(64).nullable().optional(),
          role: z.enum(['user', 'assistant']),
          content: z.string().max(MAX_MESSAGE_CHARS * 2),
          model: z.string().max(120).nullable().optional(),
          provider: z
            .enum(['openai', 'anthropic', 'google', 'mistral', 'groq', 'offline'])
            .nullable()
            .optional(),
          status: z.enum(['streaming', 'complete', 'stopped', 'failed']).optional(),
          createdAt: z.string().datetime().optional(),
        }),
      )
      .max(IMPORT_MAX_MESSAGES),
  })
  .openapi('ConversationFile');

export type ConversationFile = z.infer<typeof ConversationFileSchema>;

/** Parents before children (ties in time cannot put a reply before its message). */
function parentsFirst(rows: MessageRow[]): MessageRow[] {
  const placed = new Set<string>();
  const out: MessageRow[] = [];
  let pending = rows;
  while (pending.length > 0) {
    for (const row of pending) {
      if (row.parentId === null || placed.has(row.parentId)) {
        out.push(row);
        placed.add(row.id);
      }
    }
    const next = pending.filter((row) => !placed.has(row.id));
    // Rows whose parent is missing (cannot happen with the foreign key) are dropped.
    if (next.length === pending.length) break;
    pending = next;
  }
  return out;
}

function toFile(conversation: ConversationRow, rows: MessageRow[]): ConversationFile {
  return {
    format: EXPORT_FORMAT,
    conversation: {
      title: conversation.title,
      agentId: conversation.agentId,
      model: conversation.model,
      createdAt: conversation.createdAt.toISOString(),
      activeLeafId: conversation.activeLeafId,
    },
    messages: parentsFirst(rows).map((row) => ({
      id: row.id,
      parentId: row.parentId,
      batchId: row.batchId,
      role: row.role,
      content: row.content,
      model: row.model,
      provider: row.provider,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
    })),
  };
}

function speaker(row: MessageRow): string {
  if (row.role === 'user') return 'You';
  const label = row.model ?? 'Assistant';
  return row.provider === 'offline' ? `${label} (offline)` : label;
}

function toMarkdown(conversation: ConversationRow, thread: MessageRow[]): string {
  const parts = [
    `# ${conversation.title}`,
    '',
    `_Exported from WeBox on ${new Date().toISOString()}_`,
    '',
  ];
  for (const row of thread) {
    const note = row.status === 'complete' ? '' : ` _(${row.status})_`;
    parts.push(`## ${speaker(row)}${note}`, '', row.content, '');
    for (const attachment of row.attachments) parts.push(`- 📎 ${attachment.name}`);
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

/** Replaces what the standard PDF fonts cannot draw (WinAnsi covers French accents). */
function drawable(font: PDFFont, text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      out += '?';
    }
  }
  return out;
}

function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(\s+)/)) {
      const candidate = line + word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) {
        line = candidate;
        // A single word wider than the page is cut by characters.
        while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
          let cut = line.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      } else {
        lines.push(line.trimEnd());
        line = word.trimStart();
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

async function toPdf(
  conversation: ConversationRow,
  thread: MessageRow[],
): Promise<Uint8Array<ArrayBuffer>> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(conversation.title);
  pdf.setProducer('WeBox');
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const [pageWidth, pageHeight, margin] = [595.28, 841.89, 50];
  const width = pageWidth - margin * 2;
  let page = pdf.addPage([pageWidth, pageHeight]);
  let y = pageHeight - margin;
  const line = (text: string, font: PDFFont, size: number, color = rgb(0.1, 0.1, 0.12)) => {
    if (y < margin + size) {
      page = pdf.addPage([pageWidth, pageHeight]);
      y = pageHeight - margin;
    }
    page.drawText(text, { x: margin, y: y - size, size, font, color });
    y -= size * 1.45;
  };
  for (const text of wrap(bold, 18, drawable(bold, conversation.title), width))
    line(text, bold, 18);
  y -= 8;
  for (const row of thread) {
    y -= 6;
    const note = row.status === 'complete' ? '' : ` (${row.status})`;
    line(drawable(bold, `${speaker(row)}${note}`), bold, 11, rgb(0.2, 0.3, 0.6));
    for (const text of wrap(regular, 10.5, drawable(regular, row.content), width)) {
      line(text, regular, 10.5);
    }
  }
  const pages = pdf.getPages();
  pages.forEach((p, index) => {
    p.drawText(`${index + 1} / ${pages.length}`, {
      x: pageWidth - margin - 30,
      y: 25,
      size: 8,
      font: regular,
      color: rgb(0.5, 0.5, 0.5),
    });
  });
  return new Uint8Array(await pdf.save());
}

function fileName(title: string, extension: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 60);
  return `${base || 'conversation'}.${extension}`;
}

/**
 * A conversation as a file: Markdown and PDF show the visible branch; JSON keeps every
 * branch so it can be imported back.
 */
export async function exportConversation(
  services: Services,
  userId: string,
  id: string,
  format: 'md' | 'json' | 'pdf',
): Promise<{ body: string | Uint8Array<ArrayBuffer>; contentType: string; fileName: string }> {
  const conversation = await requireConversation(services.db, userId, id);
  const rows = await loadMessages(services.db, id);
  const thread = pathTo(rows, conversation.activeLeafId);
  switch (format) {
    case 'json':
      return {
        body: JSON.stringify(toFile(conversation, rows), null, 2),
        contentType: 'application/json; charset=utf-8',
        fileName: fileName(conversation.title, 'json'),
      };
    case 'md':
      return {
        body: toMarkdown(conversation, thread),
        contentType: 'text/markdown; charset=utf-8',
        fileName: fileName(conversation.title, 'md'),
      };
    case 'pdf':
      return {
        body: await toPdf(conversation, thread),
        contentType: 'application/pdf',
        fileName: fileName(conversation.title, 'pdf'),
      };
  }
}

/**
 * Creates a conversation from an exported file, in one transaction: new ids, the same
 * tree. A parent must appear before its children; replies that were streaming when
 * exported come back as stopped. Imported messages are not billed again.
 */
export async function importConversation(
  services: Services,
  userId: string,
  file: ConversationFile,
) {
  const newIds = new Map<string, string>();
  for (const message of file.messages) {
    if (newIds.has(message.id)) {
      throw new ApiError('VALIDATION_FAILED', `body.messages: id "${message.id}" appears twice.`);
    }
    if (message.parentId !== null && !newIds.has(message.parentId)) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `body.messages: the parent of "${message.id}" must come before it.`,
      );
    }
    newIds.set(message.id, crypto.randomUUID());
  }
  const active = file.conversation.activeLeafId
    ? newIds.get(file.conversation.activeLeafId)
    : undefined;
  const lastId = file.messages.at(-1)?.id;
  const activeLeafId = active ?? (lastId ? newIds.get(lastId) : undefined) ?? null;
  const base = Date.now() - file.messages.length;
  // Batch ids are remapped consistently, whatever they pointed at in the source.
  const batchIds = new Map<string, string>();
  for (const message of file.messages) {
    if (message.batchId && !batchIds.has(message.batchId)) {
      batchIds.set(message.batchId, newIds.get(message.batchId) ?? crypto.randomUUID());
    }
  }
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(conversations)
      .values({
        userId,
        title: file.conversation.title,
        titleSource: 'user',
        agentId: file.conversation.agentId ?? null,
        model: file.conversation.model ?? null,
        activeLeafId,
      })
      .returning();
    if (!row) throw new ApiError('INTERNAL_SERVER_ERROR', 'The conversation was not imported.');
    const values = file.messages.map((message, index) => ({
      id: newIds.get(message.id) as string,
      conversationId: row.id,
      userId,
      parentId: message.parentId ? (newIds.get(message.parentId) ?? null) : null,
      batchId: message.batchId ? (batchIds.get(message.batchId) ?? null) : null,
      role: message.role,
      content: message.content,
      model: message.model ?? null,
      provider: message.provider ?? null,
      status:
        message.status === 'streaming' ? ('stopped' as const) : (message.status ?? 'complete'),
      // Keeps the file's order even when it carries no times: a branch's newest leaf stays newest.
      createdAt: message.createdAt ? new Date(message.createdAt) : new Date(base + index),
      completedAt: new Date(),
    }));
    for (let i = 0; i < values.length; i += 500) {
      await tx.insert(messages).values(values.slice(i, i + 500));
    }
    return toConversation(row);
  });
}
