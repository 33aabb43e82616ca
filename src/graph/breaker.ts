// A circuit breaker per tenant: after repeated failed Graph calls, fail fast for a cool-down, then try once.
import type { Logger } from 'pino';
import type { GraphObserver } from './observer.js';

export interface BreakerPolicy {
  /** Consecutive failures that open the circuit. */
  readonly failures: number;
  /** How long an open circuit refuses calls before letting one trial through, ms. */
  readonly cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerEvents {
  /** The circuit opened (or reopened after a failed trial); callers now fail fast until `until`. */
  opened(info: { failures: number; until: number }): void;
  /** A trial call succeeded: calls flow again. */
  closed(): void;
}

/** State machine only: the clock is injected, nothing is timed here, so tests step through it with a fake clock. */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #consecutive = 0;
  #openedAt = 0;
  #trialOut = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number,
    private readonly events?: BreakerEvents,
  ) {}

  get state(): BreakerState {
    if (this.#state === 'open' && this.now() - this.#openedAt >= this.policy.cooldownMs) return 'half-open';
    return this.#state;
  }

  /** Whether a call may go out now. In half-open, exactly one trial is let through until it reports back. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.#trialOut) return false;
    this.#state = 'half-open';
    this.#trialOut = true;
    return true;
  }

  success(): void {
    const wasClosed = this.#state === 'closed';
    this.#consecutive = 0;
    this.#trialOut = false;
    this.#state = 'closed';
    if (!wasClosed) this.events?.closed();
  }

  /** A let-through call ended without reaching Graph: no verdict, and the half-open trial may go again. */
  abstain(): void {
    this.#trialOut = false;
  }

  failure(): void {
    this.#consecutive += 1;
    const trialFailed = this.#state === 'half-open';
    this.#trialOut = false;
    if (trialFailed || (this.#state === 'closed' && this.#consecutive >= this.policy.failures)) {
      this.#state = 'open';
      this.#openedAt = this.now();
      this.events?.opened({ failures: this.#consecutive, until: this.#openedAt + this.policy.cooldownMs });
    }
  }
}

/** One breaker per tenant, logging and reporting its state changes. */
export function tenantBreakers(
  tenantIds: readonly string[],
  policy: BreakerPolicy,
  now: () => number,
  logger: Logger,
  observer?: GraphObserver,
): ReadonlyMap<string, CircuitBreaker> {
  return new Map(
    tenantIds.map((tenant) => {
      const log = logger.child({ tenant });
      const breaker = new CircuitBreaker(policy, now, {
        opened: ({ failures, until }) => {
          log.warn({ event: 'graph.breaker_open', failures, until: new Date(until).toISOString() }, 'Graph keeps failing for this tenant: failing fast during the cool-down');
          observer?.breaker?.({ tenant, state: 'open' });
        },
        closed: () => {
          log.info({ event: 'graph.breaker_closed' }, 'Graph answers this tenant again: circuit closed');
          observer?.breaker?.({ tenant, state: 'closed' });
        },
      });
      return [tenant, breaker];
    }),
  );
}
