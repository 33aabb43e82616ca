// The production ScheduleSource: getSchedule in chunks and window pieces, with retries inside the lookup's budget.
//
// Stages: attempt-outcome.ts (what one HTTP outcome means, pure), attempt-loop.ts (one call: breaker, slot,
// send, retry), chunk-runner.ts (URL mailbox choice and fall-back, pieces, merge). This file wires them and
// plans a lookup: tenant, token, chunks.
import { setTimeout as timerDelay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { failure, ScheduleItems, type MailboxSchedule, type ScheduleQuery, type ScheduleSource } from '../availability/schedule-source.js';
import { systemClock, type Clock } from '../clock.js';
import type { RelayConfig, ResolvedTenant } from '../config/schema.js';
import { DETAIL } from './attempt-outcome.js';
import { createAttemptLoop } from './attempt-loop.js';
import { tenantBreakers } from './breaker.js';
import { processCallSlots, type CallSlots } from './call-slots.js';
import { createChunkRunner } from './chunk-runner.js';
import { createGraphHttp, type GraphHttp } from './http.js';
import type { GraphObserver } from './observer.js';
import { MAX_CONCURRENT_CALLS, chunk, mapLimit, splitWindow, uniqueMailboxes } from './plan.js';
import { retryPolicyFrom } from './retry.js';
import { ScheduleScanner } from './schedule-scan.js';
import { createMsalTokenProvider, type TokenProvider } from './token-provider.js';

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
  /** Concurrency per URL mailbox, connect timeout, breaker, secret rotation (the configuration's graphScale). */
  scale: GraphScale;
  /** Where calls per URL mailbox are counted (default: in this process, scale.maxConcurrentPerMailbox each). */
  slots?: CallSlots;
}

export type GraphScale = RelayConfig['graphScale'];

export interface GraphScheduleSource extends ScheduleSource {
  close(): Promise<void>;
  /** A Graph token for the tenant: lets readiness check a tenant without a lookup. */
  getToken(tenantId: string): Promise<string>;
}

export function createGraphScheduleSource(options: GraphScheduleSourceOptions): GraphScheduleSource {
  const { graph, logger } = options;
  const now = options.now ?? systemClock;
  const tenants = new Map(options.tenants.map((t) => [t.id, t]));
  const scale: GraphScale = options.scale;
  const observer = options.observer ?? {};
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
  const breakers = tenantBreakers([...tenants.keys()], { failures: scale.breakerFailures, cooldownMs: scale.breakerCooldownMs }, now, logger, options.observer);
  const slots = options.slots ?? processCallSlots(scale.maxConcurrentPerMailbox);
  const call = createAttemptLoop({
    http,
    policy: retryPolicyFrom(graph),
    attemptTimeoutMs: graph.attemptTimeoutMs,
    slots,
    breakers,
    logger,
    observer,
    now,
    sleep: options.sleep ?? ((ms: number, signal?: AbortSignal) => timerDelay(ms, undefined, { signal })),
    random: options.random ?? Math.random,
    // One per source: answers are read one at a time (the scan never awaits), so its columns serve them all.
    scanner: new ScheduleScanner(),
  });
  const runChunk = createChunkRunner(call, slots);

  async function tokenWithinBudget(tenant: ResolvedTenant, query: ScheduleQuery): Promise<string | (MailboxSchedule & { ok: false })> {
    // The usual case: a token at hand, so no race, no timer.
    const atHand = tokens.peekToken?.(tenant.id);
    if (atHand !== undefined) return atHand;
    // A real timer, not the injected sleep: tests skip backoff waits but the budget must still bound MSAL.
    // Cleared, not aborted: an aborted timers/promises timer costs a DOMException with a stack on every lookup.
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<'spent'>((resolve) => {
      timer = setTimeout(() => resolve('spent'), Math.max(0, query.budget.remainingMs()));
    });
    try {
      const winner = await Promise.race([tokens.getToken(tenant.id), spent]);
      return winner === 'spent' ? failure('timeout', 'the lookup deadline passed while getting a Graph token') : winner;
    } catch {
      return failure('upstream', 'could not get a Graph token for this tenant');
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
    if (!tenant) return everyone(failure('not-served', 'tenant is not configured'));
    if (query.mailboxes.length === 0) return [];
    const pieces = splitWindow(query.startUtc, query.endUtc);
    if (pieces.length === 0) return everyone({ ok: true, items: ScheduleItems.EMPTY });
    const breaker = breakers.get(tenant.id);
    if (breaker?.state === 'open') return everyone(failure('breaker-open', DETAIL.breakerOpen));
    const token = await tokenWithinBudget(tenant, query);
    if (typeof token !== 'string') {
      // Entra refusing is Graph's side failing; running out of budget is not.
      if (token.failure === 'upstream') breaker?.failure();
      return everyone(token);
    }
    const chunks = chunk(uniqueMailboxes(query.mailboxes), Math.min(graph.chunkSize, 20));
    const maps = await mapLimit(chunks, MAX_CONCURRENT_CALLS, (mailboxes) => runChunk({ tenant, token, query, mailboxes, pieces, log }));
    const merged = new Map<string, MailboxSchedule>();
    for (const m of maps) for (const [k, v] of m) merged.set(k, v);
    return query.mailboxes.map((m) => merged.get(m.toLowerCase()) ?? failure('upstream', 'no result for this mailbox'));
  }

  return {
    getSchedules,
    getToken: (tenantId) => tokens.getToken(tenantId),
    close: async () => {
      if (ownsHttp) await http.close();
    },
  };
}
