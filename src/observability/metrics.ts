// Prometheus metrics (prom-client) on a registry of the relay's own: one instance per relay, never global.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheObserver } from '../cache/index.js';
import type { GraphCallResult, GraphObserver } from '../graph/observer.js';

export const METRIC_PREFIX = 'calendar_relay_';

/** Outcome of one EWS request, as the lookups counter labels it. */
export type LookupOutcome = 'ok' | 'partial' | 'failed' | 'fault';

export interface LookupRecord {
  operation: string;
  /** Mailbox count per EWS ResponseCode (NoError included); absent for faults and other operations. */
  results?: Record<string, number>;
  fault?: string;
  seconds: number;
}

// Graph and EWS latencies sit between tens of ms and the 10 s lookup deadline.
const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const breakerValue = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * A counter tallied in a Map on the request path and handed to prom-client when the registry is read (its
 * `collect`): prom-client hashes and validates the label set on every `inc`, and a lookup counts several
 * things. The exported series are the same.
 */
class TalliedCounter {
  readonly #counts = new Map<string, { labels: Record<string, string>; n: number }>();

  constructor(
    registry: Registry,
    name: string,
    help: string,
    private readonly labelNames: readonly string[],
  ) {
    const counts = this.#counts;
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, n } of counts.values()) this.inc(labels, n);
      },
    });
  }

  inc(labels: Record<string, string>, n = 1): void {
    let key = '';
    for (const name of this.labelNames) key += `${labels[name]}\u0000`;
    const entry = this.#counts.get(key);
    if (entry) entry.n += n;
    else this.#counts.set(key, { labels: { ...labels }, n });
  }
}

export class RelayMetrics {
  readonly registry = new Registry();
  readonly #lookups = this.#counter('lookups_total', 'EWS requests answered, by operation and outcome', ['operation', 'outcome']);
  readonly #mailboxes = this.#counter('mailboxes_total', 'mailboxes answered, by EWS ResponseCode', ['result']);
  readonly #lookupSeconds = this.#histogram('lookup_duration_seconds', 'time to answer one EWS request, seconds', ['operation'], latencyBuckets);
  readonly #httpRequests = this.#counter('http_requests_total', 'HTTP requests, by route and status code', ['route', 'status']);
  readonly #graphCalls = this.#counter('graph_calls_total', 'getSchedule attempts, by tenant and HTTP status or failure kind', ['tenant', 'status']);
  readonly #graphSeconds = this.#histogram('graph_call_duration_seconds', 'time of one getSchedule attempt, seconds', ['tenant'], latencyBuckets);
  readonly #retries = this.#counter('graph_retries_total', 'getSchedule attempts retried, by reason', ['tenant', 'reason']);
  readonly #throttles = this.#counter('graph_throttled_total', 'getSchedule answers 429/503, by status', ['tenant', 'status']);
  readonly #retryAfter = this.#histogram('graph_retry_after_seconds', 'Retry-After Graph asked for on throttled answers, seconds', ['tenant'], [0, 1, 2, 5, 10, 30, 60, 120]);
  readonly #tokens = this.#counter('graph_token_acquisitions_total', 'Graph tokens fetched from Entra (cache hits not counted), by outcome', ['tenant', 'outcome']);
  readonly #cache = this.#counter('cache_lookups_total', 'free/busy cache lookups, by result', ['result']);
  readonly #breaker = new Gauge({
    name: `${METRIC_PREFIX}breaker_state`,
    help: 'circuit breaker state per tenant: 0 closed, 1 half-open, 2 open',
    labelNames: ['tenant'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Process metrics (CPU, memory, event loop lag) make the dashboard's saturation panels work.
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  #counter(name: string, help: string, labelNames: string[]): TalliedCounter {
    return new TalliedCounter(this.registry, `${METRIC_PREFIX}${name}`, help, labelNames);
  }

  #histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram {
    return new Histogram({ name: `${METRIC_PREFIX}${name}`, help, labelNames, buckets, registers: [this.registry] });
  }

  lookup(record: LookupRecord): void {
    this.#lookups.inc({ operation: record.operation, outcome: lookupOutcome(record) });
    for (const [result, n] of Object.entries(record.results ?? {})) this.#mailboxes.inc({ result }, n);
    this.#lookupSeconds.observe({ operation: record.operation }, record.seconds);
  }

  httpRequest(route: string, status: number): void {
    this.#httpRequests.inc({ route, status: String(status) });
  }

  /** The adapter's events, turned into counters and histograms. */
  readonly graphObserver: GraphObserver & CacheObserver = {
    graphCall: ({ tenant, result, ms }) => {
      this.#graphCalls.inc({ tenant, status: statusLabel(result) });
      this.#graphSeconds.observe({ tenant }, ms / 1000);
      if ('status' in result && (result.status === 429 || result.status === 503)) {
        this.#throttles.inc({ tenant, status: String(result.status) });
        if (result.retryAfterMs !== undefined) this.#retryAfter.observe({ tenant }, result.retryAfterMs / 1000);
      }
    },
    graphRetry: ({ tenant, reason }) => this.#retries.inc({ tenant, reason }),
    token: ({ tenant, ok, fromCache }) => {
      if (!fromCache) this.#tokens.inc({ tenant, outcome: ok ? 'ok' : 'failed' });
    },
    cache: ({ result }) => this.#cache.inc({ result }),
    breaker: ({ tenant, state }) => this.#breaker.set({ tenant }, breakerValue[state]),
  };

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function statusLabel(result: GraphCallResult): string {
  return 'status' in result ? String(result.status) : result.failure;
}

function lookupOutcome(record: LookupRecord): LookupOutcome {
  if (record.fault) return 'fault';
  const results = Object.entries(record.results ?? {});
  const ok = results.filter(([code]) => code === 'NoError').reduce((n, [, c]) => n + c, 0);
  const all = results.reduce((n, [, c]) => n + c, 0);
  if (ok === all) return 'ok';
  return ok === 0 ? 'failed' : 'partial';
}
