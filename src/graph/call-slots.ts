// Slots for getSchedule calls per URL mailbox: where Graph's per-mailbox concurrency limit is held.
//
// The attempt loop asks for a slot before each attempt and gives it back when the answer is in. This process's
// implementation keeps the limit in memory (MailboxLimiter); one shared by replicas can stand in for it.
import type { TimeBudget } from '../clock.js';

export interface CallSlots {
  /** A slot for a call through `mailbox`, waiting no longer than the budget: its release, or undefined in time. */
  acquire(mailbox: string, budget: TimeBudget, signal?: AbortSignal): Promise<(() => void) | undefined>;
  /** Calls in flight or waiting through `mailbox` (the chunk runner prefers the least busy lookup mailbox). */
  load(mailbox: string): number;
}

/** At most `limit` calls in flight per URL mailbox in this process, FIFO beyond that. */
export function processCallSlots(limit: number): CallSlots {
  const limiter = new MailboxLimiter(limit);
  return {
    load: (mailbox) => {
      const key = mailbox.toLowerCase();
      return limiter.active(key) + limiter.waiting(key);
    },
    async acquire(mailbox, budget, signal) {
      const key = mailbox.toLowerCase();
      const free = limiter.tryAcquire(key);
      if (free) return free;
      // A real timer bounds the wait: the budget is monotonic time, and this must end even if nothing releases.
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), Math.max(1, budget.remainingMs()));
      try {
        return await limiter.acquire(key, signal ? AbortSignal.any([signal, stop.signal]) : stop.signal);
      } catch (err) {
        if (err instanceof SlotAbortedError) return undefined;
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

// At most N calls in flight per key (Graph's MailboxConcurrency limit is 4), FIFO queue beyond that.

/** Waiting for a slot ended because the caller's signal aborted (deadline or client gone). */
export class SlotAbortedError extends Error {
  override name = 'SlotAbortedError';
}

interface Waiter {
  grant: () => void;
  reject: (err: Error) => void;
}

/**
 * A counting semaphore per key. Hand-written: the few semaphore packages on npm either lack keyed slots or
 * abort signals, and this is 50 lines with no timers of its own (the caller's signal bounds every wait).
 */
export class MailboxLimiter {
  readonly #active = new Map<string, number>();
  readonly #queues = new Map<string, Waiter[]>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  /** Calls in flight for this key (lower-cased mailbox). */
  active(key: string): number {
    return this.#active.get(key) ?? 0;
  }

  /** Calls waiting for a slot of this key. */
  waiting(key: string): number {
    return this.#queues.get(key)?.length ?? 0;
  }

  /** A slot now, or undefined when the key is at its limit (no promise, no timer: the common case under load). */
  tryAcquire(key: string): (() => void) | undefined {
    if (this.active(key) >= this.limit) return undefined;
    this.#active.set(key, this.active(key) + 1);
    return this.#releaser(key);
  }

  /** Resolves with a release function once a slot is free; rejects with SlotAbortedError if `signal` aborts first. */
  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new SlotAbortedError('aborted before a Graph slot was free'));
    const release = this.#releaser(key);
    if (this.active(key) < this.limit) {
      this.#active.set(key, this.active(key) + 1);
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(key) ?? [];
      this.#queues.set(key, queue);
      const onAbort = () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) this.#queues.delete(key);
        reject(new SlotAbortedError('gave up waiting for a Graph slot'));
      };
      const waiter: Waiter = {
        // The slot passes straight from the releaser to this waiter: the active count never drops in between.
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.#queues.get(key);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.#queues.delete(key);
      if (next) return next.grant();
      const n = this.active(key) - 1;
      if (n <= 0) this.#active.delete(key);
      else this.#active.set(key, n);
    };
  }
}
