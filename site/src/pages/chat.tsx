import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  type Agent,
  type ChatMessage,
  type Conversation,
  createConversation,
  DEFAULT_MODEL,
  deleteConversation,
  exportConversation,
  getAgent,
  importConversation,
  listModels,
  type SendInput,
  type UserModel,
} from '../api/chat';
import type { ApiProblem } from '../api/client';
import { authed } from '../auth';
import { Composer, type ModelChoice } from '../components/chat/composer';
import { ConversationController, type ConversationView } from '../components/chat/controller';
import { Icon, SIDEBAR_ICON } from '../components/chat/icon';
import { Menu } from '../components/chat/menu';
import { Thread, type ThreadActions } from '../components/chat/messages';
import { ChatSidebar } from '../components/chat/sidebar';
import { buildTree } from '../components/chat/thread';
import { saveBlob } from '../components/shop/orders';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { createStore, type Store } from '../store';
import { attempt, EmptyState, LiveMessage, ProblemAlert, usePageTitle, useResource } from '../ui';

/** Where the prompt library leaves a prompt for the composer ({ text }). */
export const DRAFT_KEY = 'webox:chat-draft';

/** The composer's starting text handed over by another page, read once and removed. */
function takeDraft(): string {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY);
    if (!raw) return '';
    sessionStorage.removeItem(DRAFT_KEY);
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' &&
      parsed !== null &&
      'text' in parsed &&
      typeof parsed.text === 'string'
      ? parsed.text
      : '';
  } catch {
    return '';
  }
}

const NO_CONVERSATION = createStore<ConversationView>({
  status: 'ready',
  conversation: null,
  messages: [],
  problem: null,
});

/**
 * The store's value, re-rendering on change. Unlike `useStore` it reads the store it is
 * given on every render, so switching to another conversation never shows the last one's.
 */
function useCurrent<T>(store: Store<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => store.subscribe(() => setTick((n) => n + 1)), [store]);
  return store.get();
}

const NO_MODELS: UserModel[] = [];

/**
 * How the replies that were being written ended ('complete', 'stopped' or 'failed', the last
 * one's), once none is being written any more; null before and while they are written.
 */
function useEndedReply(
  messages: readonly ChatMessage[],
  writing: number,
): 'complete' | 'stopped' | 'failed' | null {
  const [ended, setEnded] = useState<'complete' | 'stopped' | 'failed' | null>(null);
  const wasWriting = useRef(false);
  const latest = useRef(messages);
  latest.current = messages;
  useEffect(() => {
    if (writing > 0) {
      wasWriting.current = true;
      setEnded(null);
      return;
    }
    if (!wasWriting.current) return;
    wasWriting.current = false;
    const last = latest.current.findLast((message) => message.role === 'assistant');
    if (last && last.status !== 'streaming') setEnded(last.status);
  }, [writing]);
  return ended;
}

function AgentBadge({ agent }: { agent: Agent }) {
  return (
    <span class="chat-agent" title={agent.description || undefined}>
      <span class="chat-agent-icon" aria-hidden="true">
        {agent.icon}
      </span>
      <span class="chat-agent-name">{agent.name}</span>
    </span>
  );
}

function Welcome({ agent }: { agent: Agent | null }) {
  const { t } = useI18n();
  return (
    <div class="chat-welcome">
      {agent ? (
        <>
          <p class="chat-welcome-icon" aria-hidden="true">
            {agent.icon}
          </p>
          <h2>{t('chat.welcome.agent', { name: agent.name })}</h2>
          {agent.description && <p class="muted">{agent.description}</p>}
        </>
      ) : (
        <>
          <h2>{t('chat.welcome.title')}</h2>
          <p class="muted">{t('chat.welcome.body')}</p>
        </>
      )}
    </div>
  );
}

/**
 * The chat: conversation history on the side, the thread (branches, compared answers in
 * columns, replies streaming live and resuming after a reload) and the composer.
 */
export function ChatPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const conversationId = params.get('c');
  const agentParam = conversationId ? null : params.get('agent');

  const [controller, setController] = useState<ConversationController | null>(null);
  const controllerRef = useRef<ConversationController | null>(null);
  const [sidebarVersion, setSidebarVersion] = useState(0);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [draft] = useState(takeDraft);
  const [choice, setChoice] = useState<ModelChoice>({
    model: DEFAULT_MODEL,
    compare: false,
    compareModels: [],
  });
  const [importing, setImporting] = useState(false);
  const view = useCurrent(controller?.store ?? NO_CONVERSATION);
  const thread = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  function adopt(next: ConversationController | null) {
    controllerRef.current?.dispose();
    controllerRef.current = next;
    if (next) next.onSettled = () => setSidebarVersion((n) => n + 1);
    setController(next);
    setProblem(null);
    stick.current = true;
  }

  useEffect(() => {
    if (!conversationId) {
      if (controllerRef.current) adopt(null);
      return;
    }
    if (controllerRef.current?.id === conversationId) return;
    const next = new ConversationController(conversationId);
    adopt(next);
    void next.load();
  }, [conversationId]);

  useEffect(() => () => controllerRef.current?.dispose(), []);

  useEffect(() => {
    if (!sidebarOpen) return;
    document.getElementById('chat-search')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setSidebarOpen(false);
      document.querySelector<HTMLElement>('.chat-sidebar-toggle')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [sidebarOpen]);

  const models = useResource(() => authed(listModels), []).data ?? NO_MODELS;

  const agentId = view.conversation?.agentId ?? agentParam;
  const agentLoad = useResource(
    async () => (agentId ? authed((token) => getAgent(token, agentId)) : null),
    [agentId],
  );
  // Only the agent asked for counts (not the last one while the next loads); a deleted agent
  // leaves its old conversations usable, while a bad link says so.
  const agent = agentLoad.data?.id === agentId ? agentLoad.data : null;
  const agentProblem = agentParam ? agentLoad.problem : null;

  // The picker starts on the conversation's model, else the agent's, else the default.
  const conversationModel = view.conversation?.model ?? null;
  const seed = `${view.conversation?.id ?? `new:${agentParam ?? ''}`}|${agent?.id ?? ''}`;
  useEffect(() => {
    setChoice((current) => ({
      ...current,
      model: conversationModel ?? agent?.defaultModel ?? DEFAULT_MODEL,
    }));
  }, [seed]);

  const title = view.conversation?.title ?? (agent ? agent.name : t('chat.new'));
  usePageTitle(title);

  const tree = useMemo(() => buildTree(view.messages), [view.messages]);
  const writing = view.messages.filter((message) => message.status === 'streaming').length;
  const streaming = writing > 0;
  const ended = useEndedReply(view.messages, writing);

  // Keeps the newest text in view while the reader is at the bottom.
  useLayoutEffect(() => {
    const element = thread.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [view.messages, view.conversation?.activeLeafId]);

  function run(action: () => Promise<unknown>): Promise<boolean> {
    setProblem(null);
    return attempt(action, setProblem);
  }

  function sendInput(content: string, attachmentIds: string[]): SendInput {
    const base: SendInput = choice.compare
      ? { content, models: choice.compareModels }
      : { content, model: choice.model };
    return attachmentIds.length > 0 ? { ...base, attachmentIds } : base;
  }

  async function send(content: string, attachmentIds: string[]): Promise<boolean> {
    stick.current = true;
    return run(async () => {
      let current = controllerRef.current;
      let created: Conversation | null = null;
      const before = window.location.pathname + window.location.search;
      if (!current) {
        // Only an agent that loaded is attached: a mistyped link starts a plain chat.
        const input =
          agentParam && agent?.id === agentParam
            ? { agentId: agentParam, model: choice.model }
            : { model: choice.model };
        created = await authed((token) => createConversation(token, input));
        current = new ConversationController(created.id, created);
        adopt(current);
        navigate(`/chat?c=${created.id}`, { replace: true });
      }
      try {
        await current.send(sendInput(content, attachmentIds));
      } catch (error) {
        // A first message that was refused leaves no empty conversation behind.
        if (created) {
          const id = created.id;
          adopt(null);
          navigate(before, { replace: true });
          await authed((token) => deleteConversation(token, id)).catch(() => undefined);
        }
        throw error;
      }
      setSidebarVersion((n) => n + 1);
    });
  }

  // Switching versions and continuing from a compared answer both move the active branch.
  const selectBranch = (messageId: string) =>
    void run(async () => controllerRef.current?.selectBranch(messageId));
  const actions: ThreadActions = {
    switchTo: selectBranch,
    continueWith: selectBranch,
    edit: (message: ChatMessage, content: string) =>
      run(async () => {
        stick.current = true;
        const ids = message.attachments.map((attachment) => attachment.id);
        await controllerRef.current?.send({
          ...sendInput(content, ids),
          editOf: message.id,
        });
      }),
    regenerate: (messageId, model) =>
      void run(async () => {
        stick.current = true;
        await controllerRef.current?.regenerate(messageId, model);
      }),
    stop: (turnId) => void run(async () => controllerRef.current?.stop(turnId)),
  };

  async function download(format: 'md' | 'json' | 'pdf') {
    const id = controllerRef.current?.id;
    if (!id) return;
    await run(async () => {
      const file = await authed((token) => exportConversation(token, id, format));
      saveBlob(file.blob, file.fileName);
    });
  }

  async function importFile(file: File) {
    setImporting(true);
    await run(async () => {
      const text = await file.text();
      const created = await authed((token) => importConversation(token, text));
      setSidebarVersion((n) => n + 1);
      navigate(`/chat?c=${created.id}`);
    });
    setImporting(false);
  }

  function patched(conversation: Conversation) {
    controllerRef.current?.patched(conversation);
  }

  const activeLeafId = view.conversation?.activeLeafId ?? null;
  const empty = view.status === 'ready' && view.messages.length === 0;

  return (
    <div class="chat-page">
      <ChatSidebar
        activeId={conversationId}
        version={sidebarVersion}
        open={sidebarOpen}
        onClose={() => setSidebarOpen(false)}
        onChanged={patched}
      />
      {sidebarOpen && (
        <div class="chat-scrim" aria-hidden="true" onClick={() => setSidebarOpen(false)} />
      )}
      <section class="chat-main" aria-labelledby="chat-title">
        <header class="chat-head">
          <button
            type="button"
            class="icon-button chat-sidebar-toggle"
            aria-expanded={sidebarOpen}
            aria-controls="chat-sidebar"
            aria-label={t('chat.sidebar.toggle')}
            title={t('chat.sidebar.toggle')}
            onClick={() => setSidebarOpen(!sidebarOpen)}
          >
            <Icon path={SIDEBAR_ICON} size={20} />
          </button>
          <div class="chat-head-title">
            {agent && <AgentBadge agent={agent} />}
            <h1 id="chat-title" tabIndex={-1}>
              {title}
            </h1>
          </div>
          <div class="chat-head-actions">
            <Menu label={t('chat.export.label')} disabled={!view.conversation || empty}>
              {(close) => (
                <ul class="chat-menu-list">
                  {(['md', 'json', 'pdf'] as const).map((format) => (
                    <li key={format}>
                      <button
                        type="button"
                        onClick={() => {
                          close();
                          void download(format);
                        }}
                      >
                        {t(`chat.export.${format}`)}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </Menu>
            <label class={`button chat-import${importing ? ' is-busy' : ''}`}>
              <input
                type="file"
                class="visually-hidden"
                accept="application/json,.json"
                disabled={importing}
                onChange={(event) => {
                  const input = event.currentTarget;
                  const file = input.files?.[0];
                  input.value = '';
                  if (file) void importFile(file);
                }}
              />
              {importing ? t('chat.import.busy') : t('chat.import.label')}
            </label>
          </div>
        </header>
        <div
          class="chat-thread"
          ref={thread}
          onScroll={(event) => {
            const element = event.currentTarget;
            stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
          }}
        >
          <div class="chat-thread-inner">
            {view.status === 'loading' && <p class="muted">{t('app.loading')}</p>}
            {view.status === 'missing' && (
              <EmptyState action={<Link href="/chat">{t('chat.new')}</Link>}>
                {t('chat.missing.title')}
              </EmptyState>
            )}
            {view.status === 'error' && view.problem && (
              <ProblemAlert problem={view.problem} other={[]} />
            )}
            {empty && <Welcome agent={agent} />}
            {view.status === 'ready' && (
              <Thread
                tree={tree}
                activeLeafId={activeLeafId}
                models={models}
                busy={streaming}
                actions={actions}
              />
            )}
          </div>
        </div>
        {/* What the replies are doing, said once (the reply text itself is read when done). */}
        <LiveMessage class="visually-hidden">
          {view.status === 'loading'
            ? t('app.loading')
            : writing > 0
              ? t(writing > 1 ? 'chat.live.writingMany' : 'chat.live.writing', { count: writing })
              : ended && t(`chat.live.${ended}`)}
        </LiveMessage>
        <div class="chat-composer-wrap">
          <Composer
            models={models}
            choice={choice}
            onChoice={setChoice}
            streaming={streaming}
            initialText={draft}
            problem={problem ?? agentProblem ?? (view.status === 'ready' ? view.problem : null)}
            onSend={send}
            onStop={() => void run(async () => controllerRef.current?.stop())}
          />
        </div>
      </section>
    </div>
  );
}
