import {
  type ChatMessage,
  type Conversation,
  getConversation,
  openStream,
  regenerate,
  type SendInput,
  selectBranch,
  sendMessage,
  stopReplies,
  type TurnStarted,
} from '../../api/chat';
import { ApiProblem } from '../../api/client';
import { authed } from '../../auth';
import { type ChatStreamEvent, followChatStream, wait } from '../../chat-stream';
import { createStore, type Store } from '../../store';

/** What the page shows of one conversation. */
export interface ConversationView {
  status: 'loading' | 'ready' | 'missing' | 'error';
  conversation: Conversation | null;
  /** Every message of every branch, oldest first, streaming text included. */
  messages: ChatMessage[];
  /** Why loading (or following the stream) failed. */
  problem: ApiProblem | null;
}

const EMPTY: ConversationView = {
  status: 'loading',
  conversation: null,
  messages: [],
  problem: null,
};

/** Stream rounds in a row that bring no event before the page stops waiting for a reply. */
const MAX_IDLE_ROUNDS = 12;

/**
 * One open conversation: its messages, the replies streaming into them, and the actions
 * on it. Replies run on the server whatever happens to this page; this object only follows
 * the conversation's event stream (resuming after drops) and keeps the view in step.
 */
export class ConversationController {
  readonly id: string;
  readonly store: Store<ConversationView>;
  /** Called when every reply has ended (titles and lists may have changed). */
  onSettled: (() => void) | null = null;
  private lastEventId = 0;
  private following = false;
  private readonly abort = new AbortController();

  constructor(id: string, conversation?: Conversation) {
    this.id = id;
    this.store = createStore<ConversationView>(
      conversation ? { ...EMPTY, status: 'ready', conversation } : EMPTY,
    );
  }

  private get view(): ConversationView {
    return this.store.get();
  }

  private update(change: Partial<ConversationView>): void {
    if (this.abort.signal.aborted) return;
    this.store.set({ ...this.view, ...change });
  }

  /** True while any reply of the conversation is still being written. */
  get streaming(): boolean {
    return this.view.messages.some((message) => message.status === 'streaming');
  }

  /** Stops following the stream (the replies go on running on the server). */
  dispose(): void {
    this.abort.abort();
  }

  /**
   * Loads the conversation. Replies still being written are rebuilt from the stream's
   * beginning, so a reopened tab shows them continuing, then complete.
   */
  async load(): Promise<void> {
    try {
      const detail = await authed((token) => getConversation(token, this.id));
      const messages = detail.messages.map((message) =>
        message.status === 'streaming' ? { ...message, content: '' } : message,
      );
      this.update({ status: 'ready', conversation: detail.conversation, messages, problem: null });
      if (this.streaming) void this.follow();
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status === 401) return;
      this.update({ status: error.status === 404 ? 'missing' : 'error', problem: error });
    }
  }

  /**
   * Re-reads the conversation from the server. A reply this page is still streaming keeps
   * the text it has when the server's copy is shorter (the server saves it at the end).
   */
  async refresh(): Promise<void> {
    let detail: Awaited<ReturnType<typeof getConversation>>;
    try {
      detail = await authed((token) => getConversation(token, this.id));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status === 404) this.update({ status: 'missing', problem: error });
      return;
    }
    const local = new Map(this.view.messages.map((message) => [message.id, message]));
    const messages = detail.messages.map((message) => {
      const mine = local.get(message.id);
      if (mine && message.status === 'streaming' && mine.content.length > message.content.length) {
        return { ...message, content: mine.content, status: mine.status };
      }
      return message;
    });
    this.update({ conversation: detail.conversation, messages });
  }

  private apply(event: ChatStreamEvent): void {
    this.lastEventId = Math.max(this.lastEventId, event.id);
    const messages = this.view.messages;
    const index = messages.findIndex((message) => message.id === event.turnId);
    const current = messages[index];
    if (!current) {
      // A reply that started after this page loaded (from here or another tab).
      if (event.type !== 'start') return;
      const now = new Date().toISOString();
      const placeholder: ChatMessage = {
        id: event.turnId,
        parentId: event.parentId || null,
        batchId: event.batchId ?? null,
        role: 'assistant',
        content: '',
        model: event.model,
        provider: event.provider,
        offline: event.offline,
        status: 'streaming',
        error: null,
        attachments: [],
        inputTokens: null,
        outputTokens: null,
        tokensEstimated: false,
        costMicros: null,
        createdAt: now,
        completedAt: null,
      };
      this.update({ messages: [...messages, placeholder] });
      return;
    }
    // Events of replies that already ended here (a replay from the start) change nothing.
    if (current.status !== 'streaming') return;
    let next: ChatMessage = current;
    if (event.type === 'delta') {
      next = { ...current, content: current.content + event.text };
    } else if (event.type === 'done') {
      next = {
        ...current,
        status: event.status,
        error: event.error,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        tokensEstimated: event.estimated,
        costMicros: event.costMicros,
        completedAt: new Date().toISOString(),
      };
    } else {
      return;
    }
    const copy = messages.slice();
    copy[index] = next;
    this.update({ messages: copy });
  }

  /**
   * Follows the stream while replies are being written here. A stream that ends early
   * with replies still running is taken up again after its last event; one that brings
   * nothing new (a reply that started just as it closed, or whose final save is a moment
   * late) makes it ask the server for the conversation, then go on.
   */
  private async follow(): Promise<void> {
    if (this.following) return;
    this.following = true;
    const { signal } = this.abort;
    let idle = 0;
    try {
      while (!signal.aborted && this.streaming) {
        const before = this.lastEventId;
        this.lastEventId = await followChatStream({
          open: (last, streamSignal) =>
            authed((token) => openStream(token, this.id, last, streamSignal)),
          after: this.lastEventId,
          onEvent: (event) => this.apply(event),
          signal,
        });
        if (!this.streaming || signal.aborted) break;
        // The stream ended early but brought events: take it up again from the last one.
        if (this.lastEventId !== before) {
          idle = 0;
          continue;
        }
        await this.refresh();
        if (!this.streaming) break;
        idle += 1;
        if (idle > MAX_IDLE_ROUNDS) break;
        await wait(Math.min(250 * idle, 2000), signal);
      }
    } catch (error) {
      if (!(error instanceof ApiProblem) && !(error instanceof TypeError)) throw error;
      this.update({
        problem:
          error instanceof ApiProblem
            ? error
            : new ApiProblem({ type: 'about:blank', title: 'Network error', status: 0 }),
      });
    } finally {
      this.following = false;
    }
    if (signal.aborted) return;
    await this.refresh();
    this.onSettled?.();
  }

  /** Adds a started turn's messages and follows their stream. */
  private started(turn: TurnStarted): void {
    const known = new Set(this.view.messages.map((message) => message.id));
    const added = [turn.userMessage, ...turn.replies].filter(
      (message): message is ChatMessage => message !== null && !known.has(message.id),
    );
    // A reply's `start` event may have arrived first; the server's copy gives its real time.
    const server = new Map(turn.replies.map((reply) => [reply.id, reply]));
    const messages = this.view.messages.map((message) => {
      const reply = server.get(message.id);
      return reply ? { ...message, createdAt: reply.createdAt } : message;
    });
    const leaf = turn.replies[0]?.id ?? turn.userMessage?.id;
    const conversation = this.view.conversation;
    this.update({
      messages: [...messages, ...added],
      conversation: conversation && leaf ? { ...conversation, activeLeafId: leaf } : conversation,
      problem: null,
    });
    if (!this.following) this.lastEventId = Math.max(this.lastEventId, turn.after);
    void this.follow();
  }

  /** Sends a message (one model, or several to compare; `editOf` for an edit). */
  async send(input: SendInput): Promise<void> {
    const first = this.view.messages.length === 0;
    this.started(await authed((token) => sendMessage(token, this.id, input)));
    // The first message names the conversation on the server.
    if (first) void this.refresh();
  }

  /** Writes another reply beside `messageId`, with the same model or another one. */
  async regenerate(messageId: string, model?: string): Promise<void> {
    this.started(await authed((token) => regenerate(token, this.id, messageId, model)));
  }

  /** Shows the branch through `messageId` (a sibling version, or a compared answer). */
  async selectBranch(messageId: string): Promise<void> {
    const leaf = await authed((token) => selectBranch(token, this.id, messageId));
    const conversation = this.view.conversation;
    if (conversation) this.update({ conversation: { ...conversation, activeLeafId: leaf } });
    await this.refresh();
  }

  /** Stops one reply, or all of them; what was written is kept. */
  async stop(turnId?: string): Promise<void> {
    await authed((token) => stopReplies(token, this.id, turnId));
  }

  /** Applies a rename or pin made elsewhere (the sidebar). */
  patched(conversation: Conversation): void {
    if (conversation.id === this.id) this.update({ conversation });
  }
}
