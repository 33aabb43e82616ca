// The in-memory cache store: LRU bounded by entries and bytes, each entry expiring by the injected clock.
import { systemClock, type Clock } from '../clock.js';
import { LRUCache } from 'lru-cache';
import type { CacheStore } from './caching-source.js';

export interface MemoryStoreOptions {
  maxEntries: number;
  /** Budget for keys + values, counted as string length (JSON answers are ASCII but for subjects) plus overhead. */
  maxBytes: number;
  now?: Clock;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** Map and bookkeeping overhead per entry, roughly, so a flood of tiny entries still hits the byte budget. */
const ENTRY_OVERHEAD = 96;

export function createMemoryStore(options: MemoryStoreOptions): CacheStore & { readonly size: number; readonly bytes: number } {
  const now = options.now ?? systemClock;
  // lru-cache keeps its own TTL on performance.now(); expiry here follows the relay's clock so tests can step it.
  const lru = new LRUCache<string, Entry>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (entry, key) => entry.value.length + key.length + ENTRY_OVERHEAD,
  });
  return {
    kind: 'memory',
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    async get(keys) {
      const t = now();
      return keys.map((key) => {
        const entry = lru.get(key);
        if (!entry) return undefined;
        if (entry.expiresAt <= t) {
          lru.delete(key);
          return undefined;
        }
        return entry.value;
      });
    },
    async set(entries, ttlMs) {
      const expiresAt = now() + ttlMs;
      for (const { key, value } of entries) lru.set(key, { value, expiresAt });
    },
    async close() {
      lru.clear();
    },
  };
}
