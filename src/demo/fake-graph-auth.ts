// The fake's Entra side: OpenID metadata, the client-credentials token endpoint, and bearer checks for Graph.
import { createHash, createPublicKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { sha256Thumbprint } from './tls.js';
import type { FakeApp, FakeTenant } from './fake-graph-model.js';

export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface IssuedToken {
  tenantId: string;
  clientId: string;
  expiresAt: number;
}

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra's error body: OAuth fields plus the AADSTS number repeated in error_codes; `at` is the fake's clock reading. */
export function entraError(status: number, error: string, aadsts: number, text: string, at: number): FakeReply {
  const stamp = new Date(at).toISOString();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${text} Trace ID: ${randomUuid()} Correlation ID: ${randomUuid()} Timestamp: ${stamp}`,
      error_codes: [aadsts],
      timestamp: stamp.replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: randomUuid(),
      correlation_id: randomUuid(),
    },
  };
}

/** Graph's error body; `at` is the fake's clock reading (innerError.date). */
export function graphError(status: number, code: string, message: string, at: number): FakeReply {
  return { status, body: { error: { code, message, innerError: { date: new Date(at).toISOString().slice(0, 19), 'request-id': randomUuid() } } } };
}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

function sameSecret(a: string, b: string): boolean {
  // Digests make the lengths equal so the comparison itself leaks nothing.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export class FakeAuthority {
  readonly #tenants: Map<string, FakeTenant>;
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #now: () => number;
  readonly #lifetimeSeconds: number;
  /** Protected headers of every client assertion received (x5t#S256, x5c...), for tests of certificate credentials. */
  readonly assertionHeaders: Record<string, unknown>[] = [];

  constructor(tenants: FakeTenant[], now: () => number, lifetimeSeconds: number) {
    this.#tenants = new Map(tenants.map((t) => [t.tenantId.toLowerCase(), t]));
    this.#now = now;
    this.#lifetimeSeconds = lifetimeSeconds;
  }

  tenant(tenantId: string): FakeTenant | undefined {
    return this.#tenants.get(tenantId.toLowerCase());
  }

  metadata(base: string, tenantId: string): FakeReply {
    if (!this.tenant(tenantId)) {
      return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, this.#now());
    }
    const t = `${base}/${tenantId}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${t}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${t}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'localhost',
        cloud_graph_host_name: new URL(base).host,
        msgraph_host: new URL(base).host,
      },
    };
  }

  async token(base: string, tenantId: string, form: URLSearchParams): Promise<FakeReply> {
    const tenant = this.tenant(tenantId);
    if (!tenant) return entraError(400, 'invalid_request', 90002, `Tenant '${tenantId}' not found.`, this.#now());
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.', this.#now());
    }
    const clientId = form.get('client_id') ?? '';
    const app = tenant.apps.find((a) => a.clientId === clientId);
    if (!app) {
      return entraError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`, this.#now());
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').some((s) => s.endsWith('/.default'))) {
      return entraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`, this.#now());
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!app.clientSecret || !sameSecret(secret, app.clientSecret)) {
        return entraError(401, 'invalid_client', 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.", this.#now());
      }
    } else if (assertion !== null) {
      const failure = await this.#checkAssertion(app, assertion, form.get('client_assertion_type'), `${base}/${tenantId}/oauth2/v2.0/token`);
      if (failure) return failure;
    } else {
      return entraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", this.#now());
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.#tokens.set(accessToken, { tenantId: tenant.tenantId, clientId, expiresAt: this.#now() + this.#lifetimeSeconds * 1000 });
    return {
      status: 200,
      headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
      body: { token_type: 'Bearer', expires_in: this.#lifetimeSeconds, ext_expires_in: this.#lifetimeSeconds, access_token: accessToken },
    };
  }

  async #checkAssertion(app: FakeApp, assertion: string, type: string | null, audience: string): Promise<FakeReply | undefined> {
    const bad = (code: number, text: string) => entraError(401, 'invalid_client', code, text, this.#now());
    if (type !== jwtBearer) return entraError(400, 'invalid_request', 50027, 'client_assertion_type must be jwt-bearer.', this.#now());
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(assertion) as Record<string, unknown>;
      this.assertionHeaders.push(header);
    } catch {
      return bad(50027, 'Invalid JWT token. The token is not in a valid format.');
    }
    const x5t = header['x5t#S256'] ?? header.x5t;
    const cert = (app.certificates ?? []).find((pem) => Buffer.from(sha256Thumbprint(pem), 'hex').toString('base64url') === x5t);
    if (!cert) return bad(700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(x5t)}']`);
    let claims: Record<string, unknown>;
    try {
      const { payload } = await compactVerify(assertion, createPublicKey(cert));
      claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
    } catch {
      return bad(700027, 'Client assertion failed signature validation.');
    }
    const nowS = this.#now() / 1000;
    // Entra allows five minutes of clock skew either way.
    const early = typeof claims.nbf === 'number' && claims.nbf > nowS + 300;
    if (typeof claims.exp !== 'number' || claims.exp < nowS - 300 || early) return bad(700024, 'Client assertion is not within its valid time range.');
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) return bad(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    if (claims.aud !== audience) return bad(700021, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCredentials .`);
    return undefined;
  }

  /** Graph's bearer check: 401 InvalidAuthenticationToken unless the token was issued here and is alive. */
  bearer(authorization: string | undefined): { tenant: FakeTenant; app?: FakeApp } | FakeReply {
    if (!authorization) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', this.#now());
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const issued = match?.[1] ? this.#tokens.get(match[1]) : undefined;
    if (!issued) return graphError(401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).', this.#now());
    if (issued.expiresAt <= this.#now()) return graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', this.#now());
    const tenant = this.tenant(issued.tenantId);
    if (!tenant) return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.', this.#now());
    const app = tenant.apps.find((a) => a.clientId === issued.clientId);
    return app ? { tenant, app } : { tenant };
  }
}
