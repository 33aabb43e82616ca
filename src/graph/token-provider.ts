// App-only Graph tokens: one MSAL ConfidentialClientApplication per tenant, tokens reused until near expiry on the
// relay's clock, cold starts coalesced.
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, LogLevel, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { Logger } from 'pino';
import { stopwatch, systemClock, type Clock } from '../clock.js';
import type { ResolvedTenant } from '../config/schema.js';
import { certificateAssertion } from './client-assertion.js';
import type { GraphHttp } from './http.js';
import type { GraphObserver } from './observer.js';

export interface TokenProvider {
  /** A bearer token for the tenant's Graph endpoint; rejects with TokenError. */
  getToken(tenantId: string): Promise<string>;
  /** The tenant's token when one is at hand and fresh (no waiting, no timer); undefined otherwise. */
  peekToken?(tenantId: string): string | undefined;
}

/** Token acquisition failed; the message is safe to log (no secrets, tokens or response bodies). */
class TokenError extends Error {
  constructor(
    readonly tenantId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TokenError';
  }
}

export interface MsalTokenProviderOptions {
  tenants: readonly ResolvedTenant[];
  http: GraphHttp;
  logger: Logger;
  /** Limit of each request MSAL makes (metadata, token), ms. */
  requestTimeoutMs: number;
  observer?: GraphObserver;
  /** Secret files are re-read on use at most this often, ms (0: every use); the relay's graphScale.secretCheckMs. */
  secretCheckMs: number;
  /** Wall clock for token lifetimes, secret re-reads and client assertions (default: the system's). */
  now?: Clock;
  /** Reads a secret file (default fs.readFileSync as UTF-8). */
  readFile?: (path: string) => string;
}

function graphScope(graphEndpoint: string): string {
  return `${graphEndpoint.replace(/\/+$/, '')}/.default`;
}

/** What the token endpoint said about the last token: its lifetime, from `expires_in` (seconds). */
interface TokenLifetime {
  seconds?: number;
}

function msalConfig(tenant: ResolvedTenant, options: MsalTokenProviderOptions, now: Clock, lifetime: TokenLifetime): Configuration {
  const { certificate, clientSecret } = tenant;
  const log = options.logger.child({ component: 'msal', tenant: tenant.id });
  return {
    auth: {
      clientId: tenant.clientId,
      authority: tenant.authority,
      // A certificate's assertion is signed here, on the relay's clock (MSAL would stamp it from the system's).
      ...(certificate ? { clientAssertion: certificateAssertion(certificate, now) } : { clientSecret }),
      // The authority's own host is "known": MSAL then skips instance discovery, which would call another host.
      knownAuthorities: [new URL(tenant.authority).host],
    },
    system: {
      networkClient: createMsalNetworkClient(options.http, options.requestTimeoutMs, (body) => {
        // Entra sends a number; some authorities (AD FS) a numeric string.
        const seconds = Number((body as { expires_in?: unknown } | undefined)?.expires_in);
        if (Number.isFinite(seconds) && seconds > 0) lifetime.seconds = seconds;
      }),
      // The caller's deadline governs retries; MSAL's own retry would wait without knowing it.
      disableInternalRetries: true,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message, containsPii) => {
          if (containsPii) return;
          if (level <= LogLevel.Error) log.warn({ msal: message }, 'msal error');
          else log.debug({ msal: message }, 'msal');
        },
      },
    },
  };
}

/** Describes an MSAL failure without its payload: error codes only, never the request that carried the secret. */
function describe(err: unknown): string {
  const e = err as { errorCode?: unknown; subError?: unknown; name?: unknown; message?: unknown };
  if (typeof e.errorCode === 'string' && e.errorCode) return `${String(e.name ?? 'Error')}: ${e.errorCode}${e.subError ? `/${String(e.subError)}` : ''}`;
  return typeof e.name === 'string' ? e.name : 'unknown error';
}

/** The tenant as of its secret files' current content; undefined when a file cannot be read (keep the old one). */
function withFileSecrets(tenant: ResolvedTenant, readFile: (path: string) => string): ResolvedTenant | undefined {
  const files = tenant.secretFiles;
  if (!files) return tenant;
  try {
    // Same trimming as the loader: one trailing newline, as `echo` and secret stores add.
    const read = (path: string) => readFile(path).replace(/\r?\n$/, '');
    const next: ResolvedTenant = { ...tenant };
    if (files.clientSecret) next.clientSecret = read(files.clientSecret);
    if (files.privateKey && tenant.certificate) next.certificate = { ...tenant.certificate, privateKey: read(files.privateKey) };
    return (next.clientSecret ?? next.certificate?.privateKey) ? next : undefined;
  } catch {
    return undefined;
  }
}

const UNKNOWN_LIFETIME_MS = 120_000;

const credentialOf = (t: ResolvedTenant) => `${t.clientSecret ?? ''}\u0000${t.certificate?.privateKey ?? ''}`;

export function createMsalTokenProvider(options: MsalTokenProviderOptions): TokenProvider {
  const byId = new Map(options.tenants.map((t) => [t.id, t]));
  const apps = new Map<string, { cca: ConfidentialClientApplication; lifetime: TokenLifetime }>();
  const now = options.now ?? systemClock;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const checkEvery = options.secretCheckMs;
  const checkedAt = new Map<string, number>();

  /**
   * Rotation without restart: a tenant whose secret came from a file is re-read at most every `checkEvery` ms on
   * use; a changed credential replaces the MSAL client (and with it the token cache, so the next token is
   * fetched with the new credential). A file briefly missing or empty mid-rotation keeps the current client.
   */
  function refresh(tenant: ResolvedTenant): ResolvedTenant {
    if (!tenant.secretFiles) return tenant;
    const last = checkedAt.get(tenant.id);
    if (last !== undefined && now() - last < checkEvery) return byId.get(tenant.id) ?? tenant;
    checkedAt.set(tenant.id, now());
    const next = withFileSecrets(tenant, readFile);
    if (!next) {
      options.logger.warn({ tenant: tenant.id }, 'secret file unreadable or empty; keeping the current credential');
      return tenant;
    }
    if (credentialOf(next) !== credentialOf(tenant)) {
      byId.set(tenant.id, next);
      apps.delete(tenant.id);
      ready.delete(tenant.id);
      options.logger.info({ event: 'graph.secret_rotated', tenant: tenant.id }, 'secret file changed: Entra client rebuilt with the new credential');
    }
    return next;
  }
  // MSAL does not coalesce concurrent cold-cache calls; without this each chunk would fetch its own token.
  const inFlight = new Map<string, Promise<string>>();
  // The relay's token cache, on its own clock: MSAL's cache judges expiry by the system clock, so MSAL is asked
  // with skipCache and a token is reused here until 5 minutes before it expires (MSAL's own refresh window), or
  // half its life when it lives under 10 minutes.
  const ready = new Map<string, { token: string; refreshAt: number }>();

  function app(tenant: ResolvedTenant): { cca: ConfidentialClientApplication; lifetime: TokenLifetime } {
    let entry = apps.get(tenant.id);
    if (!entry) {
      const lifetime: TokenLifetime = {};
      entry = { cca: new ConfidentialClientApplication(msalConfig(tenant, options, now, lifetime)), lifetime };
      apps.set(tenant.id, entry);
    }
    return entry;
  }

  async function acquire(tenant: ResolvedTenant): Promise<string> {
    const took = stopwatch();
    // Measured from before the request: the token expires no later than this plus its lifetime.
    const asked = now();
    try {
      const { cca, lifetime } = app(tenant);
      lifetime.seconds = undefined;
      const result = await cca.acquireTokenByClientCredential({ scopes: [graphScope(tenant.graphEndpoint)], skipCache: true });
      if (!result?.accessToken) throw new Error('empty token response');
      // An answer without expires_in (RFC 6749 only recommends it) is reused for a minute, then asked for again.
      const lifeMs = lifetime.seconds !== undefined ? lifetime.seconds * 1000 : UNKNOWN_LIFETIME_MS;
      const expiresAt = asked + lifeMs;
      options.observer?.token?.({ tenant: tenant.id, ok: true, fromCache: false, ms: took(), expiresAt });
      ready.set(tenant.id, { token: result.accessToken, refreshAt: expiresAt - Math.min(300_000, lifeMs / 2) });
      return result.accessToken;
    } catch (err) {
      const reason = describe(err);
      options.observer?.token?.({ tenant: tenant.id, ok: false, fromCache: false, ms: took(), reason });
      options.logger.warn({ tenant: tenant.id, reason }, 'Graph token acquisition failed');
      throw new TokenError(tenant.id, `token acquisition for tenant ${tenant.id} failed (${reason})`, { cause: err });
    }
  }

  /** The tenant after the secret-file check (a rotated secret drops its reusable token); undefined if unknown. */
  function current(tenantId: string): ResolvedTenant | undefined {
    const known = byId.get(tenantId);
    return known && refresh(known);
  }

  /** The token to reuse, while it is more than 5 minutes from expiry. */
  function reusable(tenantId: string): string | undefined {
    const entry = ready.get(tenantId);
    return entry && now() < entry.refreshAt ? entry.token : undefined;
  }

  return {
    peekToken: (tenantId) => (current(tenantId) ? reusable(tenantId) : undefined),
    getToken(tenantId) {
      const tenant = current(tenantId);
      if (!tenant) return Promise.reject(new TokenError(tenantId, `tenant ${tenantId} is not configured`));
      const token = reusable(tenantId);
      if (token !== undefined) return Promise.resolve(token);
      let pending = inFlight.get(tenantId);
      if (!pending) {
        pending = acquire(tenant).finally(() => inFlight.delete(tenantId));
        inFlight.set(tenantId, pending);
      }
      return pending;
    },
  };
}

// MSAL's INetworkModule on top of the relay's HTTP layer, so token traffic shares its CA, timeouts and host allow-list.
/** `onBody` sees every parsed answer (the token provider reads `expires_in` from it). */
function createMsalNetworkClient(http: GraphHttp, timeoutMs: number, onBody?: (body: unknown) => void): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeout?: number): Promise<NetworkResponse<T>> {
    const res = await http.send(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      timeoutMs: Math.min(timeout ?? timeoutMs, timeoutMs),
    });
    let body: T;
    try {
      body = JSON.parse(res.body) as T;
    } catch {
      // MSAL expects a parsed body; a non-JSON answer (a proxy page, a truncated body) is a failed call.
      throw new Error(`authority answered HTTP ${res.status} with a body that is not JSON`);
    }
    onBody?.(body);
    return { status: res.status, headers: res.headers, body };
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) => send<T>('GET', url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
