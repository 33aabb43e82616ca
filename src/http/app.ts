// buildApp: the whole relay as a Fastify instance, with its collaborators injected. Never listens.
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AccessTokens } from '../auth/access-tokens.js';
import type { DomainPolicy } from '../availability/lookup.js';
import type { RelayConfig } from '../config/schema.js';
import type { ScheduleSource } from '../graph/types.js';
import { ewsRoute } from './ews-route.js';
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
  now?: () => number;
}

/** Config whose tenants, domains and Google clients are final (the demo tenant already filled in). */
export type EffectiveConfig = Omit<RelayConfig, 'demo'> & { demo: boolean };

export async function buildApp(config: EffectiveConfig, deps: AppDeps): Promise<FastifyInstance> {
  const now = deps.now ?? Date.now;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.limits.maxBodyBytes,
    genReqId: () => randomUUID(),
    logController: new AuditOnlyLogs(),
  });

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

  await app.register(formbody, { bodyLimit: 16_384 });
  app.get('/health-check', async () => ({ status: 'ok' }));
  await app.register(tokenRoute, { tokens, clients: config.google.clients });
  await app.register(ewsRoute, {
    tokens,
    now,
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
