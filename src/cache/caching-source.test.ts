// The caching decorator: single flight, reuse across zones/views/intervals, lifetimes, and a store that fails.
import { timeBudget } from '../clock.js';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScheduleQuery, ScheduleSource } from '../availability/schedule-source.js';
import { makeTestApp } from '../../test/support/app.js';
import { MemorySource } from '../../test/support/memory-source.js';
import { defaultNamespaceRequest } from '../../test/support/samples.js';
import { expectXsdValid } from '../../test/support/xsd.js';
import { cacheKey, createCachingSource } from './caching-source.js';
import { createMemoryStore } from './memory-store.js';
import type { CacheStore } from './caching-source.js';

const T0 = Date.UTC(2026, 11, 1);
const hour = 3_600_000;
const silent = pino({ level: 'silent' });
const answers: string[] = [];
afterAll(async () => expectXsdValid(answers));

const data = () =>
  new MemorySource({
    'alice@example.com': { items: [{ start: T0 + 9 * hour, end: T0 + 10 * hour, status: 'busy', isPrivate: false, subject: 'Plan' }] },
    'bob@example.com': { items: [{ start: T0 + 13 * hour, end: T0 + 14 * hour, status: 'tentative', isPrivate: false }] },
  });
const q = (mailboxes: string[], over: Partial<ScheduleQuery> = {}): ScheduleQuery => ({ tenant: 'default', mailboxes, startUtc: T0, endUtc: T0 + 24 * hour, budget: timeBudget(5000), requestId: 'r', ...over });

/** A source that answers only when released, to hold lookups in flight. */
function gated(inner: ScheduleSource) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { open, source: { getSchedules: async (query: ScheduleQuery) => (await gate, inner.getSchedules(query)) } };
}

describe('single flight', () => {
  it('makes identical concurrent lookups once, and joins overlapping ones per mailbox', async () => {
    const mem = data();
    const g = gated(mem);
    const c = createCachingSource(g.source, { ttlMs: 0, singleFlight: true, logger: silent });
    const all = Promise.all([c.getSchedules(q(['alice@example.com'])), c.getSchedules(q(['ALICE@example.com'])), c.getSchedules(q(['alice@example.com', 'bob@example.com']))]);
    await new Promise((r) => setImmediate(r));
    g.open();
    const [a, b, ab] = await all;
    expect(mem.queries.map((x) => x.mailboxes)).toEqual([['alice@example.com'], ['bob@example.com']]);
    expect(a).toEqual(b);
    expect(ab[0]).toEqual(a[0]);
    expect(c.stats).toMatchObject({ joined: 2, sourceCalls: 2 });
    // Nothing is kept with ttl 0: the next lookup asks again.
    await c.getSchedules(q(['alice@example.com']));
    expect(mem.queries).toHaveLength(3);
  });

  it('rejects once, with nothing left unhandled, when the inner source rejects and single flight is off', async () => {
    const c = createCachingSource({ getSchedules: () => Promise.reject(new Error('inner source down')) }, { ttlMs: 0, singleFlight: false, logger: silent });
    const unhandled: unknown[] = [];
    const listen = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listen);
    try {
      await expect(c.getSchedules(q(['alice@example.com', 'bob@example.com']))).rejects.toThrow('inner source down');
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });

  it('is off when configured off', async () => {
    const mem = data();
    const c = createCachingSource(mem, { ttlMs: 0, singleFlight: false, logger: silent });
    await Promise.all([c.getSchedules(q(['alice@example.com'])), c.getSchedules(q(['alice@example.com']))]);
    expect(mem.queries).toHaveLength(2);
  });
});

describe('free/busy cache', () => {
  it('reuses one answer per mailbox and UTC window, until its lifetime ends; errors are not kept', async () => {
    let t = 0;
    const mem = data();
    mem.failing.add('bob@example.com');
    const c = createCachingSource(mem, { ttlMs: 60_000, singleFlight: true, store: createMemoryStore({ maxEntries: 100, maxBytes: 100_000, now: () => t }), logger: silent });
    const first = await c.getSchedules(q(['alice@example.com', 'bob@example.com']));
    await new Promise((r) => setImmediate(r)); // the write is not awaited by the lookup
    const second = await c.getSchedules(q(['alice@example.com', 'bob@example.com']));
    expect(second[0]).toEqual(first[0]);
    expect(mem.queries.map((x) => x.mailboxes)).toEqual([['alice@example.com', 'bob@example.com'], ['bob@example.com']]);
    await c.getSchedules(q(['alice@example.com'], { endUtc: T0 + 25 * hour })); // another window: another entry
    expect(mem.queries).toHaveLength(3);
    t = 60_000;
    await c.getSchedules(q(['alice@example.com']));
    expect(mem.queries).toHaveLength(4);
    expect(c.stats).toMatchObject({ hits: 1 });
  });

  it('keeps no subject or location for a free/busy-only domain, and a separate entry for a details one', async () => {
    const mem = data();
    const store = createMemoryStore({ maxEntries: 100, maxBytes: 100_000 });
    const c = createCachingSource(mem, { ttlMs: 60_000, singleFlight: true, store, logger: silent });
    await c.getSchedules(q(['alice@example.com'], { withDetails: false }));
    await c.getSchedules(q(['alice@example.com'], { withDetails: true }));
    await new Promise((r) => setImmediate(r));
    const [fb, details] = await store.get([cacheKey(q([], { withDetails: false }), 'alice@example.com'), cacheKey(q([], { withDetails: true }), 'alice@example.com')]);
    expect(fb).toBeDefined();
    expect(fb).not.toContain('Plan');
    expect(details).toContain('Plan');
    expect(mem.queries).toHaveLength(2);
  });

  it('takes a stored value that is not a schedule for a miss, asks the source and replaces the value', async () => {
    const mem = data();
    const store = createMemoryStore({ maxEntries: 100, maxBytes: 100_000 });
    const key = cacheKey(q([]), 'alice@example.com');
    const c = createCachingSource(mem, { ttlMs: 60_000, singleFlight: true, store, logger: silent });
    const good = await c.getSchedules(q(['alice@example.com']));
    await new Promise((r) => setImmediate(r));
    const bad = ['not json', '{"ok":true,"items":{}}', '{"ok":true,"items":[{"start":"9","end":1,"status":"busy","isPrivate":false}]}', '{"ok":true,"items":[],"workingHours":{"daysOfWeek":7}}', '[]', 'null'];
    for (const value of bad) {
      await store.set([{ key, value }], 60_000);
      expect(await c.getSchedules(q(['alice@example.com']))).toEqual(good);
      await new Promise((r) => setImmediate(r));
      expect(JSON.parse((await store.get([key]))[0]!)).toEqual(JSON.parse(JSON.stringify(good[0])));
    }
    expect(mem.queries).toHaveLength(1 + bad.length);
    expect(c.stats).toMatchObject({ hits: 0, misses: 1 + bad.length });
    await c.getSchedules(q(['alice@example.com']));
    expect(c.stats.hits).toBe(1);
  });

  it('keeps answering from the source when the store fails, and counts it', async () => {
    const mem = data();
    const broken: CacheStore = { kind: 'redis', get: () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })), set: () => Promise.reject(new Error('down')), close: async () => undefined };
    const c = createCachingSource(mem, { ttlMs: 60_000, singleFlight: true, store: broken, logger: silent });
    const [a] = await c.getSchedules(q(['alice@example.com']));
    await new Promise((r) => setImmediate(r));
    expect(a?.ok).toBe(true);
    expect(c.stats.storeErrors).toBe(2);
  });

  it('serves another zone, view and interval over the same UTC window from one Graph answer (whole app)', async () => {
    const mem = data();
    const c = createCachingSource(mem, { ttlMs: 60_000, singleFlight: true, store: createMemoryStore({ maxEntries: 100, maxBytes: 100_000 }), logger: silent });
    const t = await makeTestApp(c);
    const utc = await t.ews(defaultNamespaceRequest({ mailboxes: ['alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusyMerged', interval: 30, version: 'Exchange2016' }));
    await new Promise((r) => setImmediate(r));
    const berlin = await t.ews(defaultNamespaceRequest({ mailboxes: ['alice@example.com'], start: '2026-12-01T01:00:00', end: '2026-12-02T01:00:00', view: 'DetailedMerged', interval: 60, version: 'Exchange2016', tzContext: 'W. Europe Standard Time' }));
    answers.push(utc.body, berlin.body);
    expect(mem.queries).toHaveLength(1);
    // The views still differ as asked: 48 half-hour digits in UTC; 24 hourly ones in Berlin, busy 10:00-11:00 local (digit 9 from 01:00).
    expect(/<t:MergedFreeBusy>(\d+)</.exec(utc.body)?.[1]).toBe(`${'0'.repeat(18)}22${'0'.repeat(28)}`);
    expect(/<t:MergedFreeBusy>(\d+)</.exec(berlin.body)?.[1]).toBe(`${'0'.repeat(9)}2${'0'.repeat(14)}`);
    expect(berlin.body).toContain('<t:StartTime>2026-12-01T10:00:00</t:StartTime>');
    await t.app.close();
  });
});
