// POST / and /EWS/Exchange.asmx: caller check, limits, SOAP body, EWS dispatch, audit log line.
import { stopwatch } from '../clock.js';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { BasicAccounts } from '../auth/basic-accounts.js';
import { soapFault } from '../ews/envelope.js';
import { handleEwsRequest, type EwsDeps } from '../ews/handle-request.js';
import type { RelayMetrics } from '../observability/metrics.js';
import { EdgeError, EwsFault, toWire, type WireError } from '../errors/index.js';
import type { ScheduleSource } from '../availability/schedule-source.js';
import type { ConcurrencyGate, RateLimits } from './edge-limits.js';
import { flatLineLogger } from '../logger.js';
import { ewsAuthenticator } from './ews-auth.js';

export interface EwsRouteOptions {
  tokens: AccessTokens;
  deps: EwsDeps;
  metrics?: RelayMetrics;
  basic: BasicAccounts;
  clients: ReadonlyMap<string, { domains?: readonly string[] }>;
  limits: RateLimits;
  gate: ConcurrencyGate;
}

const EWS_PATHS = ['/', '/EWS/Exchange.asmx'];

const rateLimited = (retryAfterSeconds: number | undefined) => new EdgeError('EDGE_RATE_LIMITED', undefined, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
const XML_TYPES = ['text/xml', 'application/xml', 'application/soap+xml'];

/** A SOAP Fault for what toWire decided; a busy answer says how long to back off (Retry-After, else the default). */
function sendFault(reply: FastifyReply, wire: WireError, defaultBackOffMs: number) {
  if (wire.retryAfterSeconds !== undefined) reply.header('Retry-After', String(wire.retryAfterSeconds));
  const backOff = wire.code === 'EWS_SERVER_BUSY' ? (wire.backOffMilliseconds ?? ((wire.retryAfterSeconds ?? 0) * 1000 || defaultBackOffMs)) : undefined;
  return reply.code(wire.status).type('text/xml; charset=utf-8').send(soapFault(wire, 'exchange-online', backOff));
}

/** The schedule source with the time spent waiting on it added up, for the audit line. */
function timedSource(source: ScheduleSource): { source: ScheduleSource; elapsed: () => number } {
  let total = 0;
  return {
    elapsed: () => total,
    source: {
      ...source,
      getSchedules: async (query) => {
        const took = stopwatch();
        try {
          return await source.getSchedules(query);
        } finally {
          total += took();
        }
      },
    },
  };
}

export async function ewsRoute(app: FastifyInstance, opts: EwsRouteOptions): Promise<void> {
  // Only XML reaches the handler: the inherited JSON/form parsers would answer other bodies outside SOAP.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', (_req, _payload, done) => done(new EdgeError('EDGE_NOT_XML')));
  const authenticate = ewsAuthenticator({ tokens: opts.tokens, basic: opts.basic, clients: opts.clients, basicFailures: opts.limits.basicFailures });
  const backOffMs = opts.gate.settings.backOffMs;
  // The audit line: request.log's requestId binding written as a flat field of its own (same JSON line).
  const auditLog = flatLineLogger(app.log);

  /**
   * Everything decided from the headers, in one onRequest hook (one hook run instead of four: each costs a
   * promise and a turn of Fastify's hook runner on every lookup). Order: per-address limit, caller check,
   * compressed bodies, per-client limit; the body is read only after all four pass.
   */
  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    const byAddress = await opts.limits.ewsPerAddress(request, request.clientAddress || request.ip);
    if (byAddress.limited) throw rateLimited(byAddress.retryAfterSeconds);
    const refused = await authenticate(request, reply);
    if (refused) return refused;
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined) {
      const value = String(encoding).trim().toLowerCase();
      if (value !== 'identity' && value !== '') throw new EdgeError('EDGE_COMPRESSED');
    }
    const byClient = await opts.limits.ewsPerClient(request, request.ewsCaller?.clientId ?? '');
    if (byClient.limited) throw rateLimited(byClient.retryAfterSeconds);
    return undefined;
  };

  app.decorateRequest('ewsCaller', undefined);

  for (const url of EWS_PATHS) {
    app.route({
      method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'],
      url,
      handler: async (_request, reply: FastifyReply) => {
        const wire = toWire(new EdgeError('EDGE_METHOD_NOT_ALLOWED'), 'edge');
        return reply.code(wire.status).header('Allow', 'POST').type('text/plain; charset=utf-8').send(wire.message);
      },
    });
    app.route({
      method: 'POST',
      url,
      onRequest: admit,
      errorHandler: (err: Error & { code?: string }, request, reply) => {
        // Once authenticated, every answer is a SOAP envelope: Google reports anything else as "EWS response error".
        const wire = toWire(err, 'ews');
        if (wire.status >= 500) request.log.error({ err }, 'EWS request failed');
        else request.log.info({ event: 'ews.rejected', status: wire.status, reason: err.code, address: request.clientAddress }, 'EWS request rejected');
        return sendFault(reply, wire, backOffMs);
      },
      handler: async (request, reply) => {
        const took = stopwatch();
        const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!XML_TYPES.includes(type)) {
          return sendFault(reply, toWire(new EdgeError('EDGE_NOT_XML'), 'ews'), backOffMs);
        }
        const caller = request.ewsCaller!;
        if (!opts.gate.tryEnter()) {
          request.log.warn({ event: 'ews.shed', clientId: caller.clientId, active: opts.gate.active }, 'EWS request shed: too many lookups in progress');
          return sendFault(reply, toWire(new EwsFault('ErrorServerBusy', undefined, backOffMs), 'ews'), backOffMs);
        }
        try {
          const timed = timedSource(opts.deps.source);
          const body = typeof request.body === 'string' ? request.body : '';
          const answer = await handleEwsRequest(
            body,
            { clientId: caller.clientId, requestId: request.id, ...(caller.allowedDomains ? { allowedDomains: caller.allowedDomains } : {}) },
            { ...opts.deps, source: timed.source },
          );
          opts.metrics?.lookup({ ...answer.audit, seconds: took() / 1000 });
          auditLog.info(
            { requestId: request.id, event: 'ews.lookup', clientId: caller.clientId, auth: caller.method, ...answer.audit, graphMs: Math.round(timed.elapsed()), ms: Math.round(took()) },
            answer.audit.fault ? 'EWS request answered with a fault' : 'EWS request answered',
          );
          // Bytes, not a string: Fastify would measure a string (Buffer.byteLength walks all of a 13 MB answer)
          // and the socket encode it again.
          reply.code(answer.status).type('text/xml; charset=utf-8');
          const [first, ...more] = answer.body;
          if (more.length === 0) return reply.send(first);
          // A large answer goes out as the chunks it was written in, with its length announced: no copy into one
          // buffer first, and no chunked transfer encoding for clients that read the length.
          reply.header('Content-Length', answer.body.reduce((n, piece) => n + piece.length, 0));
          return reply.send(Readable.from(answer.body, { objectMode: false }));
        } finally {
          opts.gate.leave();
        }
      },
    });
  }
}
