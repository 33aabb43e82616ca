// What one getSchedule attempt's outcome means, as pure functions over data: no I/O, no clock, no state.
//
// In the spirit of oauth4webapi's response processors: the attempt loop (attempt-loop.ts) sends, then asks here
// whether the call is done (and with what result, and what the breaker learns) or worth another try.
import { failure, type MailboxSchedule, type SourceFailure } from '../availability/schedule-source.js';
import type { HttpFailureKind, HttpResponse } from './http.js';
import type { AttemptFailure, RetryDecision } from './retry.js';
import { parseRetryAfter } from './retry.js';
import { parseScheduleResponse } from './schedule-response.js';
import type { ScheduleScanner } from './schedule-scan.js';
import { parseGraphError } from './schedule-wire.js';

/**
 * What one call tells the tenant's breaker: Graph answered (`answered`, whatever the status), real attempts
 * failed (`failed`: outages, throttling, transport errors, timeouts of an attempt), or nothing (`none`: the call
 * never reached Graph: the deadline passed first, no slot in time, the caller gave up, the host was refused).
 */
export type Verdict = 'answered' | 'failed' | 'none';

/** How one getSchedule call (its attempts together) ended. */
export type CallResult =
  | { kind: 'ok'; results: Map<string, MailboxSchedule> }
  /** Graph has no mailbox it can serve for the user in the URL: the chunk runner tries another one. */
  | { kind: 'url-user-not-found' }
  | { kind: 'failed'; failure: SourceFailure; detail: string; verdict: Verdict };

/** One attempt's meaning: the call is over, or a retry may help (if the policy and the budget allow one). */
export type AttemptMeaning =
  | { next: 'done'; result: CallResult; problem?: string; graphCode?: string }
  | { next: 'retry'; failure: AttemptFailure; graphCode?: string };

/** Codes Graph answers 404 with when the user in the URL has no mailbox it can serve (Graph's own error codes). */
export const MISSING_USER_CODES: ReadonlySet<string> = new Set(['ErrorInvalidUser', 'ResourceNotFound', 'MailboxNotEnabledForRESTAPI', 'ErrorItemNotFound']);

const failed = (kind: SourceFailure, detail: string, verdict: Verdict): CallResult => ({ kind: 'failed', failure: kind, detail, verdict });

export const DETAIL = {
  timedOut: 'the lookup deadline passed before Graph answered',
  breakerOpen: 'Graph keeps failing for this tenant; not asking again until the cool-down ends',
  unusable: 'Graph returned an unusable answer',
} as const;

/**
 * Transport failures (no HTTP answer) as data: what each one means for the call. `retry` ones go to the retry
 * policy; the others end the call with the failure kind and the breaker verdict given.
 */
export const TRANSPORT_FAILURES: Readonly<Record<HttpFailureKind, { retry: AttemptFailure } | { failure: SourceFailure; detail: string; verdict: Verdict | 'prior' }>> = {
  // Refused before any byte left: nothing about Graph was learnt.
  'host-not-allowed': { failure: 'upstream', detail: 'Graph host is not allowed', verdict: 'none' },
  // Graph answered; the same question would get the same answer: not retried, and not held against the tenant.
  'too-large': { failure: 'upstream', detail: 'Graph answer too large', verdict: 'answered' },
  // The caller giving up is not Graph's doing: only the attempts before this one count.
  aborted: { failure: 'timeout', detail: DETAIL.timedOut, verdict: 'prior' },
  timeout: { retry: { kind: 'attempt-timeout' } },
  network: { retry: { kind: 'network' } },
};

/** The call stopped before attempt `attempts` reached Graph: only earlier attempts (each a failure) count. */
export function stoppedBeforeAttempt(attempts: number): CallResult {
  return failed('timeout', DETAIL.timedOut, attempts > 1 ? 'failed' : 'none');
}

/** An HTTP answer to one attempt; a 200's body is read with `scanner` (the reader's reusable columns). */
export function classifyResponse(res: Pick<HttpResponse, 'status' | 'bytes' | 'body' | 'headers'>, now: number, scanner?: ScheduleScanner): AttemptMeaning {
  if (res.status === 200) {
    try {
      return { next: 'done', result: { kind: 'ok', results: parseScheduleResponse(res.bytes, scanner) } };
    } catch (err) {
      return { next: 'done', result: failed('upstream', DETAIL.unusable, 'answered'), problem: (err as Error).message };
    }
  }
  const graphCode = parseGraphError(res.body)?.code;
  if (res.status === 404 && graphCode && MISSING_USER_CODES.has(graphCode)) return { next: 'done', result: { kind: 'url-user-not-found' } };
  const meaning: AttemptMeaning = { next: 'retry', failure: { kind: 'status', status: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after'], now) } };
  if (graphCode !== undefined) meaning.graphCode = graphCode;
  return meaning;
}

/**
 * A transport failure of attempt `attempts`. `clipped`: the attempt's time limit was cut short by the lookup's
 * deadline, so its timeout is the deadline passing during a real attempt, not Graph being slow.
 */
export function classifyTransport(kind: HttpFailureKind, attempts: number, clipped: boolean): AttemptMeaning {
  if (kind === 'timeout' && clipped) return { next: 'done', result: failed('timeout', DETAIL.timedOut, 'failed') };
  const entry = TRANSPORT_FAILURES[kind];
  if ('retry' in entry) return { next: 'retry', failure: entry.retry };
  if (entry.verdict === 'prior') return { next: 'done', result: stoppedBeforeAttempt(attempts) };
  return { next: 'done', result: failed(entry.failure, entry.detail, entry.verdict) };
}

/** The retry policy said no after `attempts` attempts. */
export function retryRefused(decision: RetryDecision & { retry: false }, attempts: number): CallResult {
  if (decision.reason === 'deadline') return failed('timeout', DETAIL.timedOut, 'failed');
  // A 4xx says something about this request; only outages and throttling count against the tenant.
  if (decision.reason === 'exhausted') return failed('upstream', `Graph did not answer (${attempts} attempts)`, 'failed');
  return failed('upstream', 'Graph did not answer (not retryable)', 'answered');
}

/** The wait before a retry was cut short (the caller gave up): the failed attempts before it count. */
export const retryWaitAborted = (): CallResult => failed('timeout', DETAIL.timedOut, 'failed');

/** What a whole lookup gets while the tenant's breaker is open. */
export const breakerOpenResult = (): CallResult => failed('breaker-open', DETAIL.breakerOpen, 'none');

/** A call result for each mailbox of a failed call. */
export function mailboxFailure(result: CallResult & { kind: 'failed' }): MailboxSchedule {
  return failure(result.failure, result.detail);
}
