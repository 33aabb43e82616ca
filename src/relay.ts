// Composition root: turns a loaded configuration into a ready (not listening) relay, demo tenant included.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withCache, type CacheStats } from './cache/index.js';
import { systemClock, type Clock } from './clock.js';
import { deepFreeze } from './config/load.js';
import type { RelayConfig } from './config/schema.js';
import type { DemoTenant } from './demo/demo-tenant.js';
import { createGraphScheduleSource } from './graph/index.js';
import { combineObservers } from './graph/observer.js';
import { buildApp } from './http/app.js';
import { metricsRoute } from './http/observability-routes.js';
import { RelayMetrics } from './observability/metrics.js';
import { Readiness } from './observability/readiness.js';

export interface Relay {
  app: FastifyInstance;
  /** The configuration the relay runs on: the loaded one, or in demo mode that one with the demo tenant filled in. */
  config: RelayConfig;
  /** The clock every part of this relay reads. */
  now: Clock;
  demo?: { tenant: DemoTenant; mailboxes: readonly string[]; domain: string };
  metrics: RelayMetrics;
  readiness: Readiness;
  /** A second listener serving only /metrics, when config.metrics.port is set. */
  metricsApp?: FastifyInstance;
  /** Cache and single-flight counters (absent when both are off). */
  cacheStats?: CacheStats;
  close(): Promise<void>;
}

const DEMO_GOOGLE_CLIENT_ID = 'calendar-relay-demo';

/**
 * Demo mode: the embedded fake tenant stands in for Microsoft; a fresh Google secret unless one is configured. The
 * result is still a RelayConfig (`demo` stays true), frozen like the loaded one; every other section is the loaded one's.
 */
async function withDemoTenant(config: RelayConfig, now: Clock): Promise<{ config: RelayConfig; tenant: DemoTenant; mailboxes: readonly string[]; domain: string }> {
  // Loaded only in demo mode: the fake Graph and its certificate tooling cost a real relay memory for nothing.
  const { DEMO_DOMAIN, DEMO_MAILBOXES, startDemoTenant } = await import('./demo/demo-tenant.js');
  const tenant = await startDemoTenant({ now, id: 'demo' });
  const clients = config.google.clients.length
    ? config.google.clients
    : [{ clientId: DEMO_GOOGLE_CLIENT_ID, clientSecret: randomBytes(32).toString('base64url') }];
  return {
    tenant,
    mailboxes: DEMO_MAILBOXES,
    domain: DEMO_DOMAIN,
    config: deepFreeze({
      ...config,
      google: { clients },
      tenants: [tenant.tenant],
      // The demo shows what details look like; real domains default to free/busy only.
      domains: [{ name: DEMO_DOMAIN, tenant: 'demo', disclosure: 'details' }],
    }),
  };
}

export interface RelayOptions {
  /** The relay's one wall clock, handed to every part that reads the time (default: the system's). */
  now?: Clock;
  /** Injected registry (tests); default: a fresh one with process metrics. */
  metrics?: RelayMetrics;
  /** PEM trusted besides Node's roots for Graph and Entra (tests against the fake; production: NODE_EXTRA_CA_CERTS). */
  extraCa?: string;
}

export async function createRelay(config: RelayConfig, logger: Logger, options: RelayOptions = {}): Promise<Relay> {
  const now = options.now ?? systemClock;
  const metrics = options.metrics ?? new RelayMetrics();
  let effective = config;
  let demo: Relay['demo'];
  let extraCa: string | undefined = options.extraCa;
  if (config.demo) {
    const d = await withDemoTenant(config, now);
    effective = d.config;
    extraCa = d.tenant.ca;
    demo = { tenant: d.tenant, mailboxes: d.mailboxes, domain: d.domain };
  }
  // Readiness asks the source for tokens (lazily, once requests come) and hears its events.
  const readiness = new Readiness({
    tenants: effective.tenants.map((t) => t.id),
    getToken: (id) => graphSource.getToken(id),
    graphRecentMs: effective.readiness.graphRecentMs,
    tokenTimeoutMs: effective.readiness.tokenTimeoutMs,
    now,
  });
  const graphSource = createGraphScheduleSource({
    tenants: effective.tenants,
    graph: effective.graph,
    logger: logger.child({ component: 'graph' }),
    scale: effective.graphScale,
    ...(extraCa ? { extraCa } : {}),
    observer: combineObservers(metrics.graphObserver, readiness.observer),
    now,
  });
  const source = await withCache(graphSource, effective.cache, logger.child({ component: 'cache' }), now, metrics.graphObserver);
  const app = await buildApp(effective, { scheduleSource: source, logger: logger as unknown as FastifyBaseLogger, now, metrics, readiness });
  let metricsApp: FastifyInstance | undefined;
  if (effective.metrics.enabled && effective.metrics.port !== undefined) {
    metricsApp = Fastify({ loggerInstance: logger.child({ component: 'metrics' }) as unknown as FastifyBaseLogger, disableRequestLogging: true });
    await metricsApp.register(metricsRoute, { metrics, token: effective.metrics.token });
  }
  return {
    app,
    config: effective,
    now,
    ...(demo ? { demo } : {}),
    metrics,
    readiness,
    ...(metricsApp ? { metricsApp } : {}),
    ...(source.stats ? { cacheStats: source.stats } : {}),
    close: async () => {
      await app.close();
      await metricsApp?.close();
      await source.close?.();
      await demo?.tenant.close();
    },
  };
}
