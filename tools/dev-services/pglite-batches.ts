import type { PGlite } from '@electric-sql/pglite';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

/** The parts of pglite-socket's internal query queue this module relies on. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
  clearTransactionIfNeeded(handlerId: number): Promise<void>;
}

const SYNC = 0x53; // 'S'
const SIMPLE_QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/**
 * pglite-socket runs every client on PGlite's single backend and switches clients between
 * single protocol messages. With the extended protocol (Parse, Bind, Execute, Sync) one
 * client's Bind can then land on another client's unnamed statement ("invalid input syntax
 * for type uuid" under two concurrent requests). This keeps the queue on one client from
 * the first message of a batch to its Sync (or simple Query), and through a transaction,
 * so each client sees the server as a real backend of its own.
 */
export function serialiseBatches(server: object): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (
    !queue ||
    typeof queue.processQueue !== 'function' ||
    typeof queue.clearQueueForHandler !== 'function' ||
    !Array.isArray(queue.queue)
  ) {
    throw new Error('pglite-socket internals changed: review tools/dev-services/pglite-batches.ts');
  }
  let owner: number | null = null;

  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === owner);
        if (index === -1) break; // the owner's next message has not arrived yet
        const [item] = this.queue.splice(index, 1);
        if (!item) break;
        owner = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (err) {
          item.reject(err);
        }
        this.lastHandlerId = item.handlerId;
        const type = item.message[0];
        // A startup packet begins with its length, whose first byte is 0.
        const endsBatch =
          type === SYNC || type === SIMPLE_QUERY || type === TERMINATE || type === 0;
        if (endsBatch && !this.db.isInTransaction()) owner = null;
      }
    } finally {
      this.processing = false;
    }
  }.bind(queue);

  const clearQueue = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clearQueue(handlerId);
    if (owner === handlerId && !queue.db.isInTransaction()) {
      owner = null;
      void queue.processQueue();
    }
  };
  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    await clearTransaction(handlerId);
    if (owner === handlerId && !queue.db.isInTransaction()) {
      owner = null;
      await queue.processQueue();
    }
  };
}
