// A ScheduleSource decorator: single flight for identical concurrent lookups, then a cache of Graph's answers.
import type { Logger } from 'pino';
import { failure, isFreeBusyStatus, isWorkingHours, ScheduleItems, type MailboxSchedule, type ScheduleItem, type ScheduleQuery, type ScheduleSource, type WorkingHours } from '../availability/schedule-source.js';

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

export type CacheResult = 'hit' | 'miss' | 'joined' | 'store-error';

/** Told each mailbox lookup's cache result (metrics). */
export interface CacheObserver {
  /** The cache's answer for one mailbox lookup (joined: shared an identical lookup in flight). */
  cache?(event: { result: CacheResult }): void;
}

export interface CachingSourceOptions {
  /** 0: nothing is stored (single flight alone). */
  ttlMs: number;
  /** Identical concurrent mailbox lookups share one Graph call. */
  singleFlight: boolean;
  /** Absent: no cache, only single flight. */
  store?: CacheStore;
  logger: Logger;
  /** Told each mailbox lookup's cache result (metrics). */
  observer?: CacheObserver;
}

/** Counters the metrics endpoint can expose; read them, never reset. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** Mailbox lookups that joined one already in flight. */
  joined: number;
  /** Calls made to the wrapped source (Graph). */
  sourceCalls: number;
  /** Store reads or writes that failed (Redis down): the lookup went on without the cache. */
  storeErrors: number;
}

export interface CachingSource extends ScheduleSource {
  readonly stats: CacheStats;
  close(): Promise<void>;
}

/**
 * What is cached is the normalised schedule of one mailbox over one UTC window: the same answer serves any
 * time zone, view or merged interval, which are computed from the items later. Only successful answers are
 * kept; an error is asked again next time.
 */
export function cacheKey(query: Pick<ScheduleQuery, 'tenant' | 'startUtc' | 'endUtc' | 'withDetails'>, mailbox: string): string {
  return `fb:v1:${query.tenant}:${query.withDetails === false ? 'fb' : 'd'}:${query.startUtc}:${query.endUtc}:${mailbox.toLowerCase()}`;
}

/**
 * A stored schedule (JSON, its items as an array of ScheduleItem objects) with its items back in columns; undefined
 * for a value that is not one (a Redis shared with something else, or written by a future version): the lookup
 * then goes to Graph and its answer replaces the value.
 */
function fromStorage(value: string): MailboxSchedule | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { ok, items, workingHours } = stored as { ok?: unknown; items?: unknown; workingHours?: unknown };
  if (ok !== true || !Array.isArray(items) || !items.every(isStoredItem) || !isWorkingHours(workingHours)) return undefined;
  const columns = ScheduleItems.of(items);
  return workingHours ? { ok: true, items: columns, workingHours: workingHours as WorkingHours } : { ok: true, items: columns };
}

const isText = (v: unknown) => v === undefined || typeof v === 'string';
function isStoredItem(v: unknown): v is ScheduleItem {
  if (typeof v !== 'object' || v === null) return false;
  const { start, end, status, isPrivate, subject, location } = v as Record<string, unknown>;
  return Number.isFinite(start) && Number.isFinite(end) && isFreeBusyStatus(status) && typeof isPrivate === 'boolean' && isText(subject) && isText(location);
}

/** Subjects and locations are not kept (in memory or Redis) for domains that never disclose them. */
function forStorage(schedule: MailboxSchedule, withDetails: boolean | undefined): MailboxSchedule {
  if (withDetails !== false || !schedule.ok) return schedule;
  const items = schedule.items.withoutDetails();
  return schedule.workingHours ? { ok: true, items, workingHours: schedule.workingHours } : { ok: true, items };
}

export function createCachingSource(inner: ScheduleSource & { close?(): Promise<void> }, options: CachingSourceOptions): CachingSource {
  const stats: CacheStats = { hits: 0, misses: 0, joined: 0, sourceCalls: 0, storeErrors: 0 };
  const inFlight = new Map<string, Promise<MailboxSchedule>>();
  const store = options.ttlMs > 0 ? options.store : undefined;

  function storeFailed(op: 'get' | 'set', err: unknown): void {
    stats.storeErrors += 1;
    options.observer?.cache?.({ result: 'store-error' });
    const reason = (err as { code?: unknown; name?: unknown }).code ?? (err as Error).name;
    options.logger.warn({ event: 'cache.store_error', op, store: store?.kind, reason: String(reason), storeErrors: stats.storeErrors }, 'cache unavailable; answering from Graph');
  }

  async function read(keys: string[]): Promise<(string | undefined)[]> {
    if (!store || keys.length === 0) return keys.map(() => undefined);
    try {
      return await store.get(keys);
    } catch (err) {
      storeFailed('get', err);
      return keys.map(() => undefined);
    }
  }

  function write(entries: { key: string; value: string }[]): void {
    if (!store || entries.length === 0) return;
    // Not awaited: the answer does not wait for the cache, and a failed write only costs a later Graph call.
    store.set(entries, options.ttlMs).catch((err: unknown) => storeFailed('set', err));
  }

  async function getSchedules(query: ScheduleQuery): Promise<MailboxSchedule[]> {
    const keys = query.mailboxes.map((m) => cacheKey(query, m));
    const answers = new Map<string, Promise<MailboxSchedule> | MailboxSchedule>();
    const joinable = (key: string) => options.singleFlight && inFlight.get(key);

    const toRead: string[] = [];
    for (const key of new Set(keys)) {
      const running = joinable(key);
      if (running) {
        stats.joined += 1;
        options.observer?.cache?.({ result: 'joined' });
        answers.set(key, running);
      } else toRead.push(key);
    }
    const cached = await read(toRead);
    const missing: { key: string; mailbox: string }[] = [];
    toRead.forEach((key, i) => {
      const value = cached[i];
      const stored = value === undefined ? undefined : fromStorage(value);
      if (stored) {
        stats.hits += 1;
        options.observer?.cache?.({ result: 'hit' });
        answers.set(key, stored);
        return;
      }
      if (value !== undefined) options.logger.warn({ event: 'cache.bad_entry', store: store?.kind }, 'cached value is not a schedule; asking Graph and replacing it');
      // Someone may have started the same lookup while the store was read.
      const running = joinable(key);
      if (running) {
        stats.joined += 1;
        options.observer?.cache?.({ result: 'joined' });
        answers.set(key, running);
        return;
      }
      stats.misses += 1;
      options.observer?.cache?.({ result: 'miss' });
      missing.push({ key, mailbox: query.mailboxes[keys.indexOf(key)]! });
    });

    if (missing.length > 0) {
      stats.sourceCalls += 1;
      const call = inner.getSchedules({ ...query, mailboxes: missing.map((m) => m.mailbox) });
      const toStore: { key: string; value: string }[] = [];
      missing.forEach(({ key }, i) => {
        const one = call.then((results) => results[i] ?? failure('upstream', 'no result for this mailbox'));
        // Marked handled at once: when the call rejects, getSchedules rejects with it (below) and no one awaits
        // these; an unhandled rejection per mailbox would end the process.
        one.catch(() => undefined);
        answers.set(key, one);
        if (options.singleFlight) {
          inFlight.set(key, one);
          void one.finally(() => {
            if (inFlight.get(key) === one) inFlight.delete(key);
          }).catch(() => undefined);
        }
      });
      const results = await call;
      missing.forEach(({ key }, i) => {
        const r = results[i];
        if (r?.ok) toStore.push({ key, value: JSON.stringify(forStorage(r, query.withDetails)) });
      });
      write(toStore);
    }
    return Promise.all(keys.map((key) => answers.get(key)!));
  }

  return {
    stats,
    getSchedules,
    close: async () => {
      await store?.close();
      await inner.close?.();
    },
  };
}
