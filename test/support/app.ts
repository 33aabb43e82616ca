// Test helper: a relay app over an injected ScheduleSource, with captured logs and a token helper.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp, type EffectiveConfig } from '../../src/http/app.js';
import type { ScheduleSource } from '../../src/availability/schedule-source.js';
import { createLogger } from '../../src/logger.js';

export const CLIENT = { clientId: 'google-interop', clientSecret: 'test-secret-0123456789abcdef0123456789abcdef' };

export function testConfig(overrides: Partial<EffectiveConfig> = {}): EffectiveConfig {
  return {
    demo: false,
    server: { host: '127.0.0.1', port: 0 },
    google: { clients: [CLIENT] },
    tokens: { signingKey: 'test-signing-key-test-signing-key-0000', lifetimeSeconds: 3600 },
    tenants: [{ id: 'default', authority: 'https://login.invalid/t', graphEndpoint: 'https://graph.invalid', clientId: 'x', clientSecret: 'graph-secret' }],
    domains: [
      { name: 'example.com', tenant: 'default', disclosure: 'details' },
      { name: 'private.example', tenant: 'default', disclosure: 'freeBusy' },
    ],
    graph: { deadlineMs: 5000, attemptTimeoutMs: 2000, maxAttempts: 3, retryAfterCeilingMs: 2000, chunkSize: 20 },
    limits: { maxBodyBytes: 1_048_576, maxXmlDepth: 32, maxXmlElements: 20_000 },
    log: { level: 'info' },
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  logs: string[];
  token(): Promise<string>;
  ews(xml: string, token?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
}

export async function makeTestApp(source: ScheduleSource, overrides: Partial<EffectiveConfig> = {}, now?: () => number): Promise<TestApp> {
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
