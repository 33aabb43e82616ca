// buildApp: the whole relay as a Fastify instance, with its collaborators injected. Never listens.
import { systemClock, type Clock } from '../clock.js';
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AccessTokens } from '../auth/access-tokens.js';
import { BasicAccounts } from '../auth/basic-accounts.js';
import { EdgeError, toWire } from '../errors/index.js';
import type { DomainPolicy } from '../availability/lookup.js';
import type { RelayConfig } from '../config/schema.js';
import type { ScheduleSource } from '../availability/schedule-source.js';
import type { RelayMetrics } from '../observability/metrics.js';
import type { Readiness } from '../observability/readiness.js';
import { ConcurrencyGate, registerRateLimits } from './edge-limits.js';
import { xmlLimits } from '../ews/xml-parse.js';
import { ScratchBuffer } from '../ews/xml-writer.js';
import { ServerTimeZones } from '../ews/server-time-zones.js';
import { ewsRoute } from './ews-route.js';
import { countHttpRequests, HEALTH_PATH, metricsRoute, readinessRoute } from './observability-routes.js';
import { createServerSetup } from './server-factory.js';
import { registerSourceAccess, SourceAccess } from './source-access.js';
import { tokenRoute } from './token-route.js';

/**
 * Fastify's "incoming request" and "request completed" lines cost as much CPU as a cached lookup; the routes
 * write one audit line per request instead. Errors and Fastify's other lines are logged as before.
 */
class AuditOnlyLogs extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(...args: Parameters<LogController['requestCompleted']>): void {
    if (args[0]) super.requestCompleted(...args);
  }
}

export interface AppDeps {
  scheduleSource: ScheduleSource;
  logger: FastifyBaseLogger;
  now?: Clock;
  /** Counts lookups and requests; /metrics is served here unless config.metrics.port moves it. */
  metrics?: RelayMetrics;
  /** Backs GET /ready; without it /ready answers ready (the process is up). */
  readiness?: Readiness;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's X-Request-ID when it is a GUID (what Graph expects as client-request-id), else a new one. */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && UUID.test(header) ? header.toLowerCase() : randomUUID();
}

/** The app of a configuration whose tenants are final: in demo mode, the one createRelay gave its demo tenant. */
export async function buildApp(config: RelayConfig, deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? systemClock;
  const server = createServerSetup(config.tls, config.timeouts, deps.logger);
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.limits.maxBodyBytes,
    genReqId: (req) => requestId(req.headers['x-request-id']),
    // requestId: the same key the Graph adapter logs under, so one search finds a lookup's lines on both sides.
    logController: new AuditOnlyLogs({ requestIdLogLabel: 'requestId' }),
    serverFactory: server.serverFactory,
  });
  app.addHook('onClose', async () => server.stop());
  // Fastify's defaults echo the URL or the parser's message (client text) into logs and answers; these do not.
  app.setNotFoundHandler((_request, reply) => {
    const wire = toWire(new EdgeError('EDGE_NOT_FOUND'), 'edge');
    return reply.code(wire.status).type('text/plain; charset=utf-8').send(wire.message);
  });
  app.setErrorHandler((err: Error & { code?: string }, request, reply) => {
    const wire = toWire(err, 'edge');
    if (wire.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ event: 'http.rejected', status: wire.status, reason: err.code }, 'request rejected');
    return reply.code(wire.status).type('text/plain; charset=utf-8').send(wire.message);
  });
  // Callback style (no promise per request): the work is synchronous.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-ID', request.id);
    // While draining, answered keep-alive connections close, or they would hold the shutdown until they time out.
    if (deps.readiness?.draining) reply.header('Connection', 'close');
    done(null, payload);
  });
  if (deps.metrics) {
    countHttpRequests(app, deps.metrics);
    if (config.metrics.enabled && config.metrics.port === undefined) {
      await app.register(metricsRoute, { metrics: deps.metrics, token: config.metrics.token });
    }
  }
  await app.register(readinessRoute, { readiness: deps.readiness });

  const tokens = new AccessTokens({
    lifetimeSeconds: config.tokens.lifetimeSeconds,
    issuer: config.server.publicUrl ?? 'calendar-relay',
    now,
    ...(config.tokens.signingKey ? { signingKey: config.tokens.signingKey } : {}),
    ...(config.tokens.previousKeys ? { previousKeys: config.tokens.previousKeys } : {}),
  });
  if (tokens.ephemeral && !config.demo) {
    deps.logger.warn('tokens.signingKey is not set: tokens are signed with a random key and die with this process');
  }

  const domains = new Map<string, DomainPolicy>(
    config.domains.map((d) => [
      d.name,
      {
        tenant: d.tenant,
        disclosure: d.disclosure,
        ...(d.lookupMailbox ? { lookupMailbox: d.lookupMailbox } : {}),
        ...(d.lookupMailboxes?.length ? { lookupMailboxes: d.lookupMailboxes } : {}),
      },
    ]),
  );

  const access = config.access;
  const enforced = access.allowList === 'on' || (access.allowList === 'auto' && !config.demo);
  registerSourceAccess(app, new SourceAccess(access, enforced));
  const limits = await registerRateLimits(app, config.rateLimits, now);

  await app.register(formbody, { bodyLimit: 16_384 });
  app.get(HEALTH_PATH, async () => ({ status: 'ok' }));
  await app.register(tokenRoute, { tokens, clients: config.google.clients, limits });
  await app.register(ewsRoute, {
    tokens,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    basic: new BasicAccounts(config.domains, now),
    clients: new Map(config.google.clients.map((c) => [c.clientId, c])),
    limits,
    gate: new ConcurrencyGate(config.concurrency),
    deps: {
      domains,
      source: deps.scheduleSource,
      deadlineMs: config.graph.deadlineMs,
      now,
      limits: xmlLimits(config.limits),
      scratch: new ScratchBuffer(),
      timeZones: new ServerTimeZones(),
    },
  });
  return app;
}
