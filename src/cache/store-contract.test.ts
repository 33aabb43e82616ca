// One contract for both cache stores (memory and a real redis-server), plus the memory store's bounds.
import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUnavailable, startRedis, type RedisServer } from '../../test/support/redis-server.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { CacheStore } from './caching-source.js';

const noRedis = redisUnavailable();
let redis: RedisServer | undefined;
beforeAll(async () => {
  if (!noRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let n = 0;
const stores: { name: string; skip?: string; make: () => Promise<CacheStore> }[] = [
  { name: 'memory', make: async () => createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000 }) },
  {
    name: 'redis',
    ...(noRedis ? { skip: noRedis } : {}),
    make: async () => {
      // A prefix per store keeps the tests independent on the one server.
      const s = createRedisStore({ url: redis!.url, commandTimeoutMs: 500, logger: pino({ level: 'silent' }), prefix: `t${n++}:` });
      await s.ready();
      return s;
    },
  },
];

for (const { name, skip, make } of stores) {
  describe.skipIf(skip !== undefined)(`cache store contract: ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('misses unknown keys and answers stored ones in key order', async () => {
      const s = await make();
      expect(await s.get(['a', 'b'])).toEqual([undefined, undefined]);
      await s.set([{ key: 'a', value: 'A' }, { key: 'b', value: '{"ok":true,"items":[]}' }], 10_000);
      expect(await s.get(['b', 'nope', 'a'])).toEqual(['{"ok":true,"items":[]}', undefined, 'A']);
      expect(await s.get([])).toEqual([]);
      await s.close();
    });

    it('overwrites, keeps non-ASCII text intact, and forgets entries after their lifetime', async () => {
      const s = await make();
      await s.set([{ key: 'k', value: 'old' }], 10_000);
      await s.set([{ key: 'k', value: 'Réunion ☕' }], 10_000);
      expect(await s.get(['k'])).toEqual(['Réunion ☕']);
      await s.set([{ key: 'short', value: 'x' }], 80);
      expect(await s.get(['short'])).toEqual(['x']);
      await delay(150);
      expect(await s.get(['short', 'k'])).toEqual([undefined, 'Réunion ☕']);
      await s.close();
    });
  });
}

describe('memory store bounds', () => {
  it('evicts the least recently used entry beyond maxEntries', async () => {
    const s = createMemoryStore({ maxEntries: 2, maxBytes: 1_000_000 });
    await s.set([{ key: 'a', value: '1' }, { key: 'b', value: '2' }], 10_000);
    await s.get(['a']);
    await s.set([{ key: 'c', value: '3' }], 10_000);
    expect(await s.get(['a', 'b', 'c'])).toEqual(['1', undefined, '3']);
  });

  it('stays within maxBytes, and refuses an entry larger than the whole budget', async () => {
    const s = createMemoryStore({ maxEntries: 1000, maxBytes: 4096 });
    for (let i = 0; i < 50; i++) await s.set([{ key: `k${i}`, value: 'x'.repeat(400) }], 10_000);
    expect(s.bytes).toBeLessThanOrEqual(4096);
    expect(s.size).toBeGreaterThan(0);
    await s.set([{ key: 'huge', value: 'y'.repeat(10_000) }], 10_000);
    expect(await s.get(['huge'])).toEqual([undefined]);
    expect(s.bytes).toBeLessThanOrEqual(4096);
  });

  it('expires by the injected clock', async () => {
    let t = 0;
    const s = createMemoryStore({ maxEntries: 10, maxBytes: 10_000, now: () => t });
    await s.set([{ key: 'a', value: '1' }], 60_000);
    t = 59_999;
    expect(await s.get(['a'])).toEqual(['1']);
    t = 60_000;
    expect(await s.get(['a'])).toEqual([undefined]);
  });
});
