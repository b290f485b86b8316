import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type Conversation,
  type ConversationListItem,
  deleteConversation,
  listConversationPage,
  updateConversation,
} from '../../api/chat';
import type { ApiProblem } from '../../api/client';
import { authed } from '../../auth';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { attempt, ConfirmAction, EmptyState, Field, Toast, useResource } from '../../ui';
import { Menu } from './menu';
import { problemText } from './messages';

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
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(item.title);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const href = `/chat?c=${item.id}`;

  useEffect(() => {
    if (renaming) form.current?.querySelector('input')?.select();
  }, [renaming]);

  async function run(action: () => Promise<void>) {
    setProblem(null);
    if (await attempt(action, setProblem)) setRenaming(false);
  }

  const update = (change: { title?: string; pinned?: boolean }) =>
    run(async () => onChanged(await authed((token) => updateConversation(token, item.id, change))));

  const error = problem && <p class="field-error">{problemText(problem, t)}</p>;

  if (renaming) {
    return (
      <li class="chat-conv is-editing">
        <form
          class="chat-conv-rename"
          ref={form}
          onSubmit={(event) => {
            event.preventDefault();
            const next = title.trim();
            if (next) void update({ title: next });
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setRenaming(false);
          }}
        >
          <Field
            id={`rename-${item.id}`}
            label={t('chat.sidebar.newTitle')}
            hideLabel
            value={title}
            maxLength={200}
            onValue={setTitle}
          />
          <button type="submit" class="chat-action">
            {t('chat.save')}
          </button>
          <button type="button" class="chat-action" onClick={() => setRenaming(false)}>
            {t('chat.cancel')}
          </button>
        </form>
        {error}
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
                  setRenaming(true);
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
                  void update({ pinned: !item.pinned });
                }}
              >
                {item.pinned ? t('chat.unpin') : t('chat.pin')}
              </button>
            </li>
            <li>
              <ConfirmAction
                label={t('chat.delete')}
                question={t('chat.sidebar.confirmDelete', { title: item.title })}
                confirmLabel={t('chat.delete')}
                onConfirm={async () => {
                  close();
                  await run(async () => {
                    await authed((token) => deleteConversation(token, item.id));
                    onDeleted(item.id);
                  });
                }}
              />
            </li>
          </ul>
        )}
      </Menu>
      {error}
    </li>
  );
}

/** The lists the sidebar shows, for the search they answer ('' for pinned and recent). */
interface Lists {
  q: string;
  pinned: Page;
  /** The recent conversations, or the search results. */
  recent: Page;
}

/** One titled list of conversations: its items, or a line when there are none, and "Load more". */
function ConversationSection({
  id,
  title,
  page,
  loading,
  empty,
  onMore,
  children,
}: {
  id: string;
  title: string;
  page: Page;
  loading: boolean;
  empty?: string;
  onMore?(): void;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  return (
    <section aria-labelledby={id} aria-busy={loading}>
      <h2 id={id} class="chat-side-title">
        {title}
      </h2>
      {empty && !loading && page.items.length === 0 ? <EmptyState>{empty}</EmptyState> : children}
      {page.nextCursor && onMore && (
        <button type="button" class="button chat-more" onClick={onMore}>
          {t('chat.sidebar.more')}
        </button>
      )}
    </section>
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
  const [moreProblem, setMoreProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);

  const lists = useResource<Lists>(async () => {
    if (search) {
      const found = await authed((token) =>
        listConversationPage(token, { q: search, limit: PAGE_SIZE }),
      );
      return { q: search, pinned: EMPTY, recent: found };
    }
    const [pinned, recent] = await Promise.all([
      authed((token) => listConversationPage(token, { pinned: 'true', limit: 100 })),
      authed((token) => listConversationPage(token, { pinned: 'false', limit: PAGE_SIZE })),
    ]);
    return { q: '', pinned, recent };
  }, [search, version]);
  // Lists loaded for another search are not shown while this one loads.
  const shown = lists.data?.q === search ? lists.data : null;
  const loading = lists.loading || shown === null;
  const pinned = shown?.pinned ?? EMPTY;
  const recent = shown?.recent ?? EMPTY;
  const problem = moreProblem ?? lists.problem;

  async function more() {
    const cursor = recent.nextCursor;
    if (!cursor) return;
    setMoreProblem(null);
    await attempt(async () => {
      const next = await authed((token) =>
        listConversationPage(
          token,
          search
            ? { q: search, limit: PAGE_SIZE, cursor }
            : { pinned: 'false', limit: PAGE_SIZE, cursor },
        ),
      );
      lists.setData((old) =>
        old && old.q === search
          ? {
              ...old,
              recent: { items: [...old.recent.items, ...next.items], nextCursor: next.nextCursor },
            }
          : old,
      );
    }, setMoreProblem);
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
            void lists.reload();
          }}
          onDeleted={(id) => {
            if (id === activeId) navigate('/chat');
            void lists.reload();
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
      <Field
        id="chat-search"
        kind="search"
        class="chat-search"
        label={t('chat.sidebar.search')}
        hideLabel
        placeholder={t('chat.sidebar.searchPlaceholder')}
        value={query}
        onValue={setQuery}
      />
      {problem && <Toast tone="error">{problemText(problem, t)}</Toast>}
      {!search && pinned.items.length > 0 && (
        <ConversationSection
          id="chat-pinned-title"
          title={t('chat.sidebar.pinned')}
          page={pinned}
          loading={false}
        >
          {list(pinned.items)}
        </ConversationSection>
      )}
      <ConversationSection
        id={search ? 'chat-found-title' : 'chat-recent-title'}
        title={search ? t('chat.sidebar.results') : t('chat.sidebar.recent')}
        page={recent}
        loading={loading}
        empty={search ? t('chat.sidebar.noResults') : t('chat.sidebar.empty')}
        onMore={() => void more()}
      >
        {list(recent.items)}
      </ConversationSection>
    </aside>
  );
}
