import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  ATTACHMENT_ACCEPT,
  ATTACHMENT_MAX_BYTES,
  type Attachment,
  MAX_COMPARE,
  type UserModel,
  uploadAttachment,
} from '../../api/chat';
import { ApiProblem } from '../../api/client';
import { authed } from '../../auth';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { Menu } from './menu';
import { problemText } from './messages';

/** One file picked for the next message: uploading, uploaded, or refused. */
interface Pending {
  key: number;
  name: string;
  /** A local preview of an image (the file itself, no upload needed to show it). */
  preview: string | null;
  attachment: Attachment | null;
  error: string | null;
}

const PROVIDER_LABEL: Record<string, string> = {
  offline: 'WeBox',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
  mistral: 'Mistral',
  groq: 'Groq',
};

/** The model selection of the composer, kept by the page (edits and new chats use it too). */
export interface ModelChoice {
  model: string;
  compare: boolean;
  compareModels: string[];
}

function optionLabel(model: UserModel, t: ReturnType<typeof useI18n>['t']): string {
  if (model.availability === 'not-configured') {
    return t('chat.model.needsKey', { name: model.displayName });
  }
  if (model.offline) return t('chat.model.offline', { name: model.displayName });
  return model.displayName;
}

function ModelOptions({ models }: { models: readonly UserModel[] }) {
  const { t } = useI18n();
  const providers = [...new Set(models.map((model) => model.provider))];
  return (
    <>
      {providers.map((provider) => (
        <optgroup key={provider} label={PROVIDER_LABEL[provider] ?? provider}>
          {models
            .filter((model) => model.provider === provider)
            .map((model) => (
              <option
                key={model.slug}
                value={model.slug}
                disabled={model.availability === 'not-configured'}
              >
                {optionLabel(model, t)}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  );
}

interface ComposerProps {
  models: readonly UserModel[];
  choice: ModelChoice;
  onChoice(choice: ModelChoice): void;
  /** True while replies are being written: Enter does not send, Stop is offered. */
  streaming: boolean;
  /** The text to start with (a prompt handed over from the prompt library). */
  initialText: string;
  problem: ApiProblem | null;
  onSend(content: string, attachmentIds: string[]): Promise<boolean>;
  onStop(): void;
}

/**
 * Where messages are written: text (Enter sends, Shift+Enter adds a line), attachments
 * with image previews, the model picker and the compare selection, Send or Stop.
 */
export function Composer({
  models,
  choice,
  onChoice,
  streaming,
  initialText,
  problem,
  onSend,
  onStop,
}: ComposerProps) {
  const { t } = useI18n();
  const [text, setText] = useState(initialText);
  const [files, setFiles] = useState<Pending[]>([]);
  const [sending, setSending] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const counter = useRef(0);

  useEffect(() => {
    if (initialText) setText(initialText);
  }, [initialText]);

  // Grows with the text up to a limit, then scrolls.
  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 240)}px`;
  }, [text]);

  // Previews are revoked when their file leaves the list, and all of them on unmount.
  const filesRef = useRef(files);
  filesRef.current = files;
  useEffect(
    () => () => {
      for (const file of filesRef.current) if (file.preview) URL.revokeObjectURL(file.preview);
    },
    [],
  );

  function drop(keys: (key: number) => boolean) {
    for (const file of filesRef.current) {
      if (keys(file.key) && file.preview) URL.revokeObjectURL(file.preview);
    }
    setFiles((current) => current.filter((file) => !keys(file.key)));
  }

  const uploading = files.some((file) => !file.attachment && !file.error);
  const ready = files.flatMap((file) => (file.attachment ? [file.attachment.id] : []));
  const compareCount = choice.compareModels.length;
  const compareOk = !choice.compare || (compareCount >= 2 && compareCount <= MAX_COMPARE);
  const canSend =
    !sending && !streaming && !uploading && compareOk && (text.trim() !== '' || ready.length > 0);
  const needsKey = models.some((model) => model.availability === 'not-configured');

  async function submit() {
    if (!canSend) return;
    setSending(true);
    const ok = await onSend(text, ready);
    setSending(false);
    if (ok) {
      setText('');
      drop(() => true);
    }
    area.current?.focus();
  }

  async function add(list: FileList) {
    for (const file of Array.from(list)) {
      counter.current += 1;
      const key = counter.current;
      const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
      const tooBig = file.size > ATTACHMENT_MAX_BYTES;
      const entry: Pending = {
        key,
        name: file.name,
        preview,
        attachment: null,
        error: tooBig ? t('chat.attach.tooBig') : null,
      };
      setFiles((current) => [...current, entry]);
      if (tooBig) continue;
      try {
        const attachment = await authed((token) => uploadAttachment(token, file));
        setFiles((current) => current.map((f) => (f.key === key ? { ...f, attachment } : f)));
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        const message = problemText(error, t);
        setFiles((current) => current.map((f) => (f.key === key ? { ...f, error: message } : f)));
      }
    }
  }

  function toggleCompare(slug: string, on: boolean) {
    const next = on
      ? [...choice.compareModels, slug].slice(0, MAX_COMPARE)
      : choice.compareModels.filter((item) => item !== slug);
    onChoice({ ...choice, compareModels: next });
  }

  return (
    <form
      class="chat-composer"
      aria-label={t('chat.composer')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {problem && (
        <div class="alert alert-error chat-problem" role="alert">
          <p class="alert-message">{problemText(problem, t)}</p>
          {(problem.problem.code === 'PROVIDER_NOT_CONFIGURED' ||
            problem.problem.code === 'QUOTA_EXCEEDED') && (
            <p class="alert-meta">
              <Link href="/keys">{t('chat.addKey')}</Link>
            </p>
          )}
        </div>
      )}
      {files.length > 0 && (
        <ul class="chat-pending" aria-label={t('chat.attach.list')}>
          {files.map((file) => (
            <li key={file.key} class={`chat-chip${file.error ? ' has-error' : ''}`}>
              {file.preview ? (
                <img src={file.preview} alt="" class="chat-chip-thumb" />
              ) : (
                <span class="chat-chip-icon" aria-hidden="true">
                  📄
                </span>
              )}
              <span class="chat-chip-name">{file.name}</span>
              <span class="chat-chip-state">
                {file.error ?? (file.attachment ? '' : t('chat.attach.uploading'))}
              </span>
              <button
                type="button"
                class="chat-action"
                aria-label={t('chat.attach.remove', { name: file.name })}
                title={t('chat.attach.remove', { name: file.name })}
                onClick={() => drop((key) => key === file.key)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="chat-input">
        <label class="visually-hidden" for="chat-input">
          {t('chat.message')}
        </label>
        <textarea
          id="chat-input"
          ref={area}
          rows={1}
          value={text}
          placeholder={t('chat.placeholder')}
          aria-describedby="chat-input-hint"
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
          onPaste={(event) => {
            const pasted = event.clipboardData?.files;
            if (pasted && pasted.length > 0) {
              event.preventDefault();
              void add(pasted);
            }
          }}
        />
      </div>
      <div class="chat-composer-bar">
        <label class="chat-action chat-attach" title={t('chat.attach.label')}>
          <input
            type="file"
            class="visually-hidden"
            multiple
            accept={ATTACHMENT_ACCEPT}
            aria-label={t('chat.attach.label')}
            onChange={(event) => {
              const input = event.currentTarget;
              if (input.files) void add(input.files);
              input.value = '';
            }}
          />
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path
              fill="currentColor"
              d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5z"
            />
          </svg>
        </label>
        {choice.compare ? (
          <Menu
            label={t('chat.compare.choose', { count: compareCount })}
            buttonClass="button chat-compare-button"
            align="start"
            direction="up"
            initiallyOpen={compareCount < 2}
          >
            {() => (
              <fieldset class="chat-compare-picker">
                <legend>{t('chat.compare.pick', { count: compareCount, max: MAX_COMPARE })}</legend>
                {models.map((model) => {
                  const checked = choice.compareModels.includes(model.slug);
                  const disabled =
                    model.availability === 'not-configured' ||
                    (!checked && compareCount >= MAX_COMPARE);
                  return (
                    <label
                      key={model.slug}
                      class={`chat-compare-option${disabled ? ' is-disabled' : ''}`}
                    >
                      <input
                        type="checkbox"
                        checked={checked}
                        disabled={disabled}
                        onChange={(event) => toggleCompare(model.slug, event.currentTarget.checked)}
                      />
                      {optionLabel(model, t)}
                    </label>
                  );
                })}
              </fieldset>
            )}
          </Menu>
        ) : (
          <span class="chat-model-picker">
            <label class="visually-hidden" for="chat-model">
              {t('chat.model.label')}
            </label>
            <select
              id="chat-model"
              value={choice.model}
              onChange={(event) => onChoice({ ...choice, model: event.currentTarget.value })}
            >
              {!models.some((model) => model.slug === choice.model) && (
                <option value={choice.model}>{choice.model}</option>
              )}
              <ModelOptions models={models} />
            </select>
          </span>
        )}
        <label class="chat-compare-toggle">
          <input
            type="checkbox"
            checked={choice.compare}
            onChange={(event) => {
              const on = event.currentTarget.checked;
              const seeded =
                on && choice.compareModels.length === 0 ? [choice.model] : choice.compareModels;
              onChoice({ ...choice, compare: on, compareModels: seeded });
            }}
          />
          {t('chat.compare.toggle')}
        </label>
        <span class="chat-composer-spacer" />
        <span id="chat-input-hint" class="chat-hint">
          {t('chat.hint')}
        </span>
        {streaming ? (
          <button type="button" class="button chat-stop" onClick={onStop}>
            {t('chat.stop')}
          </button>
        ) : (
          <button type="submit" class="button chat-button-accent chat-send" disabled={!canSend}>
            {sending ? t('chat.sending') : t('chat.send')}
          </button>
        )}
      </div>
      {needsKey && (
        <p class="chat-keys-hint">
          {t('chat.model.someNeedKey')} <Link href="/keys">{t('chat.addKey')}</Link>
        </p>
      )}
    </form>
  );
}
