/**
 * The message tree of a conversation: every branch is kept, the thread shown is the path
 * from the root to the active leaf. Pure functions over the API's message list (no DOM).
 */

/** The fields of a message the tree needs. */
export interface TreeMessage {
  id: string;
  parentId: string | null;
  role: 'user' | 'assistant';
  /** Replies of one send share it (the compared answers); null for user messages. */
  batchId?: string | null;
  createdAt: string;
}

/** Messages indexed by id and by parent, children oldest first. */
export interface Tree<M extends TreeMessage> {
  byId: Map<string, M>;
  children: Map<string | null, M[]>;
}

/** Indexes messages (given oldest first, as the API sends them). */
export function buildTree<M extends TreeMessage>(messages: readonly M[]): Tree<M> {
  const byId = new Map<string, M>();
  const children = new Map<string | null, M[]>();
  for (const message of messages) {
    byId.set(message.id, message);
    const list = children.get(message.parentId) ?? [];
    list.push(message);
    children.set(message.parentId, list);
  }
  return { byId, children };
}

/** The path from the root to a message, root first (empty for an unknown id). */
export function pathTo<M extends TreeMessage>(tree: Tree<M>, leafId: string | null): M[] {
  const path: M[] = [];
  const seen = new Set<string>();
  let current = leafId ? tree.byId.get(leafId) : undefined;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.push(current);
    current = current.parentId ? tree.byId.get(current.parentId) : undefined;
  }
  return path.reverse();
}

/**
 * The alternatives at one place of the thread, as the branch switcher counts them. The
 * replies written together by a compare form one unit, shown as columns; every other
 * message (an edit, a regenerated reply) is a unit of its own.
 */
export function siblingUnits<M extends TreeMessage>(tree: Tree<M>, message: M): M[][] {
  const siblings = (tree.children.get(message.parentId) ?? []).filter(
    (candidate) => candidate.role === message.role,
  );
  if (message.role === 'user') return siblings.map((sibling) => [sibling]);
  const units: M[][] = [];
  const batches = new Map<string, M[]>();
  for (const sibling of siblings) {
    const batch = sibling.batchId ? batches.get(sibling.batchId) : undefined;
    if (batch) {
      batch.push(sibling);
      continue;
    }
    const unit = [sibling];
    if (sibling.batchId) batches.set(sibling.batchId, unit);
    units.push(unit);
  }
  return units;
}

/** The newest creation time in a message's subtree (itself included). */
function newestUnder<M extends TreeMessage>(tree: Tree<M>, message: M): number {
  let newest = Date.parse(message.createdAt);
  const stack = [...(tree.children.get(message.id) ?? [])];
  for (let next = stack.pop(); next; next = stack.pop()) {
    newest = Math.max(newest, Date.parse(next.createdAt));
    stack.push(...(tree.children.get(next.id) ?? []));
  }
  return newest;
}

/**
 * The message to show when switching to a unit: for compared answers, the one the
 * conversation went on from most recently, so switching back returns to where it was.
 */
export function unitTarget<M extends TreeMessage>(
  tree: Tree<M>,
  unit: readonly M[],
): M | undefined {
  let best: M | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  for (const member of unit) {
    const time = newestUnder(tree, member);
    if (time > bestTime) {
      best = member;
      bestTime = time;
    }
  }
  return best;
}

/** The compare group a reply belongs to (itself alone when it was not a compare). */
export function unitOf<M extends TreeMessage>(tree: Tree<M>, message: M): M[] {
  return siblingUnits(tree, message).find((unit) => unit.includes(message)) ?? [message];
}

/** One step of the thread to render: a single message, or a compare group. */
export type ThreadStep<M extends TreeMessage> =
  | { kind: 'message'; message: M; units: M[][]; index: number }
  | { kind: 'compare'; chosen: M; replies: M[]; units: M[][]; index: number };

/** The thread to render for the active leaf, with each step's alternatives. */
export function threadSteps<M extends TreeMessage>(
  tree: Tree<M>,
  activeLeafId: string | null,
): ThreadStep<M>[] {
  return pathTo(tree, activeLeafId).map((message) => {
    const units = siblingUnits(tree, message);
    const index = units.findIndex((unit) => unit.includes(message));
    const unit = units[index] ?? [message];
    return unit.length > 1
      ? { kind: 'compare', chosen: message, replies: unit, units, index }
      : { kind: 'message', message, units, index };
  });
}
