// What the Graph adapter reports as it works: metrics and readiness listen; the adapter never knows who.
import type { HttpFailureKind } from './http.js';

/** How one Graph HTTP attempt ended: an HTTP status, or why there was none. */
export type GraphCallResult = { status: number; retryAfterMs?: number | undefined } | { failure: HttpFailureKind };

export interface GraphObserver {
  /** One getSchedule attempt finished (any outcome), with its wall time. */
  graphCall?(event: { tenant: string; result: GraphCallResult; ms: number }): void;
  /** The adapter decided to retry after a failed attempt. */
  graphRetry?(event: { tenant: string; reason: string; delayMs: number }): void;
  /** A token request finished; `fromCache` ones cost no network. */
  token?(event: { tenant: string; ok: boolean; fromCache: boolean; ms: number; expiresAt?: number | undefined; reason?: string | undefined }): void;
  /** The tenant's circuit breaker changed state. */
  breaker?(event: { tenant: string; state: 'closed' | 'half-open' | 'open' }): void;
}

/** Fans one event out to several observers (metrics and readiness both listen). */
export function combineObservers(...observers: (GraphObserver | undefined)[]): GraphObserver {
  const list = observers.filter((o): o is GraphObserver => o !== undefined);
  return {
    graphCall: (e) => list.forEach((o) => o.graphCall?.(e)),
    graphRetry: (e) => list.forEach((o) => o.graphRetry?.(e)),
    token: (e) => list.forEach((o) => o.token?.(e)),
    breaker: (e) => list.forEach((o) => o.breaker?.(e)),
  };
}
