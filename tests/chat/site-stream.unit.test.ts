import { describe, expect, it } from 'vitest';
import {
  type ChatStreamEvent,
  followChatStream,
  SseParser,
  toChatEvent,
} from '../../site/src/chat-stream';
import {
  buildTree,
  siblingUnits,
  type TreeMessage,
  threadSteps,
  unitTarget,
} from '../../site/src/components/chat/thread';

const encoder = new TextEncoder();

function frame(id: number, event: string, data: Record<string, unknown>): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A response whose body yields the chunks, then either ends or fails like a dropped link. */
function streamOf(chunks: string[], ending: 'close' | 'drop' = 'close'): Response {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk !== undefined) {
        controller.enqueue(encoder.encode(chunk));
      } else if (ending === 'drop') {
        controller.error(new TypeError('network error'));
      } else {
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

describe('SseParser', () => {
  it('parses events split anywhere, across CRLF and LF, skipping comments', () => {
    const text = `: keep-alive\r\n\r\nid: 7\r\nevent: delta\r\ndata: {"a":1}\r\n\r\nid: 8\ndata: line one\ndata: line two\n\n`;
    for (const size of [1, 2, 3, 5, 64]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < text.length; i += size)
        events.push(...parser.push(text.slice(i, i + size)));
      expect(events).toEqual([
        { id: '7', event: 'delta', data: '{"a":1}' },
        { id: '8', event: 'message', data: 'line one\nline two' },
      ]);
    }
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\nevent: start\ndata: {}')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ id: '1', event: 'start', data: '{}' }]);
  });
});

describe('toChatEvent', () => {
  it('reads the three chat events and refuses anything malformed', () => {
    expect(
      toChatEvent({ id: '3', event: 'delta', data: JSON.stringify({ turnId: 't', text: 'Hi' }) }),
    ).toEqual({ type: 'delta', id: 3, turnId: 't', text: 'Hi' });
    expect(
      toChatEvent({
        id: '4',
        event: 'done',
        data: JSON.stringify({
          turnId: 't',
          status: 'failed',
          inputTokens: 5,
          outputTokens: 0,
          estimated: true,
          costMicros: 0,
          error: { code: 'PROVIDER_ERROR', message: 'Boom' },
        }),
      }),
    ).toMatchObject({ type: 'done', status: 'failed', error: { message: 'Boom' } });
    expect(toChatEvent({ id: 'x', event: 'delta', data: '{"turnId":"t","text":"a"}' })).toBeNull();
    expect(toChatEvent({ id: '5', event: 'delta', data: 'not json' })).toBeNull();
    expect(toChatEvent({ id: '5', event: 'delta', data: '{"text":"no turn"}' })).toBeNull();
    expect(
      toChatEvent({ id: '5', event: 'done', data: '{"turnId":"t","status":"odd"}' }),
    ).toBeNull();
    expect(toChatEvent({ id: '5', event: 'other', data: '{"turnId":"t"}' })).toBeNull();
  });
});

describe('followChatStream', () => {
  it('reconnects after a drop from the last id seen, with no gap and no duplicate', async () => {
    const opened: number[] = [];
    const events: ChatStreamEvent[] = [];
    const responses = [
      streamOf(
        [
          frame(11, 'start', { turnId: 't', model: 'm' }),
          frame(12, 'delta', { turnId: 't', text: 'Hel' }),
        ],
        'drop',
      ),
      // The server resumes after 12; a repeated event is ignored all the same.
      streamOf([
        frame(12, 'delta', { turnId: 't', text: 'Hel' }),
        frame(13, 'delta', { turnId: 't', text: 'lo' }),
        frame(14, 'done', { turnId: 't', status: 'complete', outputTokens: 2 }),
      ]),
    ];
    const last = await followChatStream({
      after: 10,
      open: async (lastEventId) => {
        opened.push(lastEventId);
        const next = responses.shift();
        if (!next) throw new Error('opened too often');
        return next;
      },
      onEvent: (event) => events.push(event),
      signal: new AbortController().signal,
      retryDelay: () => 1,
    });
    expect(opened).toEqual([10, 12]);
    expect(last).toBe(14);
    expect(events.map((event) => event.id)).toEqual([11, 12, 13, 14]);
    expect(events.flatMap((event) => (event.type === 'delta' ? [event.text] : [])).join('')).toBe(
      'Hello',
    );
  });

  it('gives up after too many failed reconnections, and does not retry HTTP errors', async () => {
    let attempts = 0;
    await expect(
      followChatStream({
        after: 0,
        open: async () => {
          attempts++;
          throw new TypeError('Failed to fetch');
        },
        onEvent: () => undefined,
        signal: new AbortController().signal,
        maxRetries: 2,
        retryDelay: () => 1,
      }),
    ).rejects.toThrow('Failed to fetch');
    expect(attempts).toBe(3);

    let httpAttempts = 0;
    await expect(
      followChatStream({
        after: 0,
        open: async () => {
          httpAttempts++;
          throw new Error('404 No such conversation');
        },
        onEvent: () => undefined,
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow('404');
    expect(httpAttempts).toBe(1);
  });

  it('stops quietly when aborted', async () => {
    const controller = new AbortController();
    const result = followChatStream({
      after: 5,
      open: (_last, signal) =>
        new Promise<Response>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
      onEvent: () => undefined,
      signal: controller.signal,
    });
    controller.abort();
    await expect(result).resolves.toBe(5);
  });
});

describe('thread', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  // u1 → (a1, a2, a3 compared) ; a1 regenerated later as a4 ; u1 edited as u2 → a5
  const messages: TreeMessage[] = [
    { id: 'u1', parentId: null, role: 'user' as const, createdAt: at(0) },
    { id: 'a1', parentId: 'u1', role: 'assistant' as const, batchId: 'u1', createdAt: at(1) },
    { id: 'a2', parentId: 'u1', role: 'assistant' as const, batchId: 'u1', createdAt: at(2) },
    { id: 'a3', parentId: 'u1', role: 'assistant' as const, batchId: 'u1', createdAt: at(3) },
    // Regenerated within the same millisecond window would once have joined the compare.
    { id: 'a4', parentId: 'u1', role: 'assistant' as const, batchId: 'a4', createdAt: at(4) },
    { id: 'u2', parentId: null, role: 'user' as const, createdAt: at(20_000) },
    { id: 'a5', parentId: 'u2', role: 'assistant' as const, batchId: 'u2', createdAt: at(20_001) },
    { id: 'u3', parentId: 'a2', role: 'user' as const, createdAt: at(30_000) },
  ];
  const tree = buildTree(messages);

  it('groups replies sent together as one compare unit; regenerations stand alone', () => {
    const byId = (id: string) =>
      tree.byId.get(id) ?? { id, parentId: null, role: 'user', createdAt: '' };
    const units = siblingUnits(tree, byId('a1'));
    expect(units.map((unit) => unit.map((m) => m.id))).toEqual([['a1', 'a2', 'a3'], ['a4']]);
    expect(siblingUnits(tree, byId('u1')).map((unit) => unit[0]?.id)).toEqual(['u1', 'u2']);
    // Switching back to the compared answers lands on the one the conversation went on from.
    expect(unitTarget(tree, units[0] ?? [])?.id).toBe('a2');
    expect(unitTarget(tree, units[1] ?? [])?.id).toBe('a4');
  });

  it('walks the path to the active leaf, compare groups as one step', () => {
    const steps = threadSteps(tree, 'u3');
    expect(steps.map((step) => step.kind)).toEqual(['message', 'compare', 'message']);
    const compare = steps[1];
    expect(compare?.kind === 'compare' && compare.chosen.id).toBe('a2');
    expect(steps[0]).toMatchObject({ index: 0, units: [[{ id: 'u1' }], [{ id: 'u2' }]] });
    expect(threadSteps(tree, 'a4').map((step) => step.kind)).toEqual(['message', 'message']);
    expect(threadSteps(tree, 'a4')[1]).toMatchObject({ index: 1 });
    expect(threadSteps(tree, 'missing')).toEqual([]);
  });
});
