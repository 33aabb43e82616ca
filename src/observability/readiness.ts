// Readiness: per tenant, is a Graph token at hand and has Graph been answering? Fed by the adapter's events.
import { systemClock, type Clock } from '../clock.js';
import type { GraphObserver } from '../graph/observer.js';

export interface TenantReadiness {
  ready: boolean;
  token: 'fresh' | 'failed' | 'timeout';
  tokenExpiresInSeconds?: number;
  tokenProblem?: string;
  /** Seconds since Graph last answered a getSchedule call (any HTTP answer below 500), if ever. */
  graphAnsweredSecondsAgo?: number;
  /** Seconds since the last getSchedule attempt without a usable answer (5xx, timeout, network), if ever. */
  graphFailedSecondsAgo?: number;
}

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  tenants: Record<string, TenantReadiness>;
}

export interface ReadinessOptions {
  tenants: readonly string[];
  /** Gets (usually from MSAL's cache) a token for a tenant; rejects when Entra refuses. */
  getToken(tenantId: string): Promise<unknown>;
  graphRecentMs: number;
  tokenTimeoutMs: number;
  now?: Clock;
}

interface TenantState {
  tokenExpiresAt?: number;
  lastAnswer?: number;
  lastFailure?: number;
}

export class Readiness {
  readonly #options: ReadinessOptions;
  readonly #now: () => number;
  readonly #state = new Map<string, TenantState>();
  #draining = false;

  constructor(options: ReadinessOptions) {
    this.#options = options;
    this.#now = options.now ?? systemClock;
    for (const t of options.tenants) this.#state.set(t, {});
  }

  #tenant(id: string): TenantState {
    let s = this.#state.get(id);
    if (!s) this.#state.set(id, (s = {}));
    return s;
  }

  /** Shutdown has begun: report not ready so load balancers stop sending new lookups. */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  readonly observer: GraphObserver = {
    graphCall: ({ tenant, result }) => {
      const s = this.#tenant(tenant);
      if ('status' in result && result.status < 500) s.lastAnswer = this.#now();
      else s.lastFailure = this.#now();
    },
    token: ({ tenant, ok, expiresAt }) => {
      if (ok && expiresAt !== undefined) this.#tenant(tenant).tokenExpiresAt = expiresAt;
    },
  };

  async check(): Promise<ReadinessReport> {
    const entries = await Promise.all([...this.#state.keys()].map(async (id) => [id, await this.#checkTenant(id)] as const));
    const tenants = Object.fromEntries(entries);
    const ready = !this.#draining && entries.every(([, r]) => r.ready);
    return { ready, draining: this.#draining, tenants };
  }

  async #checkTenant(id: string): Promise<TenantReadiness> {
    const { tokenTimeoutMs, graphRecentMs } = this.#options;
    let token: TenantReadiness['token'] = 'fresh';
    let tokenProblem: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      // MSAL answers from its cache while the token is fresh, and fetches a new one shortly before expiry.
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), tokenTimeoutMs)));
      if ((await Promise.race([this.#options.getToken(id), timeout])) === 'timeout') token = 'timeout';
    } catch (err) {
      token = 'failed';
      tokenProblem = err instanceof Error ? err.message : 'token request failed';
    } finally {
      clearTimeout(timer);
    }
    const s = this.#tenant(id);
    const now = this.#now();
    const ago = (t: number | undefined) => (t === undefined ? undefined : Math.round((now - t) / 1000));
    // Failing now means: the latest attempt failed, recently, and nothing succeeded after it.
    const graphFailing = s.lastFailure !== undefined && now - s.lastFailure < graphRecentMs && (s.lastAnswer === undefined || s.lastAnswer < s.lastFailure);
    const report: TenantReadiness = { ready: token === 'fresh' && !graphFailing, token };
    if (tokenProblem) report.tokenProblem = tokenProblem;
    if (token === 'fresh' && s.tokenExpiresAt !== undefined) report.tokenExpiresInSeconds = Math.round((s.tokenExpiresAt - now) / 1000);
    const answered = ago(s.lastAnswer);
    const failed = ago(s.lastFailure);
    if (answered !== undefined) report.graphAnsweredSecondsAgo = answered;
    if (failed !== undefined) report.graphFailedSecondsAgo = failed;
    return report;
  }
}
