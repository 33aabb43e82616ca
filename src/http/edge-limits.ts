// Rate limits per source address and per client (via @fastify/rate-limit's store), and the cap on concurrent lookups.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { ConcurrencySettings, RateLimitSettings } from '../config/edge-schema.js';
import { clockedStore } from './rate-limit-store.js';

export type LimitVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };
export type Limit = (request: FastifyRequest, key: string) => Promise<LimitVerdict>;

export interface RateLimits {
  tokenPerAddress: Limit;
  tokenPerClient: Limit;
  ewsPerAddress: Limit;
  ewsPerClient: Limit;
  /** Failed Basic logins: `check` reads without counting, `record` counts one failure. */
  basicFailures: { check: Limit; record: (request: FastifyRequest, key: string) => Promise<void> };
}

declare module 'fastify' {
  interface FastifyRequest {
    rateLimitKey: string;
  }
}

/**
 * One limiter per (what, max), each with its own in-memory LRU store (bounded to 10,000 keys), windows on `now`.
 * The plugin's own per-route hook runs at most one limit per request, hence `createRateLimit` and our own hooks.
 */
export async function registerRateLimits(app: FastifyInstance, settings: RateLimitSettings, now: Clock): Promise<RateLimits> {
  await app.register(rateLimit, { global: false, store: clockedStore(now, 10_000) });
  app.decorateRequest('rateLimitKey', '');
  const limiter = (name: string, max: number): Limit & { peek: Limit } => {
    const check = app.createRateLimit({ max, timeWindow: settings.windowMs, keyGenerator: (req) => req.rateLimitKey });
    const run = (increment: boolean) => async (request: FastifyRequest, key: string): Promise<LimitVerdict> => {
      request.rateLimitKey = `${name}\u0000${key}`;
      const result = await check(request, { increment });
      if (result.isAllowed) return { limited: false };
      // A read-only check must refuse once the count has reached max (the next attempt would exceed it).
      const over = increment ? result.isExceeded : result.remaining <= 0;
      if (!over) return { limited: false };
      return { limited: true, retryAfterSeconds: Math.max(1, result.ttlInSeconds) };
    };
    return Object.assign(run(true), { peek: run(false) });
  };
  const failures = limiter('basic-failures', settings.basicFailuresPerAddress);
  return {
    tokenPerAddress: limiter('token-address', settings.tokenPerAddress),
    tokenPerClient: limiter('token-client', settings.tokenPerClient),
    ewsPerAddress: limiter('ews-address', settings.ewsPerAddress),
    ewsPerClient: limiter('ews-client', settings.ewsPerClient),
    basicFailures: {
      check: failures.peek,
      record: async (request, key) => void (await failures(request, key)),
    },
  };
}

/** Counts lookups in progress; a request over the cap is shed at once rather than queued behind slow Graph calls. */
export class ConcurrencyGate {
  private inFlight = 0;
  constructor(readonly settings: ConcurrencySettings) {}

  tryEnter(): boolean {
    if (this.inFlight >= this.settings.maxLookups) return false;
    this.inFlight++;
    return true;
  }

  leave(): void {
    this.inFlight--;
  }

  get active(): number {
    return this.inFlight;
  }
}
