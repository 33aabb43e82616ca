// POST / and /EWS/Exchange.asmx: Bearer check, SOAP body, EWS dispatch, audit log line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.js';
import { soapFault } from '../ews/envelope.js';
import { handleEwsRequest, type EwsDeps } from '../ews/handle-request.js';
import type { RelayMetrics } from '../observability/metrics.js';

export interface EwsRouteOptions {
  tokens: AccessTokens;
  deps: EwsDeps;
  now: () => number;
  metrics?: RelayMetrics;
}

export const EWS_PATHS = ['/', '/EWS/Exchange.asmx'];
const XML_TYPES = ['text/xml', 'application/xml', 'application/soap+xml'];

declare module 'fastify' {
  interface FastifyRequest {
    relayClientId?: string;
  }
}

function unauthorized(reply: FastifyReply, error?: 'invalid_token') {
  const challenge = error ? `Bearer realm="calendar-relay", error="${error}"` : 'Bearer realm="calendar-relay"';
  return reply.code(401).header('WWW-Authenticate', challenge).send({ error: error ?? 'unauthorized' });
}

export async function ewsRoute(app: FastifyInstance, opts: EwsRouteOptions): Promise<void> {
  app.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (!header || !/^bearer\s+\S/i.test(header)) return unauthorized(reply);
    const verdict = await opts.tokens.verify(header.replace(/^bearer\s+/i, '').trim());
    if (!verdict.ok) {
      request.log.info({ event: 'ews.token_rejected', reason: verdict.reason }, 'bearer token rejected');
      return unauthorized(reply, 'invalid_token');
    }
    request.relayClientId = verdict.token.clientId;
  };

  app.decorateRequest('relayClientId', undefined);

  for (const url of EWS_PATHS) {
    app.route({
      method: 'POST',
      url,
      onRequest: authenticate,
      errorHandler: (err, request, reply) => {
        // Once authenticated, every answer is a SOAP envelope: Google reports anything else as "EWS response error".
        const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
        if (status >= 500) request.log.error({ err }, 'EWS request failed');
        else request.log.info({ event: 'ews.rejected', status, reason: err.code }, 'EWS request rejected');
        const code = status === 413 || status === 415 || status === 400 ? 'ErrorInvalidRequest' : 'ErrorInternalServerError';
        const message = status === 413 ? 'The request body is too large.' : status === 415 ? 'The request must be text/xml.' : undefined;
        return reply.code(status).type('text/xml; charset=utf-8').send(soapFault(code, message));
      },
      handler: async (request, reply) => {
        const started = opts.now();
        const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!XML_TYPES.includes(type)) {
          return reply.code(415).type('text/xml; charset=utf-8').send(soapFault('ErrorInvalidRequest', 'The request must be text/xml.'));
        }
        const body = typeof request.body === 'string' ? request.body : '';
        const answer = await handleEwsRequest(body, { clientId: request.relayClientId ?? '', requestId: request.id }, opts.deps);
        opts.metrics?.lookup({ ...answer.audit, seconds: (opts.now() - started) / 1000 });
        request.log.info(
          { event: 'ews.lookup', clientId: request.relayClientId, ...answer.audit, ms: opts.now() - started },
          answer.audit.fault ? 'EWS request answered with a fault' : 'EWS request answered',
        );
        return reply.code(answer.status).type('text/xml; charset=utf-8').send(answer.body);
      },
    });
  }
}
