// POST /token: OAuth 2.0 client credentials grant for Google (RFC 6749 sections 2.3.1, 4.4, 5.1, 5.2).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.js';
import { authenticateClient, extractClientCredentials, type GoogleClient } from '../auth/client-credentials.js';
import { OAuthError } from '../errors.js';

export interface TokenRouteOptions {
  tokens: AccessTokens;
  clients: readonly GoogleClient[];
}

function sendOAuthError(reply: FastifyReply, err: OAuthError) {
  if (err.status === 401) reply.header('WWW-Authenticate', 'Basic realm="calendar-relay"');
  return reply
    .code(err.status)
    .header('Cache-Control', 'no-store')
    .header('Pragma', 'no-cache')
    .send({ error: err.code, error_description: err.description });
}

export async function tokenRoute(app: FastifyInstance, opts: TokenRouteOptions): Promise<void> {
  app.post('/token', async (request, reply) => {
    try {
      const type = String(request.headers['content-type'] ?? '');
      if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
        throw new OAuthError('invalid_request', 'The token request must be application/x-www-form-urlencoded.');
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
        request.log.info({ event: 'token.denied' }, 'token request with unknown client credentials');
        throw new OAuthError('invalid_client', 'Client authentication failed.', creds.basic);
      }
      const issued = await opts.tokens.issue(client.clientId);
      request.log.info({ event: 'token.issued', clientId: client.clientId }, 'access token issued');
      return reply
        .header('Cache-Control', 'no-store')
        .header('Pragma', 'no-cache')
        .send({ access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn });
    } catch (err) {
      if (err instanceof OAuthError) return sendOAuthError(reply, err);
      throw err;
    }
  });
}
