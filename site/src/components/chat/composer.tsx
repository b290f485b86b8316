import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  ATTACHMENT_ACCEPT,
  ATTACHMENT_MAX_BYTES,
  type Attachment,
  MAX_COMPARE,
  type UserModel,
  uploadAttachment,
} from '../../api/chat';
import type { ApiProblem } from '../../api/client';
import { authed } from '../../auth';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { attempt, Field, type FieldOption } from '../../ui';
import { ATTACH_ICON, Icon } from './icon';
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

/**
 * The model picker's options grouped by provider; a model the registry no longer lists (a
 * conversation's old one) comes first on its own, so the picker still shows it.
 */
function modelOptions(
  models: readonly UserModel[],
  current: string,
  t: ReturnType<typeof useI18n>['t'],
): FieldOption[] {
  const providers = [...new Set(models.map((model) => model.provider))];
  const options = providers.flatMap((provider) =>
    models
      .filter((model) => model.provider === provider)
      .map((model) => ({
        value: model.slug,
        label: optionLabel(model, t),
        disabled: model.availability === 'not-configured',
        group: PROVIDER_LABEL[provider] ?? provider,
      })),
  );
  return models.some((model) => model.slug === current)
    ? options
    : [{ value: current, label: current }, ...options];
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
  const box = useRef<HTMLDivElement>(null);
  const counter = useRef(0);
  const area = () => box.current?.querySelector('textarea') ?? null;

  useEffect(() => {
    if (initialText) setText(initialText);
  }, [initialText]);

  // Grows with the text up to a limit, then scrolls.
  useLayoutEffect(() => {
    const element = area();
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
    area()?.focus();
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
      const patch = (change: Partial<Pending>) =>
        setFiles((current) => current.map((f) => (f.key === key ? { ...f, ...change } : f)));
      setFiles((current) => [...current, entry]);
      if (tooBig) continue;
      await attempt(
        async () => patch({ attachment: await authed((token) => uploadAttachment(token, file)) }),
        (failure) => patch({ error: problemText(failure, t) }),
      );
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
      {/* The keys and pastes of the Field's textarea bubble up to this box. */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the textarea inside is the control. */}
      <div
        class="chat-input"
        ref={box}
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
      >
        <Field
          id="chat-input"
          kind="textarea"
          label={t('chat.message')}
          hideLabel
          hint={t('chat.hint')}
          rows={1}
          value={text}
          placeholder={t('chat.placeholder')}
          onValue={setText}
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
          <Icon path={ATTACH_ICON} size={18} />
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
                    <Field
                      key={model.slug}
                      id={`chat-compare-${model.slug}`}
                      kind="checkbox"
                      class={`chat-compare-option${disabled ? ' is-disabled' : ''}`}
                      label={optionLabel(model, t)}
                      checked={checked}
                      disabled={disabled}
                      onChecked={(on) => toggleCompare(model.slug, on)}
                    />
                  );
                })}
              </fieldset>
            )}
          </Menu>
        ) : (
          <Field
            id="chat-model"
            kind="select"
            class="chat-model-picker"
            label={t('chat.model.label')}
            hideLabel
            value={choice.model}
            options={modelOptions(models, choice.model, t)}
            onValue={(model) => onChoice({ ...choice, model })}
          />
        )}
        <Field
          id="chat-compare"
          kind="checkbox"
          class="chat-compare-toggle"
          label={t('chat.compare.toggle')}
          checked={choice.compare}
          onChecked={(on) => {
            const seeded =
              on && choice.compareModels.length === 0 ? [choice.model] : choice.compareModels;
            onChoice({ ...choice, compare: on, compareModels: seeded });
          }}
        />
        <span class="chat-composer-spacer" />
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
