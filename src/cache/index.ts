// Builds the cache layer the configuration asks for: none, single flight alone, in-memory, or Redis (see README.md).
import type { Logger } from 'pino';
import type { RelayConfig } from '../config/schema.js';
import type { ScheduleSource } from '../availability/schedule-source.js';
import { createCachingSource, type CacheObserver, type CacheStore, type CachingSource } from './caching-source.js';
import { createMemoryStore } from './memory-store.js';

export { createCachingSource, type CacheObserver, type CacheResult, type CacheStats, type CacheStore, type CachingSource } from './caching-source.js';
export { createMemoryStore } from './memory-store.js';

export type CacheConfig = RelayConfig['cache'];

/** The source as lookups should see it; the inner source itself when both the cache and single flight are off. */
export async function withCache(
  inner: ScheduleSource & { close?(): Promise<void> },
  c: CacheConfig,
  logger: Logger,
  now?: () => number,
  observer?: CacheObserver,
): Promise<ScheduleSource & { close?(): Promise<void>; stats?: CachingSource['stats'] }> {
  if (c.ttlSeconds === 0 && !c.singleFlight) return inner;
  let store: CacheStore | undefined;
  if (c.ttlSeconds > 0) {
    // ioredis is loaded only when Redis is configured.
    store = c.redisUrl
      ? (await import('./redis-store.js')).createRedisStore({ url: c.redisUrl, commandTimeoutMs: c.redisTimeoutMs, logger })
      : createMemoryStore({ maxEntries: c.maxEntries, maxBytes: c.maxBytes, ...(now ? { now } : {}) });
  }
  logger.info({ event: 'cache.configured', store: store?.kind ?? 'none', ttlSeconds: c.ttlSeconds, singleFlight: c.singleFlight }, 'free/busy cache');
  return createCachingSource(inner, { ttlMs: c.ttlSeconds * 1000, singleFlight: c.singleFlight, ...(store ? { store } : {}), ...(observer ? { observer } : {}), logger });
}
