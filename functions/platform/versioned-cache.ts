import type { Logger } from './logging';
import type { KeyValue } from './redis';

/**
 * Records cached per isolate, one per id (an account), each under a version kept in Redis:
 * a change writes a new random version after its commit, so the next read anywhere reloads
 * it (the model registry's pattern, with one version per id). Random rather than counted, so
 * a flushed Redis can never bring back a version some isolate still holds; and a copy is read
 * again after `maxAgeMs` even if its version did not move (a bump lost while Redis was down).
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: string; value: T; at: number }>();

  constructor(
    /** Redis key prefix of the versions, e.g. "plan:version". */
    private readonly prefix: string,
    private readonly options: { maxEntries: number; maxAgeMs: number; versionTtlSeconds: number },
  ) {}

  /** The Redis key holding an id's version. */
  versionKey(id: string): string {
    return `${this.prefix}:${id}`;
  }

  /**
   * The id's record. `version` is what the caller read from `versionKey(id)` (alone or in a
   * pipeline it sends anyway; `undefined` when Redis could not be read, which skips the
   * cache): equal to the cached copy's, nothing is loaded. With no version yet, one is set
   * while loading and the copy is kept only if that version stuck (a change committed
   * meanwhile bumps it, and what was loaded is not trusted).
   */
  async get(
    kv: KeyValue,
    id: string,
    version: string | null | undefined,
    load: () => Promise<T>,
  ): Promise<T> {
    if (version === undefined) return load();
    const hit = this.entries.get(id);
    if (
      version !== null &&
      hit?.version === version &&
      Date.now() - hit.at < this.options.maxAgeMs
    ) {
      return hit.value;
    }
    if (version !== null) {
      const value = await load();
      this.remember(id, version, value);
      return value;
    }
    const fresh = crypto.randomUUID();
    const [value, set] = await Promise.all([
      load(),
      kv
        .set(this.versionKey(id), fresh, { nx: true, ex: this.options.versionTtlSeconds })
        .catch(() => null),
    ]);
    if (set === 'OK') this.remember(id, fresh, value);
    return value;
  }

  /** Reads the id's version from Redis, then the record (`undefined` version on failure). */
  async read(kv: KeyValue, id: string, load: () => Promise<T>): Promise<T> {
    const version = await kv
      .get<string>(this.versionKey(id))
      .then((value) => (value === null ? null : String(value)))
      .catch(() => undefined);
    return this.get(kv, id, version, load);
  }

  /**
   * Marks an id's record changed, after the change committed: every isolate reloads it on its
   * next read. A failure is logged, never thrown (the change itself is already committed).
   */
  async changed(
    services: { kv: KeyValue; logger: Pick<Logger, 'error'> },
    id: string,
  ): Promise<void> {
    this.entries.delete(id);
    await services.kv
      .set(this.versionKey(id), crypto.randomUUID(), { ex: this.options.versionTtlSeconds })
      .catch((error: unknown) => {
        services.logger.error('cache version not bumped', { key: this.versionKey(id), error });
      });
  }

  private remember(id: string, version: string, value: T): void {
    this.entries.delete(id);
    this.entries.set(id, { version, value, at: Date.now() });
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
