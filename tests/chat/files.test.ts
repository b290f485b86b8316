import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import { detail, newConversation, send, settled } from '../helpers/chat';

const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

async function upload(token: string, name: string, type: string, body: BodyInit) {
  return call(`/api/chat/attachments?name=${encodeURIComponent(name)}`, {
    token,
    body,
    headers: { 'Content-Type': type },
  });
}

async function pdfWithText(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage();
  page.drawText(text, { x: 50, y: 700, size: 12 });
  return new Uint8Array(await pdf.save());
}

describe('chat: attachments', () => {
  it('gives text, PDF and image files to the model as context', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    const text = await upload(
      token,
      'notes.md',
      'text/markdown',
      '# Budget\nThe budget is 4200 euros.',
    );
    expect(text.status).toBe(201);
    const textFile = await json<{ id: string; kind: string }>(text);
    expect(textFile.kind).toBe('text');
    const pdf = await upload(
      token,
      'brief.pdf',
      'application/pdf',
      await pdfWithText('Quarterly margin 17 percent'),
    );
    expect(pdf.status, await pdf.clone().text()).toBe(201);
    const pdfFile = await json<{ id: string }>(pdf);
    const image = await upload(token, 'pixel.png', 'image/png', PNG);
    const imageFile = await json<{ id: string; kind: string; size: number }>(image);
    expect(imageFile).toMatchObject({ kind: 'image', size: PNG.length });
    const back = await call(`/api/chat/attachments/${imageFile.id}`, { token });
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(PNG);

    const id = await newConversation(user);
    const started = await send(user, id, {
      content: 'Summarise these',
      model: 'offline/offline-detailed',
      attachmentIds: [textFile.id, pdfFile.id, imageFile.id],
    });
    expect(started.userMessage?.attachments.map((a) => a.name)).toEqual([
      'notes.md',
      'brief.pdf',
      'pixel.png',
    ]);
    const saved = await settled(user, id);
    const reply = saved.messages.find((m) => m.id === started.replies[0]?.id)?.content ?? '';
    // The offline model lists key terms of what it was given: words from both files.
    expect(reply).toMatch(/budget|4200/);
    expect(reply).toMatch(/quarterly|margin/);
    expect(reply).toMatch(/\| images \| 1 \|/);
  });

  it('refuses files whose content does not match their type, and empty or oversized ones', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    await expectProblem(
      await upload(token, 'fake.png', 'image/png', 'not an image'),
      422,
      'INVALID_IMAGE',
    );
    await expectProblem(
      await upload(token, 'fake.pdf', 'application/pdf', 'hello'),
      422,
      'INVALID_IMAGE',
    );
    await expectProblem(
      await upload(token, 'bin.txt', 'text/plain', new Uint8Array([0xff, 0xfe, 0x00])),
      422,
      'INVALID_IMAGE',
    );
    await expectProblem(await upload(token, 'empty.txt', 'text/plain', ''), 422, 'INVALID_IMAGE');
    await expectProblem(
      await upload(token, 'x.exe', 'application/x-msdownload', 'MZ'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(
      await upload(token, 'big.txt', 'text/plain', 'a'.repeat(10 * 1024 * 1024 + 1)),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
});

describe('chat: export and import', () => {
  it('exports Markdown, PDF and JSON, and imports the JSON back with every branch', async () => {
    const user = await registerUser();
    const token = user.accessToken;
    const id = await newConversation(user, { title: 'Café à Paris' });
    const first = await send(user, id, {
      content: 'Où boire un café ?',
      model: 'offline/offline-brief',
    });
    await settled(user, id);
    await call(`/api/conversations/${id}/messages/${first.replies[0]?.id}/regenerate`, {
      token,
      json: {},
    });
    await settled(user, id);

    const md = await call(`/api/conversations/${id}/export?format=md`, { token });
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.headers.get('content-disposition')).toContain(
      'attachment; filename="Cafe-a-Paris.md"',
    );
    const markdown = await md.text();
    expect(markdown).toContain('# Café à Paris');
    expect(markdown).toContain('Où boire un café ?');
    expect(markdown).toContain('(offline)');

    const pdfRes = await call(`/api/conversations/${id}/export?format=pdf`, { token });
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const pdf = await PDFDocument.load(new Uint8Array(await pdfRes.arrayBuffer()));
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.getTitle()).toBe('Café à Paris');

    const file = await json<{ messages: { role: string; batchId: string | null }[] }>(
      await call(`/api/conversations/${id}/export?format=json`, { token }),
    );
    const [, firstReply, secondReply] = file.messages;
    expect(firstReply?.batchId).not.toBe(secondReply?.batchId);
    expect(file.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'assistant']);
    const imported = await call('/api/conversations/import', { token, json: file });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const copy = await json<{ id: string; title: string }>(imported);
    expect(copy.title).toBe('Café à Paris');
    const original = await detail(user, id);
    const cloned = await detail(user, copy.id);
    expect(cloned.messages.map((m) => m.content)).toEqual(original.messages.map((m) => m.content));
    expect(cloned.messages.filter((m) => m.parentId === cloned.messages[0]?.id)).toHaveLength(2);
    const activeIndex = original.messages.findIndex(
      (m) => m.id === original.conversation.activeLeafId,
    );
    expect(cloned.conversation.activeLeafId).toBe(cloned.messages[activeIndex]?.id);

    await expectProblem(
      await call('/api/conversations/import', {
        token,
        json: { ...file, messages: [{ id: 'a', parentId: 'missing', role: 'user', content: 'x' }] },
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/conversations/import', { token, json: { format: 'other' } }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
