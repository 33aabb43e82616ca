// Test helper: a relay app over an injected ScheduleSource, with captured logs and a token helper.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { RawConfig, RelayConfig } from '../../src/config/schema.js';
import { configFrom } from '../../src/config/test-support.js';
import { buildApp } from '../../src/http/app.js';
import type { ScheduleSource } from '../../src/availability/schedule-source.js';
import { createLogger } from '../../src/logger.js';

export const CLIENT = { clientId: 'google-interop', clientSecret: 'test-secret-0123456789abcdef0123456789abcdef' };

/** Raw settings of the app tests: one tenant, two domains, one Google client; the schema fills in the rest. */
const APP_RAW: RawConfig = {
  server: { host: '127.0.0.1', port: 0 },
  google: { clients: [CLIENT] },
  tokens: { signingKey: 'test-signing-key-test-signing-key-0000' },
  tenants: [{ id: 'default', authority: 'https://login.invalid/t', graphEndpoint: 'https://graph.invalid', clientId: 'x', clientSecret: 'graph-secret' }],
  domains: [
    { name: 'example.com', tenant: 'default', disclosure: 'details' },
    { name: 'private.example', tenant: 'default', disclosure: 'freeBusy' },
  ],
  graph: { deadlineMs: 5000, attemptTimeoutMs: 2000, maxAttempts: 3, retryAfterCeilingMs: 2000 },
};

/**
 * The app tests' configuration through configFrom (schema, loader, frozen); `overrides` are raw settings replacing
 * whole top-level sections of the base (`tenants: []` with `domains: []` gives demo mode).
 */
export function testConfig(overrides: RawConfig = {}): RelayConfig {
  return configFrom({ ...APP_RAW, ...overrides });
}

export interface TestApp {
  app: FastifyInstance;
  logs: string[];
  token(): Promise<string>;
  ews(xml: string, token?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
}

export async function makeTestApp(source: ScheduleSource, overrides: RawConfig = {}, now?: () => number): Promise<TestApp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = testConfig(overrides);
  const logger = createLogger(config.log.level, sink) as unknown as ReturnType<typeof pino>;
  const app = await buildApp(config, { scheduleSource: source, logger, ...(now ? { now } : {}) });
  let cached: string | undefined;
  const token = async () => {
    if (cached) return cached;
    const res = await app.inject({
      method: 'POST',
      url: '/token',
      payload: `client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}&grant_type=client_credentials`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    cached = res.json().access_token as string;
    return cached;
  };
  const ews = async (xml: string, t?: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/',
      payload: xml,
      headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${t ?? (await token())}` },
    });
    return { status: res.statusCode, body: res.body, headers: res.headers };
  };
  return { app, logs, token, ews };
}
