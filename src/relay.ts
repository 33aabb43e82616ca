// Composition root: turns a loaded configuration into a ready (not listening) relay, demo tenant included.
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withCache, type CacheStats } from './cache/index.js';
import type { RelayConfig } from './config/schema.js';
import type { DemoTenant } from './demo/demo-tenant.js';
import { createGraphScheduleSource } from './graph/schedule-source.js';
import { buildApp, type EffectiveConfig } from './http/app.js';

export interface Relay {
  app: FastifyInstance;
  config: EffectiveConfig;
  demo?: { tenant: DemoTenant; mailboxes: readonly string[]; domain: string };
  /** Cache and single-flight counters (absent when both are off). */
  cacheStats?: CacheStats;
  close(): Promise<void>;
}

export interface RelayOptions {
  now?: () => number;
  /** PEM trusted besides Node's roots for Graph and Entra (tests and the benchmark against the fake). */
  extraCa?: string;
}

export const DEMO_GOOGLE_CLIENT_ID = 'calendar-relay-demo';

/** Demo mode: the embedded fake tenant stands in for Microsoft; a fresh Google secret unless one is configured. */
async function withDemoTenant(config: RelayConfig, now: number): Promise<{ config: EffectiveConfig; tenant: DemoTenant; mailboxes: readonly string[]; domain: string }> {
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
    config: {
      ...config,
      google: { clients },
      tenants: [tenant.tenant],
      // The demo shows what details look like; real domains default to free/busy only.
      domains: [{ name: DEMO_DOMAIN, tenant: 'demo', disclosure: 'details' }],
    },
  };
}

export async function createRelay(config: RelayConfig, logger: Logger, nowOrOptions: (() => number) | RelayOptions = {}): Promise<Relay> {
  const options = typeof nowOrOptions === 'function' ? { now: nowOrOptions } : nowOrOptions;
  const now = options.now ?? Date.now;
  let effective: EffectiveConfig = config;
  let demo: Relay['demo'];
  let extraCa: string | undefined = options.extraCa;
  if (config.demo) {
    const d = await withDemoTenant(config, now());
    effective = d.config;
    extraCa = d.tenant.ca;
    demo = { tenant: d.tenant, mailboxes: d.mailboxes, domain: d.domain };
  }
  const graphSource = createGraphScheduleSource({
    tenants: effective.tenants,
    graph: effective.graph,
    logger: logger.child({ component: 'graph' }),
    ...(effective.graphScale ? { scale: effective.graphScale } : {}),
    ...(extraCa ? { extraCa } : {}),
  });
  const source = await withCache(graphSource, effective.cache, logger.child({ component: 'cache' }), now);
  const app = await buildApp(effective, { scheduleSource: source, logger: logger as unknown as FastifyBaseLogger, now });
  return {
    app,
    config: effective,
    ...(demo ? { demo } : {}),
    ...(source.stats ? { cacheStats: source.stats } : {}),
    close: async () => {
      await app.close();
      await source.close?.();
      await demo?.tenant.close();
    },
  };
}
