import { and, asc, eq } from 'drizzle-orm';
import { type Database, isUniqueViolation, type Transaction } from '../../db/client';
import { mediaFiles, mediaFolders } from '../../db/schema';
import { ApiError } from '../platform/errors';
import { cleanName, type MediaFolderRow, requireFolder } from './service';

/** A folder as the API returns it; the tree is rebuilt from `parentId`. */
export interface MediaFolder {
  id: string;
  parentId: string | null;
  name: string;
  createdAt: string;
}

const SIBLING_NAME_KEY = 'media_folders_sibling_name_key';

function toFolder(row: MediaFolderRow): MediaFolder {
  return {
    id: row.id,
    parentId: row.parentId,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Turns a clash of sibling names into 409 CONFLICT; anything else is rethrown. */
async function siblingNamesUnique<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err, SIBLING_NAME_KEY)) {
      throw new ApiError(
        'CONFLICT',
        name
          ? `A folder named "${name}" is already there; choose another name.`
          : 'A folder with the same name is already there; rename one first.',
      );
    }
    throw err;
  }
}

/** Every folder of the caller, by name. */
export async function listFolders(db: Database, userId: string): Promise<MediaFolder[]> {
  const rows = await db
    .select()
    .from(mediaFolders)
    .where(eq(mediaFolders.userId, userId))
    .orderBy(asc(mediaFolders.name), asc(mediaFolders.id));
  return rows.map(toFolder);
}

/** A new folder at the top level or inside one of the caller's folders; names unique among siblings. */
export async function createFolder(
  db: Database,
  userId: string,
  input: { name: string; parentId?: string | null },
): Promise<MediaFolder> {
  if (input.parentId) await requireFolder(db, userId, input.parentId);
  const name = cleanName(input.name, 'folder');
  const [row] = await siblingNamesUnique(name, () =>
    db
      .insert(mediaFolders)
      .values({ userId, name, parentId: input.parentId ?? null })
      .returning(),
  );
  if (!row) throw new Error('createFolder: no row returned');
  return toFolder(row);
}

/** Locks the caller's folders so two concurrent moves cannot together make a cycle. */
async function lockFolders(tx: Transaction, userId: string) {
  return tx
    .select({ id: mediaFolders.id, parentId: mediaFolders.parentId })
    .from(mediaFolders)
    .where(eq(mediaFolders.userId, userId))
    .for('update');
}

/** Renames a folder and/or moves it under another of the caller's folders (null: top level). */
export async function updateFolder(
  db: Database,
  userId: string,
  id: string,
  patch: { name?: string; parentId?: string | null },
): Promise<MediaFolder> {
  const name = patch.name === undefined ? undefined : cleanName(patch.name, 'folder');
  return siblingNamesUnique(name, () =>
    db.transaction(async (tx) => {
      const folders = await lockFolders(tx, userId);
      const parentOf = new Map(folders.map((folder) => [folder.id, folder.parentId]));
      if (!parentOf.has(id)) throw new ApiError('NOT_FOUND', 'No such folder.');
      if (patch.parentId) {
        if (!parentOf.has(patch.parentId)) throw new ApiError('NOT_FOUND', 'No such folder.');
        for (let at: string | null | undefined = patch.parentId; at; at = parentOf.get(at)) {
          if (at === id) {
            throw new ApiError(
              'BAD_REQUEST',
              'A folder cannot be moved into itself or one of its subfolders.',
            );
          }
        }
      }
      const [row] = await tx
        .update(mediaFolders)
        .set({
          ...(name !== undefined ? { name } : {}),
          ...(patch.parentId !== undefined ? { parentId: patch.parentId } : {}),
        })
        .where(and(eq(mediaFolders.id, id), eq(mediaFolders.userId, userId)))
        .returning();
      if (!row) throw new ApiError('NOT_FOUND', 'No such folder.');
      return toFolder(row);
    }),
  );
}

/**
 * Deletes a folder but nothing in it: in one transaction its files and subfolders move up to
 * its parent (or the top level), then the folder goes. A subfolder whose name is already
 * taken there makes it a 409 and nothing changes.
 */
export async function deleteFolder(db: Database, userId: string, id: string): Promise<void> {
  await siblingNamesUnique(undefined, () =>
    db.transaction(async (tx) => {
      await lockFolders(tx, userId);
      const folder = await requireFolder(tx, userId, id);
      // A subfolder may share the name of the folder it leaves: rename the folder first to a
      // name no user can type (cleanName drops control characters), so they never clash.
      await tx
        .update(mediaFolders)
        .set({ name: `\u0001${id}` })
        .where(eq(mediaFolders.id, id));
      await tx
        .update(mediaFiles)
        .set({ folderId: folder.parentId, updatedAt: new Date() })
        .where(and(eq(mediaFiles.userId, userId), eq(mediaFiles.folderId, id)));
      await tx
        .update(mediaFolders)
        .set({ parentId: folder.parentId })
        .where(and(eq(mediaFolders.userId, userId), eq(mediaFolders.parentId, id)));
      await tx
        .delete(mediaFolders)
        .where(and(eq(mediaFolders.id, id), eq(mediaFolders.userId, userId)));
    }),
  );
}
