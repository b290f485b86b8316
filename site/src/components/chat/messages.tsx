import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type ChatMessage, fetchAttachment, type UserModel } from '../../api/chat';
import type { ApiProblem } from '../../api/client';
import { authed } from '../../auth';
import { useI18n } from '../../i18n';
import { Field, formatNumber, formatTokenCost, useResource } from '../../ui';
import { copyText, renderMarkdown } from './markdown';
import { Menu } from './menu';
import { type ThreadStep, type Tree, threadSteps, unitTarget } from './thread';

type Translate = ReturnType<typeof useI18n>['t'];

/** What the thread can ask the page to do. */
export interface ThreadActions {
  /** Shows another version at this place of the thread. */
  switchTo(messageId: string): void;
  /** Sends an edited copy of a user message as a new branch. */
  edit(message: ChatMessage, content: string): Promise<boolean>;
  regenerate(messageId: string, model?: string): void;
  /** Makes a compared answer the one the conversation continues from. */
  continueWith(messageId: string): void;
  stop(turnId: string): void;
}

/** A model's display name, or its slug when the registry no longer lists it. */
export function modelName(models: readonly UserModel[], slug: string | null): string {
  if (!slug) return '';
  return models.find((model) => model.slug === slug)?.displayName ?? slug;
}

// Object URLs of attachment images, shared by every thumbnail of the page's lifetime.
const imageUrls = new Map<string, Promise<string>>();

function imageUrl(id: string): Promise<string> {
  let url = imageUrls.get(id);
  if (!url) {
    url = authed((token) => fetchAttachment(token, id)).then((blob) => URL.createObjectURL(blob));
    url.catch(() => imageUrls.delete(id));
    imageUrls.set(id, url);
  }
  return url;
}

function AttachmentView({ attachment }: { attachment: ChatMessage['attachments'][number] }) {
  const image = attachment.kind === 'image';
  const { data: src } = useResource(
    async () => (image ? imageUrl(attachment.id) : null),
    [attachment.id, image],
  );
  if (image) {
    return (
      <figure class="chat-attachment chat-attachment-image">
        {src ? <img src={src} alt={attachment.name} /> : <span class="chat-thumb-placeholder" />}
        <figcaption>{attachment.name}</figcaption>
      </figure>
    );
  }
  return (
    <span class="chat-attachment chat-attachment-file">
      <span aria-hidden="true">📄</span> {attachment.name}
    </span>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      class="chat-action"
      aria-label={label}
      title={label}
      onClick={() => void copyText(text).then(setCopied)}
    >
      {copied ? t('chat.copied') : t('chat.copy')}
    </button>
  );
}

/** The "‹ 2 / 3 ›" switcher between the versions at one place of the thread. */
function BranchSwitcher({
  tree,
  units,
  index,
  onSwitch,
}: {
  tree: Tree<ChatMessage>;
  units: ChatMessage[][];
  index: number;
  onSwitch(messageId: string): void;
}) {
  const { t } = useI18n();
  if (units.length < 2) return null;
  const go = (to: number) => {
    const unit = units[to];
    const target = unit ? unitTarget(tree, unit) : undefined;
    if (target) onSwitch(target.id);
  };
  return (
    <fieldset class="chat-branches">
      <legend class="visually-hidden">{t('chat.branch.label')}</legend>
      <button
        type="button"
        class="chat-action"
        aria-label={t('chat.branch.previous')}
        title={t('chat.branch.previous')}
        disabled={index <= 0}
        onClick={() => go(index - 1)}
      >
        ‹
      </button>
      <span class="chat-branch-count">
        {t('chat.branch.position', { n: index + 1, total: units.length })}
      </span>
      <button
        type="button"
        class="chat-action"
        aria-label={t('chat.branch.next')}
        title={t('chat.branch.next')}
        disabled={index >= units.length - 1}
        onClick={() => go(index + 1)}
      >
        ›
      </button>
    </fieldset>
  );
}

/** Reply text as sanitised Markdown; code blocks' Copy buttons work by delegation. */
function MarkdownBody({ text, streaming }: { text: string; streaming: boolean }) {
  const { t } = useI18n();
  const root = useRef<HTMLDivElement>(null);
  const html = useMemo(
    () => renderMarkdown(text, { copy: t('chat.copy'), copyCode: t('chat.copyCode') }),
    [text, t],
  );
  useEffect(() => {
    const element = root.current;
    if (!element) return;
    // The buttons live in HTML set from a string, so one listener on the container serves them.
    const onClick = (event: MouseEvent) => {
      const target = event.target instanceof Element ? event.target : null;
      const button = target?.closest<HTMLButtonElement>('button[data-copy-code]');
      const code = button?.closest('.code-block')?.querySelector('code');
      if (!button || !code) return;
      void copyText(code.textContent ?? '').then((ok) => {
        if (!ok) return;
        button.textContent = t('chat.copied');
        setTimeout(() => {
          button.textContent = t('chat.copy');
        }, 1500);
      });
    };
    element.addEventListener('click', onClick);
    return () => element.removeEventListener('click', onClick);
  }, [t]);
  return (
    <div
      ref={root}
      class="chat-md"
      aria-live="polite"
      aria-busy={streaming}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

/** Model, offline badge, tokens and cost, and how the reply ended. */
function ReplyFacts({ message, models }: { message: ChatMessage; models: readonly UserModel[] }) {
  const { t, lang } = useI18n();
  const approx = message.tokensEstimated ? '≈' : '';
  return (
    <span class="chat-facts">
      <span class="chat-model-name">{modelName(models, message.model)}</span>
      {message.offline && <span class="badge chat-badge-offline">{t('chat.offline')}</span>}
      {message.status === 'streaming' && (
        <span class="badge chat-badge-live">{t('chat.status.streaming')}</span>
      )}
      {message.status === 'stopped' && (
        <span class="badge chat-badge-stopped">{t('chat.status.stopped')}</span>
      )}
      {message.status === 'failed' && (
        <span class="badge chat-badge-failed">{t('chat.status.failed')}</span>
      )}
      {message.outputTokens !== null && (
        <span class="chat-tokens" title={message.tokensEstimated ? t('chat.estimated') : undefined}>
          {t('chat.tokens', {
            input: `${approx}${formatNumber(message.inputTokens ?? 0, lang)}`,
            output: `${approx}${formatNumber(message.outputTokens, lang)}`,
          })}
        </span>
      )}
      {message.costMicros !== null && message.status !== 'streaming' && (
        <span class="chat-cost">{formatTokenCost(message.costMicros, lang)}</span>
      )}
    </span>
  );
}

function ReplyBody({ message }: { message: ChatMessage }) {
  const { t } = useI18n();
  const streaming = message.status === 'streaming';
  return (
    <>
      {/* Always present, so assistive technology knows the live region before text arrives. */}
      <MarkdownBody text={message.content} streaming={streaming} />
      {!message.content && streaming ? (
        // Not a live region: the page's one status line says that replies are being written.
        <p class="chat-typing">
          <span class="visually-hidden">{t('chat.writing')}</span>
          <span aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
        </p>
      ) : null}
      {message.status === 'failed' && message.error && (
        <p class="alert alert-error chat-error">{message.error.message}</p>
      )}
    </>
  );
}

function RegenerateMenu({
  message,
  models,
  actions,
}: {
  message: ChatMessage;
  models: readonly UserModel[];
  actions: ThreadActions;
}) {
  const { t } = useI18n();
  const usable = models.filter((model) => model.availability !== 'not-configured');
  return (
    <>
      <button type="button" class="chat-action" onClick={() => actions.regenerate(message.id)}>
        {t('chat.regenerate')}
      </button>
      <Menu
        label={t('chat.regenerateWith')}
        button="▾"
        buttonClass="chat-action"
        align="end"
        direction="up"
      >
        {(close) => (
          <ul class="chat-menu-list">
            {usable.map((model) => (
              <li key={model.slug}>
                <button
                  type="button"
                  onClick={() => {
                    close();
                    actions.regenerate(message.id, model.slug);
                  }}
                >
                  {model.displayName}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Menu>
    </>
  );
}

function AssistantMessage({
  tree,
  message,
  models,
  units,
  index,
  actions,
}: {
  tree: Tree<ChatMessage>;
  message: ChatMessage;
  models: readonly UserModel[];
  units: ChatMessage[][];
  index: number;
  actions: ThreadActions;
}) {
  const { t } = useI18n();
  const streaming = message.status === 'streaming';
  return (
    <article
      class="chat-msg chat-msg-assistant"
      aria-label={t('chat.replyFrom', { model: modelName(models, message.model) })}
      data-message-id={message.id}
      data-status={message.status}
    >
      <ReplyBody message={message} />
      <footer class="chat-msg-footer">
        <ReplyFacts message={message} models={models} />
        <span class="chat-msg-actions">
          <BranchSwitcher tree={tree} units={units} index={index} onSwitch={actions.switchTo} />
          {streaming ? (
            <button type="button" class="chat-action" onClick={() => actions.stop(message.id)}>
              {t('chat.stop')}
            </button>
          ) : (
            <>
              <CopyButton text={message.content} label={t('chat.copyReply')} />
              <RegenerateMenu message={message} models={models} actions={actions} />
            </>
          )}
        </span>
      </footer>
    </article>
  );
}

function UserMessage({
  tree,
  message,
  units,
  index,
  busy,
  actions,
}: {
  tree: Tree<ChatMessage>;
  message: ChatMessage;
  units: ChatMessage[][];
  index: number;
  busy: boolean;
  actions: ThreadActions;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (editing) form.current?.querySelector('textarea')?.focus();
  }, [editing]);

  async function save() {
    if (!draft.trim() && message.attachments.length === 0) return;
    setSaving(true);
    const ok = await actions.edit(message, draft);
    setSaving(false);
    if (ok) setEditing(false);
  }

  return (
    <article class="chat-msg chat-msg-user" aria-label={t('chat.you')} data-message-id={message.id}>
      {editing ? (
        <form
          class="chat-edit"
          ref={form}
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setEditing(false);
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void save();
            }
          }}
        >
          <Field
            id={`edit-${message.id}`}
            kind="textarea"
            label={t('chat.editLabel')}
            hideLabel
            value={draft}
            rows={Math.min(10, Math.max(2, draft.split('\n').length))}
            onValue={setDraft}
          />
          <p class="chat-edit-actions">
            <button type="button" class="button" onClick={() => setEditing(false)}>
              {t('chat.cancel')}
            </button>
            <button type="submit" class="button chat-button-accent" disabled={saving || busy}>
              {t('chat.editSend')}
            </button>
          </p>
        </form>
      ) : (
        <div class="chat-bubble">
          {message.attachments.length > 0 && (
            <div class="chat-attachments">
              {message.attachments.map((attachment) => (
                <AttachmentView key={attachment.id} attachment={attachment} />
              ))}
            </div>
          )}
          {message.content && <p class="chat-user-text">{message.content}</p>}
        </div>
      )}
      {!editing && (
        <div class="chat-msg-actions chat-user-actions">
          <BranchSwitcher tree={tree} units={units} index={index} onSwitch={actions.switchTo} />
          <CopyButton text={message.content} label={t('chat.copyMessage')} />
          <button
            type="button"
            class="chat-action"
            disabled={busy}
            onClick={() => {
              setDraft(message.content);
              setEditing(true);
            }}
          >
            {t('chat.edit')}
          </button>
        </div>
      )}
    </article>
  );
}

function CompareGroup({
  tree,
  step,
  models,
  actions,
}: {
  tree: Tree<ChatMessage>;
  step: Extract<ThreadStep<ChatMessage>, { kind: 'compare' }>;
  models: readonly UserModel[];
  actions: ThreadActions;
}) {
  const { t } = useI18n();
  const { replies, chosen } = step;
  return (
    <section
      class="chat-compare"
      aria-label={t('chat.compare.group', { count: replies.length })}
      data-compare-size={replies.length}
    >
      <div class="chat-compare-columns">
        {replies.map((reply) => {
          const selected = reply.id === chosen.id;
          const name = modelName(models, reply.model);
          return (
            <article
              key={reply.id}
              class={`chat-compare-col${selected ? ' is-chosen' : ''}`}
              aria-label={t('chat.replyFrom', { model: name })}
              data-message-id={reply.id}
              data-status={reply.status}
            >
              <header class="chat-compare-head">
                <ReplyFacts message={reply} models={models} />
              </header>
              <div class="chat-compare-body">
                <ReplyBody message={reply} />
              </div>
              <footer class="chat-compare-foot">
                {reply.status === 'streaming' ? (
                  <button type="button" class="chat-action" onClick={() => actions.stop(reply.id)}>
                    {t('chat.stop')}
                  </button>
                ) : (
                  <CopyButton text={reply.content} label={t('chat.copyReply')} />
                )}
                {selected ? (
                  <span class="badge chat-badge-chosen">{t('chat.compare.chosen')}</span>
                ) : (
                  <button
                    type="button"
                    class="button chat-continue"
                    onClick={() => actions.continueWith(reply.id)}
                  >
                    {t('chat.compare.continue')}
                  </button>
                )}
              </footer>
            </article>
          );
        })}
      </div>
      {step.units.length > 1 && (
        <div class="chat-msg-actions">
          <BranchSwitcher
            tree={tree}
            units={step.units}
            index={step.index}
            onSwitch={actions.switchTo}
          />
        </div>
      )}
    </section>
  );
}

/** The thread: the path from the root to the active leaf, compared answers as columns. */
export function Thread({
  tree,
  activeLeafId,
  models,
  busy,
  actions,
}: {
  tree: Tree<ChatMessage>;
  activeLeafId: string | null;
  models: readonly UserModel[];
  busy: boolean;
  actions: ThreadActions;
}) {
  const steps = threadSteps(tree, activeLeafId);
  return (
    <>
      {steps.map((step) =>
        step.kind === 'compare' ? (
          <CompareGroup
            tree={tree}
            key={step.replies.map((reply) => reply.id).join()}
            step={step}
            models={models}
            actions={actions}
          />
        ) : step.message.role === 'user' ? (
          <UserMessage
            tree={tree}
            key={step.message.id}
            message={step.message}
            units={step.units}
            index={step.index}
            busy={busy}
            actions={actions}
          />
        ) : (
          <AssistantMessage
            tree={tree}
            key={step.message.id}
            message={step.message}
            models={models}
            units={step.units}
            index={step.index}
            actions={actions}
          />
        ),
      )}
    </>
  );
}

/** Text for a problem shown in the chat: the server's detail, or a generic line. */
export function problemText(problem: ApiProblem, t: Translate): string {
  if (problem.status === 0) return t('errors.network');
  return (
    problem.problem.detail ??
    (problem.problem.title || t('errors.unexpected', { status: problem.status }))
  );
}
