// buildApp: the whole relay as a Fastify instance, with its collaborators injected. Never listens.
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AccessTokens } from '../auth/access-tokens.js';
import type { DomainPolicy } from '../availability/lookup.js';
import type { RelayConfig } from '../config/schema.js';
import type { ScheduleSource } from '../graph/types.js';
import type { RelayMetrics } from '../observability/metrics.js';
import type { Readiness } from '../observability/readiness.js';
import { ewsRoute } from './ews-route.js';
import { countHttpRequests, metricsRoute, readinessRoute } from './observability-routes.js';
import { tokenRoute } from './token-route.js';

export interface AppDeps {
  scheduleSource: ScheduleSource;
  logger: FastifyBaseLogger;
  now?: () => number;
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

/** Config whose tenants, domains and Google clients are final (the demo tenant already filled in). */
export type EffectiveConfig = Omit<RelayConfig, 'demo'> & { demo: boolean };

export async function buildApp(config: EffectiveConfig, deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.limits.maxBodyBytes,
    genReqId: (req) => requestId(req.headers['x-request-id']),
    // The same key the Graph adapter logs under, so one search finds a lookup's lines on both sides.
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-ID', request.id);
    // While draining, answered keep-alive connections close, or they would hold the shutdown until they time out.
    if (deps.readiness?.draining) reply.header('Connection', 'close');
  });
  if (deps.metrics) {
    countHttpRequests(app, deps.metrics);
    if ((config.metrics?.enabled ?? true) && config.metrics?.port === undefined) {
      await app.register(metricsRoute, { metrics: deps.metrics, token: config.metrics?.token });
    }
  }
  await app.register(readinessRoute, { readiness: deps.readiness });

  const tokens = new AccessTokens({
    lifetimeSeconds: config.tokens.lifetimeSeconds,
    issuer: config.server.publicUrl ?? 'calendar-relay',
    now,
    ...(config.tokens.signingKey ? { signingKey: config.tokens.signingKey } : {}),
  });
  if (tokens.ephemeral && !config.demo) {
    deps.logger.warn('tokens.signingKey is not set: tokens are signed with a random key and die with this process');
  }

  const domains = new Map<string, DomainPolicy>(
    config.domains.map((d) => [d.name, { tenant: d.tenant, disclosure: d.disclosure, ...(d.lookupMailbox ? { lookupMailbox: d.lookupMailbox } : {}) }]),
  );

  await app.register(formbody, { bodyLimit: 16_384 });
  app.get('/health-check', async () => ({ status: 'ok' }));
  await app.register(tokenRoute, { tokens, clients: config.google.clients });
  await app.register(ewsRoute, {
    tokens,
    now,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    deps: {
      domains,
      source: deps.scheduleSource,
      deadlineMs: config.graph.deadlineMs,
      now,
      limits: { maxDepth: config.limits.maxXmlDepth, maxElements: config.limits.maxXmlElements, maxTextLength: 65_536 },
    },
  });
  return app;
}
