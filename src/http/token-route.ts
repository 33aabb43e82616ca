// POST /token: OAuth 2.0 client credentials grant for Google (RFC 6749 sections 2.3.1, 4.4, 5.1, 5.2).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.js';
import { authenticateClient, extractClientCredentials, type GoogleClient } from '../auth/client-credentials.js';
import { ERRORS, OAuthError, RelayError, toWire, type WireError } from '../errors/index.js';
import type { RateLimits } from './edge-limits.js';

export interface TokenRouteOptions {
  tokens: AccessTokens;
  clients: readonly GoogleClient[];
  /** Absent in apps built without the edge (none today); every request is then let through. */
  limits?: RateLimits;
}

/** RFC 6749 5.2 error JSON for what toWire decided; an internal error says only `server_error`. */
function sendOAuthError(reply: FastifyReply, wire: WireError) {
  // RFC 6749 5.2 requires the challenge when Basic was tried; RFC 9110 requires one on every 401, so it is always sent.
  if (wire.status === 401) reply.header('WWW-Authenticate', 'Basic realm="calendar-relay", charset="UTF-8"');
  if (!wire.entry.exposesDetail) return reply.code(wire.status).header('Cache-Control', 'no-store').send({ error: wire.wire });
  return reply
    .code(wire.status)
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache')
    .send({ error: wire.wire, error_description: wire.message });
}

async function limited(reply: FastifyReply, check: Promise<{ limited: boolean; retryAfterSeconds?: number }>): Promise<void> {
  const verdict = await check;
  if (!verdict.limited) return;
  reply.header('Retry-After', String(verdict.retryAfterSeconds ?? 1));
  throw new OAuthError('temporarily_unavailable');
}

export async function tokenRoute(app: FastifyInstance, opts: TokenRouteOptions): Promise<void> {
  app.route({
    method: 'POST',
    url: '/token',
    onRequest: async (request: FastifyRequest, reply) => {
      if (opts.limits) await limited(reply, opts.limits.tokenPerAddress(request, request.clientAddress || request.ip));
      const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity' && encoding !== '') throw new OAuthError('invalid_request', ERRORS.EDGE_COMPRESSED.message);
    },
    // Body parser failures (size, media type, syntax) are token request errors too, in RFC 6749's JSON shape.
    errorHandler: (err: Error, request, reply) => {
      const wire = toWire(err, 'oauth');
      if (wire.status >= 500) request.log.error({ err }, 'token request failed');
      return sendOAuthError(reply, wire);
    },
    handler: async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '');
      if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
        throw new RelayError('OAUTH_NOT_FORM');
      }
      const form = (request.body ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(form)) {
        if (Array.isArray(v)) throw new OAuthError('invalid_request', `Parameter ${k.slice(0, 40)} is repeated.`);
      }
      const grant = form['grant_type'];
      if (grant !== undefined && grant !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
      }
      const creds = extractClientCredentials(request.headers.authorization, form);
      const client = authenticateClient(opts.clients, creds.clientId, creds.clientSecret);
      if (!client) {
        request.log.info({ event: 'token.denied', address: request.clientAddress }, 'token request with unknown client credentials');
        throw new OAuthError('invalid_client', 'Client authentication failed.', creds.basic);
      }
      // Counted only once authenticated, so nobody can use up a client's allowance by guessing its secret.
      if (opts.limits) await limited(reply, opts.limits.tokenPerClient(request, client.clientId));
      const issued = await opts.tokens.issue(client.clientId);
      request.log.info({ event: 'token.issued', clientId: client.clientId }, 'access token issued');
      return reply
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send({ access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn });
    },
  });
}
