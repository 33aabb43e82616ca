// App-only Graph tokens: one MSAL ConfidentialClientApplication per tenant, its cache reused, cold starts coalesced.
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import type { Logger } from 'pino';
import type { ResolvedTenant } from '../config/schema.js';
import type { GraphHttp } from './http.js';
import { createMsalNetworkClient } from './msal-network.js';
import type { GraphObserver } from './observer.js';

export interface TokenProvider {
  /** A bearer token for the tenant's Graph endpoint; rejects with TokenError. */
  getToken(tenantId: string): Promise<string>;
}

/** Token acquisition failed; the message is safe to log (no secrets, tokens or response bodies). */
export class TokenError extends Error {
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
}

export function graphScope(graphEndpoint: string): string {
  return `${graphEndpoint.replace(/\/+$/, '')}/.default`;
}

function msalConfig(tenant: ResolvedTenant, options: MsalTokenProviderOptions): Configuration {
  const { certificate, clientSecret } = tenant;
  const log = options.logger.child({ component: 'msal', tenant: tenant.id });
  return {
    auth: {
      clientId: tenant.clientId,
      authority: tenant.authority,
      ...(certificate
        ? { clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKey, ...(certificate.x5c ? { x5c: certificate.x5c } : {}) } }
        : { clientSecret }),
      // The authority's own host is "known": MSAL then skips instance discovery, which would call another host.
      knownAuthorities: [new URL(tenant.authority).host],
    },
    system: {
      networkClient: createMsalNetworkClient(options.http, options.requestTimeoutMs),
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

export function createMsalTokenProvider(options: MsalTokenProviderOptions): TokenProvider {
  const byId = new Map(options.tenants.map((t) => [t.id, t]));
  const apps = new Map<string, ConfidentialClientApplication>();
  // MSAL does not coalesce concurrent cold-cache calls; without this each chunk would fetch its own token.
  const inFlight = new Map<string, Promise<string>>();

  function app(tenant: ResolvedTenant): ConfidentialClientApplication {
    let cca = apps.get(tenant.id);
    if (!cca) {
      cca = new ConfidentialClientApplication(msalConfig(tenant, options));
      apps.set(tenant.id, cca);
    }
    return cca;
  }

  async function acquire(tenant: ResolvedTenant): Promise<string> {
    const started = Date.now();
    try {
      const result = await app(tenant).acquireTokenByClientCredential({ scopes: [graphScope(tenant.graphEndpoint)] });
      if (!result?.accessToken) throw new Error('empty token response');
      options.observer?.token?.({ tenant: tenant.id, ok: true, fromCache: result.fromCache, ms: Date.now() - started, expiresAt: result.expiresOn?.getTime() });
      return result.accessToken;
    } catch (err) {
      const reason = describe(err);
      options.observer?.token?.({ tenant: tenant.id, ok: false, fromCache: false, ms: Date.now() - started, reason });
      options.logger.warn({ tenant: tenant.id, reason }, 'Graph token acquisition failed');
      throw new TokenError(tenant.id, `token acquisition for tenant ${tenant.id} failed (${reason})`, { cause: err });
    }
  }

  return {
    getToken(tenantId) {
      const tenant = byId.get(tenantId);
      if (!tenant) return Promise.reject(new TokenError(tenantId, `tenant ${tenantId} is not configured`));
      let pending = inFlight.get(tenantId);
      if (!pending) {
        pending = acquire(tenant).finally(() => inFlight.delete(tenantId));
        inFlight.set(tenantId, pending);
      }
      return pending;
    },
  };
}
