import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type Conversation,
  type ConversationListItem,
  deleteConversation,
  listConversationPage,
  updateConversation,
} from '../../api/chat';
import { ApiProblem } from '../../api/client';
import { authed } from '../../auth';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { Menu } from './menu';

interface Page {
  items: ConversationListItem[];
  nextCursor: string | null;
}

const EMPTY: Page = { items: [], nextCursor: null };
const PAGE_SIZE = 30;

/** A search passage with its «highlighted» words marked. */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/(«[^»]*»)/g).filter(Boolean);
  return (
    <span class="chat-conv-snippet">
      {parts.map((part, i) =>
        part.startsWith('«') && part.endsWith('»') ? (
          <mark key={i}>{part.slice(1, -1)}</mark>
        ) : (
          part
        ),
      )}
    </span>
  );
}

function ConversationItem({
  item,
  active,
  onChanged,
  onDeleted,
  onOpen,
}: {
  item: ConversationListItem;
  active: boolean;
  onChanged(conversation: Conversation): void;
  onDeleted(id: string): void;
  onOpen(): void;
}) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [title, setTitle] = useState(item.title);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const href = `/chat?c=${item.id}`;

  useEffect(() => {
    if (mode === 'rename') input.current?.select();
  }, [mode]);

  async function run(action: () => Promise<void>) {
    setProblem(null);
    try {
      await action();
      setMode('view');
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error.problem.detail ?? error.message);
    }
  }

  if (mode === 'rename') {
    return (
      <li class="chat-conv is-editing">
        <form
          class="chat-conv-rename"
          onSubmit={(event) => {
            event.preventDefault();
            const next = title.trim();
            if (!next) return;
            void run(async () => {
              onChanged(
                await authed((token) => updateConversation(token, item.id, { title: next })),
              );
            });
          }}
        >
          <label class="visually-hidden" for={`rename-${item.id}`}>
            {t('chat.sidebar.newTitle')}
          </label>
          <input
            id={`rename-${item.id}`}
            ref={input}
            value={title}
            maxLength={200}
            onInput={(event) => setTitle(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setMode('view');
            }}
          />
          <button type="submit" class="chat-action">
            {t('chat.save')}
          </button>
          <button type="button" class="chat-action" onClick={() => setMode('view')}>
            {t('chat.cancel')}
          </button>
        </form>
        {problem && <p class="field-error">{problem}</p>}
      </li>
    );
  }

  return (
    <li class={`chat-conv${active ? ' is-active' : ''}`}>
      <a
        href={href}
        class="chat-conv-link"
        aria-current={active ? 'page' : undefined}
        onClick={(event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          navigate(href);
          onOpen();
        }}
      >
        <span class="chat-conv-title">
          {item.pinned && (
            <span class="chat-pin" aria-hidden="true">
              📌
            </span>
          )}
          {item.title}
        </span>
        {item.snippet && <Snippet text={item.snippet} />}
      </a>
      {mode === 'delete' ? (
        <fieldset class="chat-conv-confirm">
          <legend>{t('chat.sidebar.confirmDelete')}</legend>
          <button
            type="button"
            class="chat-action chat-danger"
            onClick={() =>
              void run(async () => {
                await authed((token) => deleteConversation(token, item.id));
                onDeleted(item.id);
              })
            }
          >
            {t('chat.delete')}
          </button>
          <button type="button" class="chat-action" onClick={() => setMode('view')}>
            {t('chat.cancel')}
          </button>
        </fieldset>
      ) : (
        <Menu
          label={t('chat.sidebar.actions', { title: item.title })}
          button="⋯"
          buttonClass="chat-action chat-conv-more"
        >
          {(close) => (
            <ul class="chat-menu-list">
              <li>
                <button
                  type="button"
                  onClick={() => {
                    close();
                    setTitle(item.title);
                    setMode('rename');
                  }}
                >
                  {t('chat.rename')}
                </button>
              </li>
              <li>
                <button
                  type="button"
                  onClick={() => {
                    close();
                    void run(async () => {
                      onChanged(
                        await authed((token) =>
                          updateConversation(token, item.id, { pinned: !item.pinned }),
                        ),
                      );
                    });
                  }}
                >
                  {item.pinned ? t('chat.unpin') : t('chat.pin')}
                </button>
              </li>
              <li>
                <button
                  type="button"
                  onClick={() => {
                    close();
                    setMode('delete');
                  }}
                >
                  {t('chat.delete')}
                </button>
              </li>
            </ul>
          )}
        </Menu>
      )}
      {problem && <p class="field-error">{problem}</p>}
    </li>
  );
}

/**
 * The conversation history: new chat, search (titles and messages, with the matching
 * passage), pinned conversations, then recent ones page by page.
 */
export function ChatSidebar({
  activeId,
  version,
  open,
  onClose,
  onChanged,
}: {
  activeId: string | null;
  /** Changes whenever the lists may be stale (a message sent, a conversation imported). */
  version: number;
  open: boolean;
  onClose(): void;
  onChanged(conversation: Conversation): void;
}) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [pinned, setPinned] = useState<Page>(EMPTY);
  const [recent, setRecent] = useState<Page>(EMPTY);
  const [found, setFound] = useState<Page>(EMPTY);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [local, setLocal] = useState(0);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    const load = async () => {
      try {
        if (search) {
          const page = await authed((token) =>
            listConversationPage(token, { q: search, limit: PAGE_SIZE }),
          );
          if (live) setFound(page);
        } else {
          const [top, rest] = await Promise.all([
            authed((token) => listConversationPage(token, { pinned: 'true', limit: 100 })),
            authed((token) => listConversationPage(token, { pinned: 'false', limit: PAGE_SIZE })),
          ]);
          if (!live) return;
          setPinned(top);
          setRecent(rest);
        }
        if (live) setProblem(null);
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        if (live && error.status !== 401) setProblem(error.problem.detail ?? error.message);
      } finally {
        if (live) setLoading(false);
      }
    };
    void load();
    return () => {
      live = false;
    };
  }, [search, version, local]);

  async function more(kind: 'recent' | 'found') {
    const page = kind === 'recent' ? recent : found;
    if (!page.nextCursor) return;
    const cursor = page.nextCursor;
    try {
      const next = await authed((token) =>
        listConversationPage(
          token,
          kind === 'recent'
            ? { pinned: 'false', limit: PAGE_SIZE, cursor }
            : { q: search, limit: PAGE_SIZE, cursor },
        ),
      );
      const merged = { items: [...page.items, ...next.items], nextCursor: next.nextCursor };
      if (kind === 'recent') setRecent(merged);
      else setFound(merged);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (error.status !== 401) setProblem(error.problem.detail ?? error.message);
    }
  }

  const list = (items: ConversationListItem[]) => (
    <ul class="chat-conv-list">
      {items.map((item) => (
        <ConversationItem
          key={item.id}
          item={item}
          active={item.id === activeId}
          onOpen={onClose}
          onChanged={(conversation) => {
            onChanged(conversation);
            setLocal((n) => n + 1);
          }}
          onDeleted={(id) => {
            if (id === activeId) navigate('/chat');
            setLocal((n) => n + 1);
          }}
        />
      ))}
    </ul>
  );

  return (
    <aside
      id="chat-sidebar"
      class={`chat-sidebar${open ? ' is-open' : ''}`}
      aria-label={t('chat.sidebar.label')}
    >
      <button
        type="button"
        class="button chat-button-accent chat-new"
        onClick={() => {
          navigate('/chat');
          onClose();
          document.getElementById('chat-input')?.focus();
        }}
      >
        {t('chat.new')}
      </button>
      <div class="chat-search">
        <label class="visually-hidden" for="chat-search">
          {t('chat.sidebar.search')}
        </label>
        <input
          id="chat-search"
          type="search"
          placeholder={t('chat.sidebar.searchPlaceholder')}
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </div>
      {problem && (
        <p class="alert alert-error" role="alert">
          {problem}
        </p>
      )}
      {search ? (
        <section aria-labelledby="chat-found-title" aria-busy={loading}>
          <h2 id="chat-found-title" class="chat-side-title">
            {t('chat.sidebar.results')}
          </h2>
          {!loading && found.items.length === 0 ? (
            <p class="muted chat-side-empty">{t('chat.sidebar.noResults')}</p>
          ) : (
            list(found.items)
          )}
          {found.nextCursor && (
            <button type="button" class="button chat-more" onClick={() => void more('found')}>
              {t('chat.sidebar.more')}
            </button>
          )}
        </section>
      ) : (
        <>
          {pinned.items.length > 0 && (
            <section aria-labelledby="chat-pinned-title">
              <h2 id="chat-pinned-title" class="chat-side-title">
                {t('chat.sidebar.pinned')}
              </h2>
              {list(pinned.items)}
            </section>
          )}
          <section aria-labelledby="chat-recent-title" aria-busy={loading}>
            <h2 id="chat-recent-title" class="chat-side-title">
              {t('chat.sidebar.recent')}
            </h2>
            {!loading && recent.items.length === 0 ? (
              <p class="muted chat-side-empty">{t('chat.sidebar.empty')}</p>
            ) : (
              list(recent.items)
            )}
            {recent.nextCursor && (
              <button type="button" class="button chat-more" onClick={() => void more('recent')}>
                {t('chat.sidebar.more')}
              </button>
            )}
          </section>
        </>
      )}
    </aside>
  );
}
