// @fastify/rate-limit's in-memory store, with its windows on the relay's clock.
//
// The plugin's own LocalStore times its fixed windows with Date.now(); the plugin takes a store class for exactly
// this kind of replacement. Same semantics as LocalStore without continueExceeding/exponentialBackoff (the relay
// uses neither): a window starts at the first hit and counts until it has lasted timeWindow ms. Bounded per limiter
// by an LRU, so a flood of source addresses cannot grow it without limit.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';

interface Window {
  count: number;
  startedAt: number;
}

type Reply = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A store class for the plugin's `store` option: every limiter gets its own LRU of `capacity` keys. */
export function clockedStore(now: Clock, capacity: number): FastifyRateLimitStoreCtor {
  class ClockedStore implements FastifyRateLimitStore {
    readonly #windows = new LRUCache<string, Window>({ max: capacity });

    #live(key: string, timeWindow: number, at: number): Window | undefined {
      const w = this.#windows.get(key);
      return w && at - w.startedAt < timeWindow ? w : undefined;
    }

    incr(key: string, reply: Reply, timeWindow: number): void {
      const at = now();
      let w = this.#live(key, timeWindow, at);
      if (w) w.count++;
      else {
        w = { count: 1, startedAt: at };
        this.#windows.set(key, w);
      }
      reply(null, { current: w.count, ttl: timeWindow - (at - w.startedAt) });
    }

    /** The plugin's non-counting check (`{ increment: false }`). */
    read(key: string, reply: Reply, timeWindow: number): void {
      const at = now();
      const w = this.#live(key, timeWindow, at);
      reply(null, w ? { current: w.count, ttl: timeWindow - (at - w.startedAt) } : { current: 0, ttl: 0 });
    }

    child(): FastifyRateLimitStore {
      return new ClockedStore();
    }
  }
  return ClockedStore;
}
