// The retry policy's decisions: which failures are retried, how long to wait, and when to stop.
import { describe, expect, it } from 'vitest';
import { backoffDelay, decideRetry, parseRetryAfter, retryPolicyFrom } from './retry.js';

const policy = retryPolicyFrom({ deadlineMs: 10_000, attemptTimeoutMs: 5_000, maxAttempts: 4, retryAfterCeilingMs: 5_000, chunkSize: 20 });
const state = (attempts: number, now = 0, deadline = 60_000) => ({ attempts, remainingMs: deadline - now, random: () => 0 });

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates, and ignores junk', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 4_000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('-1', 0)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  it('retries 429, 503, 504, network errors and attempt timeouts; not other statuses', () => {
    for (const status of [429, 503, 504]) expect(decideRetry(policy, { kind: 'status', status }, state(1)).retry).toBe(true);
    expect(decideRetry(policy, { kind: 'network' }, state(1)).retry).toBe(true);
    expect(decideRetry(policy, { kind: 'attempt-timeout' }, state(1)).retry).toBe(true);
    for (const status of [400, 401, 403, 404, 500, 502]) {
      expect(decideRetry(policy, { kind: 'status', status }, state(1))).toEqual({ retry: false, reason: 'not-retryable' });
    }
  });

  it('honours Retry-After up to the ceiling', () => {
    expect(decideRetry(policy, { kind: 'status', status: 429, retryAfterMs: 1_000 }, state(1))).toEqual({ retry: true, delayMs: 1_000 });
    expect(decideRetry(policy, { kind: 'status', status: 429, retryAfterMs: 90_000 }, state(1))).toEqual({ retry: true, delayMs: 5_000 });
  });

  it('stops after maxAttempts', () => {
    expect(decideRetry(policy, { kind: 'network' }, state(3)).retry).toBe(true);
    expect(decideRetry(policy, { kind: 'network' }, state(4))).toEqual({ retry: false, reason: 'exhausted' });
  });

  it('does not wait past the deadline', () => {
    expect(decideRetry(policy, { kind: 'status', status: 503, retryAfterMs: 2_000 }, state(1, 9_000, 10_000))).toEqual({ retry: false, reason: 'deadline' });
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt, is jittered within [step/2, step], and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(policy, 1, () => 0.999999)).toBe(200);
    expect(backoffDelay(policy, 10, () => 0.999999)).toBe(2000);
  });
});
