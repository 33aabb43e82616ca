// Slots for getSchedule calls per URL mailbox: where Graph's per-mailbox concurrency limit is held.
//
// The attempt loop asks for a slot before each attempt and gives it back when the answer is in. This process's
// implementation keeps the limit in memory (MailboxLimiter); one shared by replicas can stand in for it.
import type { TimeBudget } from '../clock.js';
import { MailboxLimiter, SlotAbortedError } from './mailbox-limiter.js';

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
