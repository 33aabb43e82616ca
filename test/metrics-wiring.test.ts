// The cache and the circuit breaker report to /metrics through the relay's composition (createRelay).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { demoLookupXml } from '../src/demo/banner.js';
import { createLogger } from '../src/logger.js';
import { RelayMetrics } from '../src/observability/metrics.js';
import { createRelay, type Relay } from '../src/relay.js';

let relay: Relay;
let token: string;
const day = new Date(Date.UTC(2026, 11, 1));

beforeAll(async () => {
  relay = await createRelay(loadConfig({ argv: [], env: {} }), createLogger('silent'), { metrics: new RelayMetrics({ defaultMetrics: false }) });
  const c = relay.config.google.clients[0]!;
  const res = await relay.app.inject({ method: 'POST', url: '/token', payload: `client_id=${c.clientId}&client_secret=${c.clientSecret}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  token = res.json().access_token;
});
afterAll(() => relay.close());

const lookup = (mailboxes: string[]) =>
  relay.app.inject({ method: 'POST', url: '/', payload: demoLookupXml(mailboxes, day), headers: { 'content-type': 'text/xml', authorization: `Bearer ${token}` } });
const metric = async (line: RegExp) => {
  const text = (await relay.app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(line.exec(text)?.[1] ?? 'NaN');
};

describe('metrics fed by the cache and the breaker', () => {
  it('counts cache misses, then hits for the same mailboxes and window', async () => {
    await lookup(['alice@example.com', 'bob@example.com']);
    await lookup(['alice@example.com', 'bob@example.com']);
    expect(await metric(/calendar_relay_cache_lookups_total\{result="miss"\} (\d+)/)).toBe(2);
    expect(await metric(/calendar_relay_cache_lookups_total\{result="hit"\} (\d+)/)).toBe(2);
  });

  it('shows the tenant breaker open after Graph keeps failing', async () => {
    relay.demo!.tenant.fake.failNext({ path: 'getSchedule', status: 503, times: 200 });
    const failures = relay.config.graphScale.breakerFailures;
    for (let i = 0; i < failures + 1; i++) await lookup(["carol@example.com"]);
    expect(await metric(/calendar_relay_breaker_state\{tenant="demo"\} (\d+)/)).toBe(2);
    relay.demo!.tenant.fake.clearFaults();
  });
});
