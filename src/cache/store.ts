// The cache port: string values under string keys with a lifetime; in memory (default) or Redis (shared by replicas).

export interface CacheStore {
  /** Values in key order; undefined for a miss. Rejects when the store is unreachable (callers then go to Graph). */
  get(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores every entry for `ttlMs`. Rejects when the store is unreachable. */
  set(entries: readonly { key: string; value: string }[], ttlMs: number): Promise<void>;
  close(): Promise<void>;
  /** Names the store in logs. */
  readonly kind: 'memory' | 'redis';
}
