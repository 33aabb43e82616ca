// The composed relay (createRelay) at scale: two tenants on two fake Graphs, stateless replicas sharing a real
// Redis, and Redis dying mid-run without one lookup failing. Every EWS answer is XSD-checked.
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawConfig, RelayConfig } from '../src/config/schema.js';
import { startFakeGraph, type FakeGraph } from '../src/demo/fake-graph.js';
import { CLIENT_ID, CLIENT_SECRET, graphConfig, mailbox, T0, tenantConfig, tenantData } from '../src/graph/test-support.js';
import { createLogger } from '../src/logger.js';
import { createRelay, type Relay } from '../src/relay.js';
import { CLIENT, testConfig } from './support/app.js';
import { redisUnavailable, startRedis, type RedisServer } from './support/redis-server.js';
import { defaultNamespaceRequest } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

const FABRIKAM_TENANT = '99999999-8888-4777-8666-555555555555';
const hour = 3_600_000;
let contoso: FakeGraph;
let fabrikam: FakeGraph;
const answers: string[] = [];
const relays: Relay[] = [];

beforeAll(async () => {
  contoso = await startFakeGraph({ tenants: [tenantData()] });
  fabrikam = await startFakeGraph({
    tenants: [
      {
        tenantId: FABRIKAM_TENANT,
        apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
        mailboxes: {
          'zed@example.org': mailbox([{ start: T0 + 2 * hour, end: T0 + 3 * hour, status: 'busy' }]),
          'yan@example.org': mailbox([{ start: T0 + 5 * hour, end: T0 + 6 * hour, status: 'oof' }]),
        },
      },
    ],
  });
});
afterAll(async () => {
  for (const r of relays) await r.close();
  await expectXsdValid(answers);
  await contoso.close();
  await fabrikam.close();
});

function config(cache: RawConfig['cache'] = {}): RelayConfig {
  return testConfig({
    tenants: [tenantConfig(contoso), { ...tenantConfig(fabrikam), id: 'fabrikam', authority: `${fabrikam.url}/${FABRIKAM_TENANT}` }],
    domains: [
      { name: 'example.com', tenant: 'contoso', disclosure: 'freeBusy' },
      { name: 'example.org', tenant: 'fabrikam', disclosure: 'freeBusy' },
    ],
    graph: graphConfig,
    cache: { maxEntries: 1000, maxBytes: 1_000_000, ...cache },
  });
}

async function relay(c: RelayConfig): Promise<Relay & { logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) });
  const r = await createRelay(c, createLogger('info', sink), { extraCa: contoso.ca });
  relays.push(r);
  return Object.assign(r, { logs });
}

async function token(r: Relay): Promise<string> {
  const res = await r.app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}` });
  return res.json<{ access_token: string }>().access_token;
}

async function lookup(r: Relay, bearer: string, mailboxes: string[]) {
  const payload = defaultNamespaceRequest({ mailboxes, start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusyMerged', interval: 60, version: 'Exchange2016' });
  const res = await r.app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${bearer}` } });
  answers.push(res.body);
  return { status: res.statusCode, codes: [...res.body.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]), merged: [...res.body.matchAll(/<t:MergedFreeBusy>([^<]*)</g)].map((m) => m[1]) };
}

const schedules = (fake: FakeGraph) => fake.requests.filter((q) => q.endpoint === 'getSchedule').map((q) => (q.body as { schedules: string[] }).schedules);

describe('several tenants', () => {
  it('fans a request spanning two tenants out to each tenant and merges the answers back in request order', async () => {
    const r = await relay(config({ ttlSeconds: 0 }));
    const res = await lookup(r, await token(r), ['zed@example.org', 'alice@example.com', 'nobody@example.org', 'bob@example.com', 'yan@example.org']);
    expect(res.status).toBe(200);
    expect(res.codes).toEqual(['NoError', 'NoError', 'ErrorMailRecipientNotFound', 'NoError', 'NoError']);
    const digit = (hourOfDay: number, d: string) => `${'0'.repeat(hourOfDay)}${d}${'0'.repeat(23 - hourOfDay)}`;
    expect(res.merged).toEqual([digit(2, '2'), `${'0'.repeat(17)}2003${'0'.repeat(3)}`, digit(9, '1'), digit(5, '3')]);
    expect(schedules(contoso)).toEqual([['alice@example.com', 'bob@example.com']]);
    expect(schedules(fabrikam)).toEqual([['zed@example.org', 'nobody@example.org', 'yan@example.org']]);
  });
});

describe('logging under load', () => {
  it('writes one audit line per lookup and none of Fastify\'s per-request lines', async () => {
    const r = await relay(config({ ttlSeconds: 0 }));
    const bearer = await token(r);
    r.logs.length = 0;
    await lookup(r, bearer, ['alice@example.com']);
    await lookup(r, bearer, ['bob@example.com']);
    const lines = r.logs.map((l) => JSON.parse(l) as { event?: string; msg?: string });
    expect(lines.filter((l) => l.event === 'ews.lookup')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
  });
});

const noRedis = redisUnavailable();
describe.skipIf(noRedis !== undefined)(`replicas and Redis${noRedis ? ` (skipped: ${noRedis})` : ''}`, () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  const waitReady = async (r: Relay) => {
    // ioredis connects in the background; give it a bounded moment so the first lookups can use the cache.
    for (let i = 0; i < 100 && !(await cacheWorks(r)); i++) await delay(50);
  };
  const cacheWorks = async (r: Relay) => {
    const before = r.cacheStats!.storeErrors;
    await lookup(r, await token(r), ['probe@example.com']);
    return r.cacheStats!.storeErrors === before;
  };

  it('two replicas sharing only configuration and Redis: either verifies the other\'s token and reuses its Graph answers', async () => {
    const c = config({ redisUrl: redis.url });
    const [one, two] = [await relay(c), await relay(c)];
    await waitReady(one);
    await waitReady(two);
    const fromOne = await token(one);
    const calls = contoso.scheduleRequests;
    const errors = one.cacheStats!.storeErrors + two.cacheStats!.storeErrors;
    const a = await lookup(two, fromOne, ['alice@example.com', 'bob@example.com']);
    expect(a.codes).toEqual(['NoError', 'NoError']);
    expect(contoso.scheduleRequests).toBe(calls + 1);
    await delay(50); // the cache write is not awaited by the answer
    const b = await lookup(one, await token(two), ['bob@example.com', 'alice@example.com']);
    expect(b.codes).toEqual(['NoError', 'NoError']);
    expect(b.merged).toEqual([a.merged[1], a.merged[0]]);
    expect(contoso.scheduleRequests).toBe(calls + 1);
    expect(one.cacheStats!.storeErrors + two.cacheStats!.storeErrors).toBe(errors);
  });

  it('keeps answering from Graph when Redis dies mid-run, logs and counts it, and uses Redis again once it is back', async () => {
    const r = await relay(config({ redisUrl: redis.url }));
    await waitReady(r);
    const bearer = await token(r);
    await lookup(r, bearer, ['carol@example.com']);
    await delay(50);
    const calls = contoso.scheduleRequests;
    expect((await lookup(r, bearer, ['carol@example.com'])).codes).toEqual(['NoError']);
    expect(contoso.scheduleRequests).toBe(calls);

    await redis.kill();
    const errors = r.cacheStats!.storeErrors;
    for (let i = 0; i < 3; i++) {
      const res = await lookup(r, bearer, ['carol@example.com', 'alice@example.com']);
      expect(res.status).toBe(200);
      expect(res.codes).toEqual(['NoError', 'NoError']);
    }
    expect(contoso.scheduleRequests).toBe(calls + 3);
    expect(r.cacheStats!.storeErrors).toBeGreaterThan(errors);
    expect(r.logs.some((l) => l.includes('cache.store_error'))).toBe(true);

    await redis.restart();
    await waitReady(r);
    await lookup(r, bearer, ['carol@example.com']);
    await delay(50);
    const after = contoso.scheduleRequests;
    await lookup(r, bearer, ['carol@example.com']);
    expect(contoso.scheduleRequests).toBe(after);
  });
});
