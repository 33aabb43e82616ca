// One getSchedule call: the thin I/O loop around attempt-outcome.ts. Breaker guard, a slot of the URL
// mailbox's concurrency, send, classify, retry within the lookup's budget.
import type { Logger } from 'pino';
import type { ScheduleQuery } from '../availability/schedule-source.js';
import { stopwatch, type Clock } from '../clock.js';
import type { ResolvedTenant } from '../config/schema.js';
import { flatLineLogger } from '../logger.js';
import {
  breakerOpenResult,
  classifyResponse,
  classifyTransport,
  retryRefused,
  retryWaitAborted,
  stoppedBeforeAttempt,
  type AttemptMeaning,
  type CallResult,
} from './attempt-outcome.js';
import type { CircuitBreaker } from './breaker.js';
import { HttpFailure, type GraphHttp } from './http.js';
import type { CallSlots } from './call-slots.js';
import type { GraphObserver } from './observer.js';
import type { Piece } from './plan.js';
import { decideRetry, parseRetryAfter, type RetryPolicy } from './retry.js';
import type { ScheduleScanner } from './schedule-scan.js';
import { buildScheduleRequest } from './schedule-wire.js';

export interface AttemptLoopDeps {
  http: GraphHttp;
  policy: RetryPolicy;
  /** Limit of one attempt, ms (clipped to what is left of the lookup's budget). */
  attemptTimeoutMs: number;
  slots: CallSlots;
  breakers: ReadonlyMap<string, CircuitBreaker>;
  logger: Logger;
  observer: GraphObserver;
  now: Clock;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  /** Reads getSchedule answers (owns the reusable columns and the shared working hours). */
  scanner: ScheduleScanner;
}

/** What one call asks Graph: the URL mailbox, the schedules, the window piece. */
export interface CallPlan {
  tenant: ResolvedTenant;
  token: string;
  query: ScheduleQuery;
  urlMailbox: string;
  schedules: string[];
  piece: Piece;
  /** The lookup's child logger, made on first use. */
  log: () => Logger;
}

export type GraphCall = (plan: CallPlan) => Promise<CallResult>;

export function createAttemptLoop(deps: AttemptLoopDeps): GraphCall {
  const { http, policy, slots, observer, now } = deps;
  // The per-call line: the query's child logger's fields (requestId, tenant) written as its own flat fields.
  const callLog = flatLineLogger(deps.logger);

  /** The attempts of one call; the breaker is told by the caller. */
  async function attempts(plan: CallPlan): Promise<CallResult> {
    const { tenant, query, urlMailbox, schedules, log } = plan;
    const url = `${tenant.graphEndpoint.replace(/\/+$/, '')}/v1.0/users/${encodeURIComponent(urlMailbox)}/calendar/getSchedule`;
    const body = buildScheduleRequest(schedules, plan.piece.start, plan.piece.end);
    const headers = { authorization: `Bearer ${plan.token}`, 'content-type': 'application/json', accept: 'application/json', 'client-request-id': query.requestId };
    for (let attempt = 1; ; attempt++) {
      if (query.budget.remainingMs() <= 0 || query.signal?.aborted) return stoppedBeforeAttempt(attempt);
      const release = await slots.acquire(urlMailbox, query.budget, query.signal);
      if (!release) return stoppedBeforeAttempt(attempt);
      const limit = Math.min(deps.attemptTimeoutMs, query.budget.remainingMs());
      if (limit <= 0) {
        release();
        return stoppedBeforeAttempt(attempt);
      }
      let meaning: AttemptMeaning;
      const took = stopwatch();
      try {
        const res = await http.send(url, { method: 'POST', headers, body, timeoutMs: limit, signal: query.signal }).finally(release);
        const graphRequestId = res.headers['request-id'];
        observer.graphCall?.({ tenant: tenant.id, result: { status: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after'], now()) }, ms: took() });
        // Graph's request-id beside ours (the child logger's requestId): what Microsoft support asks for.
        callLog.info({ requestId: query.requestId, tenant: tenant.id, event: 'graph.call', attempt, status: res.status, graphRequestId, mailboxes: schedules.length, ms: Math.round(took()) }, 'getSchedule answered');
        meaning = classifyResponse(res, now(), deps.scanner);
        if (meaning.next === 'done' && meaning.problem !== undefined) log().warn({ attempt, problem: meaning.problem }, 'unusable getSchedule response');
        if (meaning.next === 'retry') log().warn({ attempt, status: res.status, graphCode: meaning.graphCode, graphRequestId }, 'getSchedule call failed');
      } catch (err) {
        if (!(err instanceof HttpFailure)) throw err;
        observer.graphCall?.({ tenant: tenant.id, result: { failure: err.kind }, ms: took() });
        log().warn({ attempt, failure: err.kind, reason: err.message }, 'getSchedule call got no answer');
        meaning = classifyTransport(err.kind, attempt, limit < deps.attemptTimeoutMs);
      }
      if (meaning.next === 'done') return meaning.result;
      const decision = decideRetry(policy, meaning.failure, { attempts: attempt, remainingMs: query.budget.remainingMs(), random: deps.random });
      if (!decision.retry) return retryRefused(decision, attempt);
      const failure = meaning.failure;
      observer.graphRetry?.({ tenant: tenant.id, reason: failure.kind === 'status' ? String(failure.status) : failure.kind, delayMs: decision.delayMs });
      try {
        await deps.sleep(decision.delayMs, query.signal);
      } catch {
        return retryWaitAborted();
      }
    }
  }

  /** One call as the breaker sees it: refused while open, and its verdict counted. */
  return async (plan) => {
    const breaker = deps.breakers.get(plan.tenant.id);
    if (breaker && !breaker.allow()) return breakerOpenResult();
    const result = await attempts(plan);
    const verdict = result.kind === 'failed' ? result.verdict : 'answered';
    if (verdict === 'failed') breaker?.failure();
    else if (verdict === 'answered') breaker?.success();
    else breaker?.abstain();
    return result;
  };
}
