/**
 * Reading a conversation's reply stream. EventSource cannot send the Authorization header,
 * so the stream is read with fetch and parsed here; after a network drop it reconnects with
 * Last-Event-ID, and the server resumes exactly after that event (no gap, no duplicate).
 * This module touches no DOM and no app state, so it runs under Node in unit tests.
 */

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** The last event id seen (ids carry over to later events, as the spec says). */
  id: string;
  event: string;
  data: string;
}

/**
 * An incremental Server-Sent Events parser (the WHATWG algorithm): feed it text as it
 * arrives, in chunks of any size; complete events come out, comments and partial lines wait.
 */
export class SseParser {
  private pending = '';
  private data: string[] = [];
  private type = '';
  private lastId = '';

  /** Parses one chunk; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    let text = this.pending + chunk;
    // A chunk may end between the \r and \n of one line break: keep the \r for next time.
    if (text.endsWith('\r')) {
      this.pending = '\r';
      text = text.slice(0, -1);
    } else {
      this.pending = '';
    }
    const lines = text.split(/\r\n|\r|\n/);
    this.pending = (lines.pop() ?? '') + this.pending;
    const events: SseEvent[] = [];
    for (const line of lines) {
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      const data = this.data;
      const type = this.type;
      this.data = [];
      this.type = '';
      if (data.length === 0) return null;
      return { id: this.lastId, event: type || 'message', data: data.join('\n') };
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return null;
  }
}

/** A reply began. */
export interface StartEvent {
  type: 'start';
  id: number;
  turnId: string;
  parentId: string;
  /** Shared by the replies of one send (compare). */
  batchId: string | null;
  model: string;
  displayName: string;
  provider: string;
  offline: boolean;
}

/** More text of a reply. */
export interface DeltaEvent {
  type: 'delta';
  id: number;
  turnId: string;
  text: string;
}

/** A reply ended, with its accounting. */
export interface DoneEvent {
  type: 'done';
  id: number;
  turnId: string;
  status: 'complete' | 'stopped' | 'failed';
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
  costMicros: number;
  error: { code: string; message: string } | null;
}

export type ChatStreamEvent = StartEvent | DeltaEvent | DoneEvent;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The typed chat event for an SSE event, or null for anything this client does not know. */
export function toChatEvent(event: SseEvent): ChatStreamEvent | null {
  const id = Number.parseInt(event.id, 10);
  if (!Number.isSafeInteger(id)) return null;
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return null;
  }
  if (!isRecord(data) || typeof data.turnId !== 'string') return null;
  const turnId = data.turnId;
  switch (event.event) {
    case 'start':
      return {
        type: 'start',
        id,
        turnId,
        parentId: String(data.parentId ?? ''),
        batchId: typeof data.batchId === 'string' ? data.batchId : null,
        model: String(data.model ?? ''),
        displayName: String(data.displayName ?? data.model ?? ''),
        provider: String(data.provider ?? ''),
        offline: data.offline === true,
      };
    case 'delta':
      return typeof data.text === 'string' ? { type: 'delta', id, turnId, text: data.text } : null;
    case 'done': {
      const status = data.status;
      if (status !== 'complete' && status !== 'stopped' && status !== 'failed') return null;
      const error =
        isRecord(data.error) &&
        typeof data.error.code === 'string' &&
        typeof data.error.message === 'string'
          ? { code: data.error.code, message: data.error.message }
          : null;
      return {
        type: 'done',
        id,
        turnId,
        status,
        inputTokens: Number(data.inputTokens ?? 0),
        outputTokens: Number(data.outputTokens ?? 0),
        estimated: data.estimated === true,
        costMicros: Number(data.costMicros ?? 0),
        error,
      };
    }
    default:
      return null;
  }
}

/** A failure to reach the stream (no answer, or the connection dropped): worth retrying. */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface FollowOptions {
  /**
   * Opens the stream after an event id (sent as Last-Event-ID). It should throw for an
   * HTTP error (those are not retried here) and let network failures (TypeError) through.
   */
  open(lastEventId: number, signal: AbortSignal): Promise<Response>;
  /** Start after this event id: 0 replays everything the server still holds. */
  after: number;
  onEvent(event: ChatStreamEvent): void;
  signal: AbortSignal;
  /** Reconnection attempts in a row before giving up (default 8). */
  maxRetries?: number;
  /** Delay before reconnection attempt n (1-based); default 250 ms doubling, at most 4 s. */
  retryDelay?(attempt: number): number;
}

/**
 * Follows a conversation's stream until the server ends it (no reply running any more),
 * reconnecting after a drop from the last event id seen. Resolves to that id; resolves
 * early when `signal` aborts; rejects on an HTTP error or when reconnecting keeps failing.
 */
export async function followChatStream(options: FollowOptions): Promise<number> {
  const { signal, onEvent } = options;
  const maxRetries = options.maxRetries ?? 8;
  const retryDelay = options.retryDelay ?? ((n: number) => Math.min(250 * 2 ** (n - 1), 4000));
  let lastId = options.after;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const res = await options.open(lastId, signal);
      if (!res.body) return lastId;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return lastId;
          for (const raw of parser.push(value)) {
            const event = toChatEvent(raw);
            if (!event || event.id <= lastId) continue;
            lastId = event.id;
            failures = 0;
            onEvent(event);
          }
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
    } catch (error) {
      if (isAbort(error, signal)) return lastId;
      if (!isNetworkFailure(error)) throw error;
      failures += 1;
      if (failures > maxRetries) throw error;
      await wait(retryDelay(failures), signal);
    }
  }
  return lastId;
}
