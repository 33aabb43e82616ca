// Retry policy for Graph calls as data, and the pure decision of whether and when to try again.
import type { RelayConfig } from '../config/schema.js';

export interface RetryPolicy {
  /** Attempts per Graph call, the first included. */
  readonly maxAttempts: number;
  /** Longest Retry-After honoured; longer values are clipped to it. */
  readonly retryAfterCeilingMs: number;
  /** First backoff step without Retry-After; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Backoff never grows past this. */
  readonly maxDelayMs: number;
  /** Statuses Graph documents as transient (throttling, unavailable, gateway timeout). */
  readonly retryStatuses: ReadonlySet<number>;
}

export function retryPolicyFrom(graph: RelayConfig['graph']): RetryPolicy {
  return Object.freeze({
    maxAttempts: graph.maxAttempts,
    retryAfterCeilingMs: graph.retryAfterCeilingMs,
    baseDelayMs: 200,
    maxDelayMs: 2_000,
    retryStatuses: new Set([429, 503, 504]),
  });
}

/** Retry-After as delta-seconds or an HTTP-date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Date.parse reads bare numbers like "-1" as years; an HTTP-date always names its weekday or month.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What went wrong with one attempt, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterMs?: number }
  | { kind: 'network' }
  | { kind: 'attempt-timeout' };

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'not-retryable' | 'exhausted' | 'deadline' };

export interface RetryState {
  /** Attempts made so far (1 after the first). */
  attempts: number;
  /** What is left of the lookup's budget, ms. */
  remainingMs: number;
  /** Uniform in [0, 1); injected so tests see fixed delays. */
  random: () => number;
}

export function backoffDelay(policy: RetryPolicy, attempts: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  // Half fixed, half jitter: spreads a burst of callers without ever retrying immediately.
  return Math.round(step / 2 + random() * (step / 2));
}

export function decideRetry(policy: RetryPolicy, failure: AttemptFailure, state: RetryState): RetryDecision {
  const transient = failure.kind !== 'status' || policy.retryStatuses.has(failure.status);
  if (!transient) return { retry: false, reason: 'not-retryable' };
  if (state.attempts >= policy.maxAttempts) return { retry: false, reason: 'exhausted' };
  const delayMs =
    failure.kind === 'status' && failure.retryAfterMs !== undefined
      ? Math.min(failure.retryAfterMs, policy.retryAfterCeilingMs)
      : backoffDelay(policy, state.attempts, state.random);
  // Waiting past the deadline only to have no time left for the call is pointless.
  if (delayMs >= state.remainingMs) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}
