import { useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../api/client';
import {
  createFolder,
  deleteFolder,
  deleteMediaFile,
  listFolders,
  listMediaFiles,
  type MediaFile,
  type MediaFilters,
  type MediaFolder,
  type StorageInfo,
  storageInfo,
  updateFolder,
  updateMediaFile,
  uploadMediaFile,
} from '../api/media';
import { authed } from '../auth';
import { OfflineBadge } from '../components/generation/offline-badge';
import {
  InlineForm,
  LibraryNotices,
  PagedSection,
  useLibraryActions,
  usePagedList,
  useSearchFilter,
} from '../components/library/library';
import { useI18n } from '../i18n';
import { ConfirmAction, Field, formatBytes, usePageTitle, useResource } from '../ui';

/** 'all' (every file), 'root' (the top level) or a folder id. */
type Place = string;

interface UploadState {
  key: string;
  name: string;
  size: number;
  sent: number;
  status: 'uploading' | 'done' | 'failed';
  error?: string;
}

export { formatBytes };

/** The folders from the top level down to `id`. */
function pathTo(folders: MediaFolder[], id: string): MediaFolder[] {
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  const path: MediaFolder[] = [];
  for (
    let at = byId.get(id);
    at && path.length <= folders.length;
    at = byId.get(at.parentId ?? '')
  ) {
    path.unshift(at);
  }
  return path;
}

/** Folders with their depth, depth-first, for the tree and the "move to" list. */
function flatTree(folders: MediaFolder[]): { folder: MediaFolder; depth: number }[] {
  const out: { folder: MediaFolder; depth: number }[] = [];
  const walk = (parentId: string | null, depth: number) => {
    for (const folder of folders.filter((item) => item.parentId === parentId)) {
      out.push({ folder, depth });
      walk(folder.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function StorageBar({ storage }: { storage: StorageInfo }) {
  const { t, lang } = useI18n();
  const share = storage.limitBytes > 0 ? storage.usedBytes / storage.limitBytes : 0;
  return (
    <div class="quota">
      <div class="quota-head">
        <span id="media-storage-label">{t('media.storage')}</span>
        <span>
          {t('media.storage.used', {
            used: formatBytes(storage.usedBytes, lang),
            limit: formatBytes(storage.limitBytes, lang),
          })}
        </span>
      </div>
      <meter
        class="media-meter"
        aria-labelledby="media-storage-label"
        min={0}
        max={1}
        low={0.75}
        high={0.9}
        optimum={0}
        value={Math.min(1, share)}
      />
      <p class="muted quota-reset">
        {t('media.storage.files', { count: storage.files })} · {t(`plan.${storage.plan}`)}
      </p>
    </div>
  );
}

/** What a file looks like in the grid: picture, player or an "Open" link. */

/** A short label for a document's preview tile: its extension, else its type. */
function docLabel(name: string, contentType: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if (ext && ext.length <= 4) return ext.toUpperCase();
  return contentType.split('/')[1]?.slice(0, 4).toUpperCase() ?? 'FILE';
}

function Preview({ file }: { file: MediaFile }) {
  if (!file.url) return null;
  if (file.kind === 'image' && file.thumbnailUrl) {
    return <img class="media-thumb" src={file.thumbnailUrl} alt={file.name} loading="lazy" />;
  }
  if (file.kind === 'audio') {
    return (
      // biome-ignore lint/a11y/useMediaCaption: users' own recordings have no captions.
      <audio class="media-player" controls preload="none" src={file.url} aria-label={file.name} />
    );
  }
  if (file.kind === 'video') {
    return (
      // biome-ignore lint/a11y/useMediaCaption: users' own videos have no captions.
      <video
        class="media-thumb"
        controls
        preload="metadata"
        src={file.url}
        aria-label={file.name}
      />
    );
  }
  return (
    <div class="media-thumb media-doc">
      {/* The extension in text: emoji are missing from many system fonts. */}
      <span aria-hidden="true">{docLabel(file.name, file.contentType)}</span>
    </div>
  );
}

function FileCard({
  file,
  folders,
  busy,
  onRename,
  onMove,
  onDelete,
}: {
  file: MediaFile;
  folders: MediaFolder[];
  busy: boolean;
  onRename(name: string): Promise<boolean>;
  onMove(folderId: string | null): Promise<boolean>;
  onDelete(): Promise<void>;
}) {
  const { t, lang } = useI18n();
  const [mode, setMode] = useState<'view' | 'rename' | 'move'>('view');
  const [name, setName] = useState(file.name);
  const [target, setTarget] = useState(file.folderId ?? '');
  const titleId = `media-file-${file.id}`;
  return (
    <article class="card media-card" aria-labelledby={titleId}>
      <Preview file={file} />
      <h3 id={titleId} class="media-name">
        {file.name}
      </h3>
      <p class="muted media-meta">
        {formatBytes(file.size, lang)} · {t(`media.kind.${file.kind}`)}
        {file.width && file.height ? ` · ${file.width}×${file.height}` : ''}
        {file.source === 'generated' && (
          <>
            {' '}
            <span class="badge">{t('media.generated')}</span>
          </>
        )}
        {file.offline && (
          <>
            {' '}
            <OfflineBadge offline />
          </>
        )}
      </p>
      {file.prompt && <p class="media-prompt">{file.prompt}</p>}
      <p class="actions">
        {file.url && (
          <a class="button" href={file.url} target="_blank" rel="noopener">
            {t('media.open')}
          </a>
        )}
        {file.jobId && (
          <a class="button" href={`/generation?job=${encodeURIComponent(file.jobId)}`}>
            {t('media.openJob')}
          </a>
        )}
      </p>
      {mode === 'rename' ? (
        <InlineForm
          label={t('media.rename.title', { name: file.name })}
          submit={t('media.save')}
          cancel={t('media.cancel')}
          disabled={busy}
          onSubmit={async () => {
            if (await onRename(name)) setMode('view');
          }}
          onCancel={() => setMode('view')}
        >
          <Field
            id={`${titleId}-name`}
            label={t('media.rename.name')}
            value={name}
            onValue={setName}
            maxLength={200}
            required
          />
        </InlineForm>
      ) : mode === 'move' ? (
        <InlineForm
          label={t('media.move.title', { name: file.name })}
          submit={t('media.move')}
          cancel={t('media.cancel')}
          disabled={busy}
          onSubmit={async () => {
            if (await onMove(target || null)) setMode('view');
          }}
          onCancel={() => setMode('view')}
        >
          <Field
            kind="select"
            id={`${titleId}-target`}
            label={t('media.move.to')}
            value={target}
            options={[
              { value: '', label: t('media.folders.root') },
              ...flatTree(folders).map(({ folder, depth }) => ({
                value: folder.id,
                label: `${'  '.repeat(depth)}${folder.name}`,
              })),
            ]}
            onValue={setTarget}
          />
        </InlineForm>
      ) : (
        <p class="actions">
          <button
            type="button"
            class="link-button"
            onClick={() => {
              setName(file.name);
              setMode('rename');
            }}
          >
            {t('media.rename')}
          </button>
          <button type="button" class="link-button" onClick={() => setMode('move')}>
            {t('media.move')}
          </button>
          <ConfirmAction
            label={t('media.delete')}
            question={t('media.delete.confirm', { name: file.name })}
            confirmLabel={t('media.delete.yes')}
            disabled={busy}
            onConfirm={onDelete}
          />
        </p>
      )}
    </article>
  );
}

/** The folder tree; `place` is highlighted. */
function FolderTree({
  folders,
  place,
  onPlace,
}: {
  folders: MediaFolder[];
  place: Place;
  onPlace(place: Place): void;
}) {
  const { t } = useI18n();
  const item = (id: Place, label: string, depth: number) => (
    <li key={id} style={{ paddingInlineStart: `${depth * 1}rem` }}>
      <button
        type="button"
        class="link-button"
        aria-current={place === id ? 'true' : undefined}
        onClick={() => onPlace(id)}
      >
        {place === id ? <strong>{label}</strong> : label}
      </button>
    </li>
  );
  return (
    <nav class="card media-tree" aria-label={t('media.folders')}>
      <ul>
        {item('all', t('media.folders.all'), 0)}
        {item('root', t('media.folders.root'), 0)}
        {flatTree(folders).map(({ folder, depth }) => item(folder.id, folder.name, depth + 1))}
      </ul>
    </nav>
  );
}

/** The media manager: folders, uploads with progress, a searchable grid of files, storage. */
export function MediaPage() {
  const { t } = useI18n();
  usePageTitle(t('area.media'));
  const [place, setPlace] = useState<Place>('all');
  const { query, setQuery, filters, setFilters } = useSearchFilter<
    Omit<MediaFilters, 'folderId' | 'cursor'>
  >({});
  const [storage, setStorage] = useState<StorageInfo | null>(null);
  const { busy, problem, setProblem, message, setMessage, run } = useLibraryActions();
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [folderForm, setFolderForm] = useState<'new' | 'rename' | null>(null);
  const [folderName, setFolderName] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const folderList = useResource(() => authed(listFolders), []);
  const folders = folderList.data ?? [];

  const currentFolder = folders.find((folder) => folder.id === place) ?? null;
  const folderId = place === 'all' ? undefined : place;
  const uploadTarget = currentFolder?.id ?? null;

  const list = usePagedList(
    async (cursor) => {
      if (cursor) return authed((token) => listMediaFiles(token, { ...filters, folderId, cursor }));
      const [page, info] = await Promise.all([
        authed((token) => listMediaFiles(token, { ...filters, folderId })),
        authed(storageInfo),
      ]);
      setStorage(info);
      return page;
    },
    [filters, place],
    setProblem,
  );
  const loadFiles = list.load;
  const loadFolders = folderList.reload;

  async function onFiles(list: FileList | null) {
    const files = [...(list ?? [])];
    if (fileInput.current) fileInput.current.value = '';
    if (files.length === 0) return;
    setProblem(null);
    const states = files.map((file) => ({
      key: crypto.randomUUID(),
      name: file.name,
      size: file.size,
      sent: 0,
      status: 'uploading' as const,
    }));
    setUploads((previous) => [...states, ...previous.filter((u) => u.status === 'uploading')]);
    const patch = (key: string, change: Partial<UploadState>) =>
      setUploads((previous) => previous.map((u) => (u.key === key ? { ...u, ...change } : u)));
    await Promise.all(
      files.map(async (file, index) => {
        const key = states[index]?.key ?? '';
        try {
          await authed((token) =>
            uploadMediaFile(token, file, uploadTarget, (sent) => patch(key, { sent })),
          );
          patch(key, { status: 'done', sent: file.size });
        } catch (error) {
          if (!(error instanceof ApiProblem)) throw error;
          patch(key, { status: 'failed', error: error.problem.detail ?? error.problem.title });
        }
      }),
    );
    await loadFiles();
  }

  function saveFolder() {
    void run('folder', async () => {
      if (folderForm === 'new') {
        const created = await authed((token) =>
          createFolder(token, { name: folderName, parentId: uploadTarget }),
        );
        setMessage(t('media.folders.created', { name: created.name }));
      } else if (currentFolder) {
        await authed((token) => updateFolder(token, currentFolder.id, { name: folderName }));
      }
      setFolderForm(null);
      await loadFolders();
    });
  }

  function removeFolder() {
    if (!currentFolder) return;
    void run('folder', async () => {
      await authed((token) => deleteFolder(token, currentFolder.id));
      setMessage(t('media.folders.deleted', { name: currentFolder.name }));
      setPlace(currentFolder.parentId ?? 'root');
      await loadFolders();
    });
  }

  const breadcrumb = currentFolder ? pathTo(folders, currentFolder.id) : [];
  const hasFilters = Boolean(filters.q || filters.kind || filters.source);

  return (
    <div class="page media-page">
      <h1 tabIndex={-1}>{t('area.media')}</h1>
      <p class="muted">{t('media.intro')}</p>
      {storage && <StorageBar storage={storage} />}
      <LibraryNotices problem={problem ?? folderList.problem} message={message} />
      <div class="media-layout">
        <FolderTree
          folders={folders}
          place={place}
          onPlace={(next) => {
            setPlace(next);
            setFolderForm(null);
          }}
        />
        <div class="media-main">
          <nav aria-label={t('media.breadcrumb')} class="media-breadcrumb">
            <button type="button" class="link-button" onClick={() => setPlace('root')}>
              {t('media.folders.root')}
            </button>
            {place === 'all' && <span> / {t('media.folders.all')}</span>}
            {breadcrumb.map((folder) => (
              <span key={folder.id}>
                {' / '}
                <button
                  type="button"
                  class="link-button"
                  aria-current={folder.id === place ? 'page' : undefined}
                  onClick={() => setPlace(folder.id)}
                >
                  {folder.name}
                </button>
              </span>
            ))}
          </nav>
          <div class="actions">
            <label class="button button-primary" for="media-upload">
              {t('media.upload')}
            </label>
            <input
              ref={fileInput}
              id="media-upload"
              class="visually-hidden"
              type="file"
              multiple
              onChange={(event) => void onFiles(event.currentTarget.files)}
            />
            <button
              type="button"
              class="button"
              onClick={() => {
                setFolderName('');
                setFolderForm('new');
              }}
            >
              {t('media.folders.new')}
            </button>
            {currentFolder && (
              <>
                <button
                  type="button"
                  class="button"
                  onClick={() => {
                    setFolderName(currentFolder.name);
                    setFolderForm('rename');
                  }}
                >
                  {t('media.folders.rename')}
                </button>
                <ConfirmAction
                  label={t('media.folders.delete')}
                  question={t('media.folders.deleteConfirm', { name: currentFolder.name })}
                  confirmLabel={t('media.delete.yes')}
                  disabled={busy === 'folder'}
                  onConfirm={removeFolder}
                />
              </>
            )}
          </div>
          {folderForm && (
            <InlineForm
              class="card"
              label={folderForm === 'new' ? t('media.folders.new') : t('media.folders.rename')}
              submit={t('media.save')}
              cancel={t('media.cancel')}
              disabled={busy === 'folder'}
              onSubmit={saveFolder}
              onCancel={() => setFolderForm(null)}
            >
              <Field
                id="media-folder-name"
                label={t('media.folders.name')}
                value={folderName}
                onValue={setFolderName}
                maxLength={200}
                required
              />
            </InlineForm>
          )}
          {uploads.length > 0 && (
            <ul class="card media-uploads" aria-label={t('media.uploads')}>
              {uploads.map((upload) => (
                <li key={upload.key}>
                  <span>{upload.name}</span>{' '}
                  {upload.status === 'failed' ? (
                    <span class="field-error">{upload.error}</span>
                  ) : (
                    <progress
                      aria-label={t('media.uploadProgress', { name: upload.name })}
                      max={Math.max(1, upload.size)}
                      value={upload.sent}
                    />
                  )}{' '}
                  {upload.status === 'done' && <span class="muted">{t('media.uploaded')}</span>}
                </li>
              ))}
            </ul>
          )}
          <search>
            <form
              class="toolbar card"
              aria-label={t('media.filters')}
              onSubmit={(event) => event.preventDefault()}
            >
              <Field
                id="media-search"
                label={t('media.search')}
                value={query}
                onValue={setQuery}
                maxLength={200}
              />
              <Field
                kind="select"
                id="media-kind"
                label={t('media.kind')}
                value={filters.kind ?? ''}
                options={[
                  { value: '', label: t('media.kind.all') },
                  ...(['image', 'audio', 'video', 'document', 'other'] as const).map((kind) => ({
                    value: kind,
                    label: t(`media.kind.${kind}`),
                  })),
                ]}
                onValue={(kind) =>
                  setFilters({ ...filters, kind: (kind || undefined) as MediaFilters['kind'] })
                }
              />
              <Field
                kind="select"
                id="media-source"
                label={t('media.source')}
                value={filters.source ?? ''}
                options={[
                  { value: '', label: t('media.source.all') },
                  { value: 'upload', label: t('media.source.upload') },
                  { value: 'generated', label: t('media.source.generated') },
                ]}
                onValue={(source) =>
                  setFilters({
                    ...filters,
                    source: (source || undefined) as MediaFilters['source'],
                  })
                }
              />
            </form>
          </search>
          <PagedSection
            list={list}
            label={t('media.files')}
            empty={hasFilters ? t('media.noMatch') : t('media.empty')}
            more={t('media.more')}
          >
            {(items) => (
              <div class="media-grid">
                {items.map((file) => (
                  <FileCard
                    key={file.id}
                    file={file}
                    folders={folders}
                    busy={busy === file.id}
                    onRename={(name) =>
                      run(file.id, async () => {
                        const saved = await authed((token) =>
                          updateMediaFile(token, file.id, { name }),
                        );
                        list.setItems((previous) =>
                          (previous ?? []).map((item) => (item.id === file.id ? saved : item)),
                        );
                        setMessage(t('media.renamed', { name: saved.name }));
                      })
                    }
                    onMove={(target) =>
                      run(file.id, async () => {
                        await authed((token) =>
                          updateMediaFile(token, file.id, { folderId: target }),
                        );
                        setMessage(t('media.moved', { name: file.name }));
                        await loadFiles();
                      })
                    }
                    onDelete={async () => {
                      await run(file.id, async () => {
                        await authed((token) => deleteMediaFile(token, file.id));
                        setMessage(t('media.deleted', { name: file.name }));
                        await loadFiles();
                      });
                    }}
                  />
                ))}
              </div>
            )}
          </PagedSection>
        </div>
      </div>
    </div>
  );
}
