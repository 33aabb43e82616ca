// The Redis cache store (ioredis): shared by replicas; fails fast instead of queueing while Redis is down.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CacheStore } from './caching-source.js';

export interface RedisStoreOptions {
  url: string;
  /** Limit of one command; a slower Redis counts as down for that lookup. */
  commandTimeoutMs: number;
  logger: Logger;
  /** Prepended to every key, so several relays (or other users) can share one Redis. */
  prefix?: string;
}

export function createRedisStore(options: RedisStoreOptions): CacheStore & { ready(): Promise<void> } {
  const prefix = options.prefix ?? 'calendar-relay:';
  const redis = new Redis(options.url, {
    lazyConnect: false,
    // Lookups must never wait for Redis to come back: commands fail at once while it is disconnected...
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1_000, options.commandTimeoutMs),
    // ...while the connection keeps being retried in the background, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    keyPrefix: prefix,
  });
  let down = false;
  redis.on('error', (err: Error & { code?: string }) => {
    // Logged once per outage; every failed command is also counted by the caller.
    if (!down) options.logger.warn({ event: 'cache.redis_down', reason: err.code ?? err.name }, 'Redis is unreachable: lookups go to Graph');
    down = true;
  });
  redis.on('ready', () => {
    if (down) options.logger.info({ event: 'cache.redis_up' }, 'Redis is reachable again');
    down = false;
  });
  return {
    kind: 'redis',
    ready: () =>
      redis.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            redis.once('ready', resolve);
            redis.once('end', () => reject(new Error('Redis connection ended')));
          }),
    async get(keys) {
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys);
      return values.map((v) => v ?? undefined);
    },
    async set(entries, ttlMs) {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { key, value } of entries) pipeline.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
      const results = await pipeline.exec();
      const failure = results?.find(([err]) => err)?.[0];
      if (failure) throw failure;
    },
    async close() {
      redis.disconnect();
    },
  };
}
