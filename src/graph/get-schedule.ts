// The production ScheduleSource: getSchedule in chunks and window pieces, with retries inside the caller's deadline.
import { setTimeout as timerDelay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { stopwatch, systemClock, type Clock } from '../clock.js';
import type { RelayConfig, ResolvedTenant } from '../config/schema.js';
import { flatLineLogger } from '../logger.js';
import { CircuitBreaker } from './breaker.js';
import { HttpFailure, createGraphHttp, type GraphHttp } from './http.js';
import { MailboxLimiter, SlotAbortedError } from './mailbox-limiter.js';
import { MAX_CONCURRENT_CALLS, chunk, mapLimit, mergePieces, splitWindow, uniqueMailboxes, type Piece } from './plan.js';
import { decideRetry, parseRetryAfter, retryPolicyFrom, type AttemptFailure } from './retry.js';
import { buildScheduleRequest, parseGraphError, parseScheduleResponse } from './schedule-wire.js';
import type { GraphObserver } from './observer.js';
import { createMsalTokenProvider, type TokenProvider } from './token-provider.js';
import { ScheduleItems } from './schedule-items.js';
import type { MailboxErrorCode, MailboxSchedule, ScheduleQuery, ScheduleSource } from './types.js';

export interface GraphScheduleSourceOptions {
  tenants: readonly ResolvedTenant[];
  graph: RelayConfig['graph'];
  logger: Logger;
  /** PEM trusted besides Node's roots (demo tenant). */
  extraCa?: string;
  /** Wall clock for breaker cool-downs, token lifetimes, secret re-reads and Retry-After dates (default: the system's). */
  now?: Clock;
  /** Waits between attempts; rejects when the signal aborts (default: a timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  tokenProvider?: TokenProvider;
  http?: GraphHttp;
  /** Dispatcher for the default HTTP layer (tests record or redirect traffic with it). */
  dispatcher?: Dispatcher;
  /** Told about every Graph attempt, retry and token request (metrics, readiness). */
  observer?: GraphObserver;
  /** Concurrency per URL mailbox, connect timeout, breaker, secret rotation (defaults: the schema's). */
  scale: GraphScale;
}

export type GraphScale = NonNullable<RelayConfig['graphScale']>;

export interface GraphScheduleSource extends ScheduleSource {
  close(): Promise<void>;
  /** A Graph token for the tenant (cached by MSAL): lets readiness check a tenant without a lookup. */
  getToken(tenantId: string): Promise<string>;
}

/**
 * What one call tells the breaker: Graph answered (`answered`, whatever the status), or real attempts failed
 * (`failed`: outages, throttling, transport errors, timeouts of an attempt). A call that never reached Graph (the
 * deadline passed first, no slot in time, the caller gave up, the host refused) tells it nothing.
 */
type BreakerVerdict = 'answered' | 'failed';

type CallOutcome =
  | { kind: 'ok'; results: Map<string, MailboxSchedule> }
  | { kind: 'url-user-not-found' }
  | { kind: 'failed'; code: MailboxErrorCode; message: string; verdict?: BreakerVerdict };

// Codes Graph uses when the user in the URL has no mailbox it can serve.
const missingUserCodes = new Set(['ErrorInvalidUser', 'ResourceNotFound', 'MailboxNotEnabledForRESTAPI', 'ErrorItemNotFound']);

const failed = (code: MailboxErrorCode, message: string): CallOutcome & { kind: 'failed' } => ({ kind: 'failed', code, message });
const timedOut = () => failed('ErrorTimeoutExpired', 'the lookup deadline passed before Graph answered');
const breakerOpen = () => failed('ErrorFreeBusyGenerationFailed', 'Graph keeps failing for this tenant; not asking again until the cool-down ends');

export function createGraphScheduleSource(options: GraphScheduleSourceOptions): GraphScheduleSource {
  const { graph, logger } = options;
  // The per-call line: the query's child logger's fields (requestId, tenant) written as its own flat fields.
  const callLog = flatLineLogger(logger);
  const now = options.now ?? systemClock;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => timerDelay(ms, undefined, { signal }));
  const random = options.random ?? Math.random;
  const policy = retryPolicyFrom(graph);
  const tenants = new Map(options.tenants.map((t) => [t.id, t]));
  const scale: GraphScale = options.scale;
  const limiter = new MailboxLimiter(scale.maxConcurrentPerMailbox);
  const breakers = new Map(
    options.tenants.map((t) => {
      const log = logger.child({ tenant: t.id });
      const breaker = new CircuitBreaker({ failures: scale.breakerFailures, cooldownMs: scale.breakerCooldownMs }, now, {
        opened: ({ failures, until }) => {
          log.warn({ event: 'graph.breaker_open', failures, until: new Date(until).toISOString() }, 'Graph keeps failing for this tenant: failing fast during the cool-down');
          options.observer?.breaker?.({ tenant: t.id, state: 'open' });
        },
        closed: () => {
          log.info({ event: 'graph.breaker_closed' }, 'Graph answers this tenant again: circuit closed');
          options.observer?.breaker?.({ tenant: t.id, state: 'closed' });
        },
      });
      return [t.id, breaker];
    }),
  );
  let spread = 0;
  const ownsHttp = !options.http;
  const http =
    options.http ??
    createGraphHttp({
      allowedHosts: options.tenants.flatMap((t) => [new URL(t.authority).host, new URL(t.graphEndpoint).host]),
      extraCa: options.extraCa,
      connectTimeoutMs: Math.min(graph.attemptTimeoutMs, scale.connectTimeoutMs),
      responseTimeoutMs: graph.attemptTimeoutMs,
      dispatcher: options.dispatcher,
    });
  const observer = options.observer ?? {};
  const tokens =
    options.tokenProvider ??
    createMsalTokenProvider({
      tenants: options.tenants,
      http,
      logger,
      requestTimeoutMs: graph.attemptTimeoutMs,
      secretCheckMs: scale.secretCheckMs,
      now,
      ...(options.observer ? { observer: options.observer } : {}),
    });

  /** One Graph call as the breaker sees it: refused while open, and its outcome counted. */
  async function guardedCall(tenant: ResolvedTenant, token: string, query: ScheduleQuery, urlMailbox: string, schedules: string[], piece: Piece, log: () => Logger): Promise<CallOutcome> {
    const breaker = breakers.get(tenant.id);
    if (breaker && !breaker.allow()) return breakerOpen();
    const outcome = await callGraph(tenant, token, query, urlMailbox, schedules, piece, log);
    const verdict = outcome.kind === 'failed' ? outcome.verdict : 'answered';
    if (verdict === 'failed') breaker?.failure();
    else if (verdict === 'answered') breaker?.success();
    else breaker?.abstain();
    return outcome;
  }

  /** A slot of the URL mailbox's concurrency, waiting no longer than the deadline. */
  async function slot(urlMailbox: string, query: ScheduleQuery): Promise<(() => void) | undefined> {
    const key = urlMailbox.toLowerCase();
    const free = limiter.tryAcquire(key);
    if (free) return free;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), Math.max(1, query.budget.remainingMs()));
    try {
      return await limiter.acquire(key, query.signal ? AbortSignal.any([query.signal, stop.signal]) : stop.signal);
    } catch (err) {
      if (err instanceof SlotAbortedError) return undefined;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async function callGraph(tenant: ResolvedTenant, token: string, query: ScheduleQuery, urlMailbox: string, schedules: string[], piece: Piece, log: () => Logger): Promise<CallOutcome> {
    const url = `${tenant.graphEndpoint.replace(/\/+$/, '')}/v1.0/users/${encodeURIComponent(urlMailbox)}/calendar/getSchedule`;
    const body = buildScheduleRequest(schedules, piece.start, piece.end);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'client-request-id': query.requestId };
    for (let attempts = 1; ; attempts++) {
      // Stopped before this attempt reached Graph: only the attempts before it (each a failure, or there would
      // be no retry) count against the tenant.
      const stopped = (): CallOutcome => (attempts > 1 ? { ...timedOut(), verdict: 'failed' } : timedOut());
      if (query.budget.remainingMs() <= 0 || query.signal?.aborted) return stopped();
      const release = await slot(urlMailbox, query);
      if (!release) return stopped();
      const limit = Math.min(graph.attemptTimeoutMs, query.budget.remainingMs());
      if (limit <= 0) {
        release();
        return stopped();
      }
      let failure: AttemptFailure;
      const took = stopwatch();
      try {
        const res = await http.send(url, { method: 'POST', headers, body, timeoutMs: limit, signal: query.signal }).finally(release);
        const graphRequestId = res.headers['request-id'];
        observer.graphCall?.({ tenant: tenant.id, result: { status: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after'], now()) }, ms: took() });
        // Graph's request-id beside ours (the child logger's requestId): what Microsoft support asks for.
        callLog.info({ requestId: query.requestId, tenant: tenant.id, event: 'graph.call', attempt: attempts, status: res.status, graphRequestId, mailboxes: schedules.length, ms: Math.round(took()) }, 'getSchedule answered');
        if (res.status === 200) {
          try {
            return { kind: 'ok', results: parseScheduleResponse(res.bytes) };
          } catch (err) {
            log().warn({ attempt: attempts, problem: (err as Error).message }, 'unusable getSchedule response');
            return { ...failed('ErrorFreeBusyGenerationFailed', 'Graph returned an unusable answer'), verdict: 'answered' };
          }
        }
        const code = parseGraphError(res.body)?.code;
        if (res.status === 404 && code && missingUserCodes.has(code)) return { kind: 'url-user-not-found' };
        log().warn({ attempt: attempts, status: res.status, graphCode: code, graphRequestId }, 'getSchedule call failed');
        failure = { kind: 'status', status: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after'], now()) };
      } catch (err) {
        if (!(err instanceof HttpFailure)) throw err;
        observer.graphCall?.({ tenant: tenant.id, result: { failure: err.kind }, ms: took() });
        log().warn({ attempt: attempts, failure: err.kind, reason: err.message }, 'getSchedule call got no answer');
        // Refused before any byte left: nothing about Graph was learnt.
        if (err.kind === 'host-not-allowed') return failed('ErrorFreeBusyGenerationFailed', 'Graph host is not allowed');
        // Graph answered; the same question would get the same answer: not retried, and not held against the tenant.
        if (err.kind === 'too-large') return { ...failed('ErrorFreeBusyGenerationFailed', 'Graph answer too large'), verdict: 'answered' };
        // The caller giving up is not Graph's doing; a timeout clipped by the deadline is a real attempt that failed.
        if (err.kind === 'aborted') return stopped();
        if (err.kind === 'timeout' && limit < graph.attemptTimeoutMs) return { ...timedOut(), verdict: 'failed' };
        failure = err.kind === 'timeout' ? { kind: 'attempt-timeout' } : { kind: 'network' };
      }
      const decision = decideRetry(policy, failure, { attempts, remainingMs: query.budget.remainingMs(), random });
      if (!decision.retry) {
        if (decision.reason === 'deadline') return { ...timedOut(), verdict: 'failed' };
        const outcome = failed('ErrorFreeBusyGenerationFailed', `Graph did not answer (${decision.reason === 'exhausted' ? `${attempts} attempts` : 'not retryable'})`);
        // A 4xx says something about this request; only outages and throttling count against the tenant.
        return { ...outcome, verdict: decision.reason === 'exhausted' ? 'failed' : 'answered' };
      }
      observer.graphRetry?.({ tenant: tenant.id, reason: failure.kind === 'status' ? String(failure.status) : failure.kind, delayMs: decision.delayMs });
      try {
        await sleep(decision.delayMs, query.signal);
      } catch {
        return { ...timedOut(), verdict: 'failed' };
      }
    }
  }

  /** One chunk over every piece of the window. Mailboxes found missing stay missing for later pieces. */
  async function runChunk(tenant: ResolvedTenant, token: string, query: ScheduleQuery, mailboxes: string[], pieces: Piece[], log: () => Logger): Promise<Map<string, MailboxSchedule>> {
    const out = new Map<string, MailboxSchedule>();
    const perMailbox = new Map<string, { piece: Piece; items: ScheduleItems }[]>();
    const workingHours = new Map<string, MailboxSchedule & { ok: true }>();
    let pending = [...mailboxes];
    // The configured lookup mailboxes first (least busy first); then attendees, so one bad address never sinks the others.
    const urlCandidates = uniqueMailboxes([...lookupOrder(query), ...mailboxes]);
    for (const piece of pieces) {
      let done = false;
      while (!done && pending.length > 0) {
        const urlMailbox = urlCandidates[0];
        if (urlMailbox === undefined) {
          for (const m of pending) out.set(m.toLowerCase(), { ok: false, code: 'ErrorFreeBusyGenerationFailed', message: 'no mailbox Graph accepts in the URL' });
          pending = [];
          break;
        }
        const outcome = await guardedCall(tenant, token, query, urlMailbox, pending, piece, log);
        if (outcome.kind === 'url-user-not-found') {
          urlCandidates.shift();
          const key = urlMailbox.toLowerCase();
          if (pending.some((m) => m.toLowerCase() === key)) {
            out.set(key, { ok: false, code: 'ErrorMailRecipientNotFound', message: 'Graph has no such user' });
            pending = pending.filter((m) => m.toLowerCase() !== key);
          } else {
            log().warn('configured lookup mailbox does not exist in Graph; using an attendee instead');
          }
          continue;
        }
        if (outcome.kind === 'failed') {
          for (const m of pending) out.set(m.toLowerCase(), { ok: false, code: outcome.code, message: outcome.message });
          pending = [];
          break;
        }
        for (const m of pending) {
          const key = m.toLowerCase();
          const result = outcome.results.get(key) ?? { ok: false, code: 'ErrorFreeBusyGenerationFailed', message: 'Graph returned no entry for this mailbox' };
          if (!result.ok) {
            out.set(key, result);
            continue;
          }
          const list = perMailbox.get(key) ?? [];
          list.push({ piece, items: result.items });
          perMailbox.set(key, list);
          if (!workingHours.has(key)) workingHours.set(key, result);
        }
        pending = pending.filter((m) => !out.has(m.toLowerCase()));
        done = true;
      }
    }
    for (const [key, list] of perMailbox) {
      if (out.has(key)) continue;
      const wh = workingHours.get(key)?.workingHours;
      out.set(key, { ok: true, items: mergePieces(list), ...(wh ? { workingHours: wh } : {}) });
    }
    return out;
  }

  /** Configured lookup mailboxes, fewest calls in flight first; ties rotate so calls spread evenly. */
  function lookupOrder(query: ScheduleQuery): string[] {
    const configured = uniqueMailboxes([...(query.lookupMailbox ? [query.lookupMailbox] : []), ...(query.lookupMailboxes ?? [])]);
    if (configured.length < 2) return configured;
    const start = spread++ % configured.length;
    const rotated = [...configured.slice(start), ...configured.slice(0, start)];
    const load = (m: string) => limiter.active(m.toLowerCase()) + limiter.waiting(m.toLowerCase());
    return rotated.map((m, i) => ({ m, i, l: load(m) })).sort((a, b) => a.l - b.l || a.i - b.i).map((x) => x.m);
  }

  async function tokenWithinDeadline(tenant: ResolvedTenant, query: ScheduleQuery): Promise<string | MailboxSchedule> {
    // The usual case: a token at hand, so no race, no deadline timer.
    const atHand = tokens.peekToken?.(tenant.id);
    if (atHand !== undefined) return atHand;
    // A real timer, not the injected sleep: tests skip backoff waits but the deadline must still bound MSAL.
    // Cleared, not aborted: an aborted timers/promises timer costs a DOMException with a stack on every lookup.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), Math.max(0, query.budget.remainingMs()));
    });
    try {
      const winner = await Promise.race([tokens.getToken(tenant.id), deadline]);
      if (winner === 'deadline') return { ok: false, code: 'ErrorTimeoutExpired', message: 'the lookup deadline passed while getting a Graph token' };
      return winner;
    } catch {
      return { ok: false, code: 'ErrorFreeBusyGenerationFailed', message: 'could not get a Graph token for this tenant' };
    } finally {
      clearTimeout(timer);
    }
  }

  async function getSchedules(query: ScheduleQuery): Promise<MailboxSchedule[]> {
    // Made on first use: a lookup that goes well writes no line through it (pino builds a child's bindings eagerly).
    let child: Logger | undefined;
    const log = () => (child ??= logger.child({ requestId: query.requestId, tenant: query.tenant }));
    const everyone = (result: MailboxSchedule) => query.mailboxes.map(() => result);
    const tenant = tenants.get(query.tenant);
    if (!tenant) return everyone({ ok: false, code: 'ErrorFreeBusyGenerationFailed', message: 'tenant is not configured' });
    if (query.mailboxes.length === 0) return [];
    const pieces = splitWindow(query.startUtc, query.endUtc);
    if (pieces.length === 0) return everyone({ ok: true, items: ScheduleItems.EMPTY });
    const breaker = breakers.get(tenant.id);
    if (breaker?.state === 'open') return everyone({ ok: false, code: 'ErrorFreeBusyGenerationFailed', message: breakerOpen().message });
    const token = await tokenWithinDeadline(tenant, query);
    if (typeof token !== 'string') {
      if (token.ok === false && token.code === 'ErrorFreeBusyGenerationFailed') breaker?.failure();
      return everyone(token);
    }
    const chunks = chunk(uniqueMailboxes(query.mailboxes), Math.min(graph.chunkSize, 20));
    const maps = await mapLimit(chunks, MAX_CONCURRENT_CALLS, (mailboxes) => runChunk(tenant, token, query, mailboxes, pieces, log));
    const merged = new Map<string, MailboxSchedule>();
    for (const m of maps) for (const [k, v] of m) merged.set(k, v);
    return query.mailboxes.map(
      (m) => merged.get(m.toLowerCase()) ?? { ok: false, code: 'ErrorFreeBusyGenerationFailed', message: 'no result for this mailbox' },
    );
  }

  return {
    getSchedules,
    getToken: (tenantId) => tokens.getToken(tenantId),
    close: async () => {
      if (ownsHttp) await http.close();
    },
  };
}
