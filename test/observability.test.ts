// Metrics after a known sequence of lookups, request ids reaching the fake Graph and the logs, /metrics auth, /ready.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineObservers } from '../src/graph/observer.js';
import { graphConfig, harness, T0, type Harness } from '../src/graph/test-support.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { RelayMetrics } from '../src/observability/metrics.js';
import { Readiness } from '../src/observability/readiness.js';
import { CLIENT, testConfig } from './support/app.js';
import { defaultNamespaceRequest } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

let h: Harness;
let app: FastifyInstance;
let metrics: RelayMetrics;
const logs: string[] = [];
const answers: string[] = [];
const METRICS_TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  metrics = new RelayMetrics({ defaultMetrics: false });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('info', sink);
  const readiness = new Readiness({ tenants: ['contoso'], getToken: (id) => h.source.getToken(id), graphRecentMs: 60_000, tokenTimeoutMs: 2_000 });
  h = await harness({
    source: {
      logger,
      observer: combineObservers(metrics.graphObserver, readiness.observer),
    },
  });
  const config = testConfig({
    tenants: [{ id: 'contoso', authority: 'https://unused.invalid/x', graphEndpoint: 'https://unused.invalid', clientId: 'x', clientSecret: 'y' }],
    domains: [{ name: 'example.com', tenant: 'contoso', disclosure: 'freeBusy' }],
    graph: graphConfig,
    metrics: { enabled: true, token: METRICS_TOKEN },
  });
  app = await buildApp(config, { scheduleSource: h.source, logger: logger as never, metrics, readiness });
});
afterAll(async () => {
  await expectXsdValid(answers);
  await app.close();
  await h.close();
});

let token: string | undefined;
async function lookup(mailboxes: string[], extra: { view?: string; requestId?: string } = {}) {
  token ??= (
    await app.inject({
      method: 'POST',
      url: '/token',
      payload: `client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  ).json().access_token as string;
  const day = (d: number) => new Date(T0 + d * 86_400_000).toISOString().slice(0, 19);
  const res = await app.inject({
    method: 'POST',
    url: '/',
    payload: defaultNamespaceRequest({ mailboxes, start: day(0), end: day(1), view: extra.view ?? 'FreeBusyMerged', interval: 60, version: 'Exchange2016' }),
    headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${token}`, ...(extra.requestId ? { 'x-request-id': extra.requestId } : {}) },
  });
  answers.push(res.body);
  return res;
}

/** The value of one sample in Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return 0;
}

describe('metrics after a known sequence of lookups', () => {
  it('counts lookups by outcome, mailboxes by code, Graph calls, throttles, retries and tokens', async () => {
    expect((await lookup(['alice@example.com', 'bob@example.com'])).statusCode).toBe(200); // ok
    expect((await lookup(['alice@example.com', 'nobody@example.com'])).statusCode).toBe(200); // partial
    expect((await lookup(['alice@example.com'], { view: 'Bogus' })).statusCode).toBe(500); // fault
    h.fake.failNext({ path: 'getSchedule', status: 429, retryAfterSeconds: 1 });
    expect((await lookup(['carol@example.com'])).statusCode).toBe(200); // ok after one throttle

    const denied = await app.inject({ method: 'GET', url: '/metrics' });
    expect(denied.statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const op = 'GetUserAvailabilityRequest';
    expect(sample(text, 'calendar_relay_lookups_total', { operation: op, outcome: 'ok' })).toBe(2);
    expect(sample(text, 'calendar_relay_lookups_total', { operation: op, outcome: 'partial' })).toBe(1);
    expect(sample(text, 'calendar_relay_lookups_total', { operation: op, outcome: 'fault' })).toBe(1);
    expect(sample(text, 'calendar_relay_mailboxes_total', { result: 'NoError' })).toBe(4);
    expect(sample(text, 'calendar_relay_mailboxes_total', { result: 'ErrorMailRecipientNotFound' })).toBe(1);
    expect(sample(text, 'calendar_relay_lookup_duration_seconds_count', { operation: op })).toBe(4);
    // Three lookups reached Graph: one call each, plus the throttled attempt.
    expect(sample(text, 'calendar_relay_graph_calls_total', { tenant: 'contoso', status: '200' })).toBe(3);
    expect(sample(text, 'calendar_relay_graph_calls_total', { tenant: 'contoso', status: '429' })).toBe(1);
    expect(sample(text, 'calendar_relay_graph_call_duration_seconds_count', { tenant: 'contoso' })).toBe(4);
    expect(sample(text, 'calendar_relay_graph_throttled_total', { tenant: 'contoso', status: '429' })).toBe(1);
    expect(sample(text, 'calendar_relay_graph_retry_after_seconds_sum', { tenant: 'contoso' })).toBe(1);
    expect(sample(text, 'calendar_relay_graph_retries_total', { tenant: 'contoso', reason: '429' })).toBe(1);
    expect(sample(text, 'calendar_relay_graph_token_acquisitions_total', { tenant: 'contoso', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'calendar_relay_http_requests_total', { route: '/', status: '200' })).toBe(3);
    expect(sample(text, 'calendar_relay_http_requests_total', { route: '/token', status: '200' })).toBe(1);
    // Hooks the cache and breaker plug into are declared (issue 4 feeds them).
    expect(text).toContain('# TYPE calendar_relay_cache_lookups_total counter');
    expect(text).toContain('# TYPE calendar_relay_breaker_state gauge');
  });
});

describe('request ids', () => {
  it('sends the request id to Graph as client-request-id and logs it beside Graph\'s request-id', async () => {
    const since = h.fake.requests.length;
    const res = await lookup(['alice@example.com']);
    const id = String(res.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const calls = h.fake.requests.slice(since).filter((r) => r.endpoint === 'getSchedule');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.clientRequestId).toBe(id);
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === id);
    const graphLine = lines.find((l) => l.event === 'graph.call');
    expect(graphLine?.graphRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((l) => l.event === 'ews.lookup')).toBe(true);
  });

  it("keeps a caller's X-Request-ID GUID end to end, and replaces one that is not a GUID", async () => {
    const mine = '0b3c9a52-6c0e-4c2f-9d55-5d1f5b8e2a10';
    const since = h.fake.requests.length;
    const res = await lookup(['bob@example.com'], { requestId: mine });
    expect(res.headers['x-request-id']).toBe(mine);
    expect(h.fake.requests.slice(since).find((r) => r.endpoint === 'getSchedule')?.clientRequestId).toBe(mine);
    const other = await lookup(['bob@example.com'], { requestId: 'not a guid; DROP TABLE' });
    expect(other.headers['x-request-id']).not.toBe('not a guid; DROP TABLE');
  });
});

describe('/ready and /health-check', () => {
  it('is ready with a fresh token, not ready while Graph fails, and ready again once it answers', async () => {
    const ok = await app.inject({ method: 'GET', url: '/ready' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().tenants.contoso).toMatchObject({ ready: true, token: 'fresh' });
    expect(ok.json().tenants.contoso.tokenExpiresInSeconds).toBeGreaterThan(3000);

    h.fake.failNext({ path: 'getSchedule', status: 500 });
    await lookup(['alice@example.com']);
    const failing = await app.inject({ method: 'GET', url: '/ready' });
    expect(failing.statusCode).toBe(503);
    expect(failing.json().tenants.contoso).toMatchObject({ ready: false, token: 'fresh' });
    expect(failing.json().tenants.contoso.graphFailedSecondsAgo).toBeGreaterThanOrEqual(0);

    await lookup(['alice@example.com']);
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health-check' })).json()).toEqual({ status: 'ok' });
  });
});

describe('metrics settings', () => {
  it('moves /metrics to its own listener with METRICS_PORT, and drops it with metrics.enabled false', async () => {
    const { createRelay } = await import('../src/relay.js');
    const { loadConfig } = await import('../src/config/load.js');
    const { pino } = await import('pino');
    const separate = await createRelay(loadConfig({ argv: [], env: { METRICS_PORT: '0' } }), pino({ level: 'silent' }), { metrics: new RelayMetrics({ defaultMetrics: false }) });
    try {
      expect((await separate.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      const res = await separate.metricsApp!.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE calendar_relay_lookups_total counter');
    } finally {
      await separate.close();
    }
    const file = { '/relay.yaml': 'metrics:\n  enabled: false\n' } as Record<string, string>;
    const off = await createRelay(loadConfig({ argv: ['--config', '/relay.yaml'], env: {}, readFile: (p) => file[p] ?? '' }), pino({ level: 'silent' }), { metrics: new RelayMetrics({ defaultMetrics: false }) });
    try {
      expect((await off.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect(off.metricsApp).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
