// One clock: the relay reads the time only through the clock it was given. Two checks: no module in src/ but
// src/clock.ts reads a system clock, and a whole relay run on a clock set years away from the real one (ahead and
// behind) issues tokens, answers lookups, caches, throttles, refreshes its Graph token and cycles its breaker as it
// would today. With a second clock anywhere (Date.now beside the injected one), a step below is judged on the
// wrong time and the check after it fails.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from '../src/demo/fake-graph.js';
import { generateClientCertificate } from '../src/demo/tls.js';
import { CLIENT_ID, CLIENT_SECRET, graphConfig, mailbox, TENANT_ID } from '../src/graph/test-support.js';
import { createLogger } from '../src/logger.js';
import { createRelay, type Relay } from '../src/relay.js';
import { CLIENT, testConfig } from './support/app.js';
import { defaultNamespaceRequest } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const hour = 3_600_000;
const day = 24 * hour;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

// Date.now(), new Date() / Date() without an argument, performance.now(), process.hrtime, process.uptime.
const readers = /\bDate\.now\b|\bnew Date\(\s*\)|(?<![.\w])Date\(\s*\)|\bperformance\.now\b|\bprocess\.hrtime\b|\bprocess\.uptime\b/;

describe('reading the time in src/', () => {
  it('happens only in src/clock.ts', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      if (relative(SRC, file) === 'clock.ts') continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
          if (readers.test(code)) offenders.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the scan sees what it looks for', () => {
    // A guard on the guard: the patterns match each way of reading the clock.
    for (const line of ['const t = Date.now();', 'x = new Date()', 'const s = Date();', 'performance.now()', 'process.hrtime.bigint()', 'process.uptime()']) expect(readers.test(line), line).toBe(true);
    for (const line of ['new Date(at)', 'Date.UTC(2026, 0, 1)', 'd.getUTCDate()', 'Date.parse(s)']) expect(readers.test(line), line).toBe(false);
  });
});

const CERT_CLIENT_ID = 'cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee';

// Years from any plausible real date, both ways; the first lands on the EU spring change.
describe.each([
  ['ahead', Date.UTC(2041, 2, 31, 0, 59, 30)],
  ['behind', Date.UTC(2003, 9, 26, 0, 59, 30)],
])('a relay whose clock is years %s of the real one', (_, start) => {
  let t = start;
  const now = () => t;
  const d0 = Math.floor(start / day) * day;
  let fake: FakeGraph;
  let relay: Relay;
  const answers: string[] = [];

  beforeAll(async () => {
    const cert = await generateClientCertificate();
    fake = await startFakeGraph({
      now,
      tokenLifetimeSeconds: 3600,
      tenants: [
        {
          tenantId: TENANT_ID,
          apps: [
            { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
            { clientId: CERT_CLIENT_ID, certificates: [cert.cert] },
          ],
          mailboxes: {
            'alice@example.com': mailbox([{ start: d0 + 9 * hour, end: d0 + 10 * hour, status: 'busy', subject: 'Standup' }]),
            'bob@example.com': mailbox([{ start: d0 + 11 * hour, end: d0 + 12 * hour, status: 'tentative' }]),
            'carol@example.org': mailbox([{ start: d0 + 14 * hour, end: d0 + 15 * hour, status: 'oof' }]),
          },
        },
      ],
    });
    const config = testConfig({
      tenants: [
        { id: 'secret', authority: `${fake.url}/${TENANT_ID}`, graphEndpoint: fake.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        { id: 'certificate', authority: `${fake.url}/${TENANT_ID}`, graphEndpoint: fake.url, clientId: CERT_CLIENT_ID, certificate: { privateKey: cert.privateKey, thumbprintSha256: cert.thumbprintSha256 } },
      ],
      domains: [
        { name: 'example.com', tenant: 'secret', disclosure: 'freeBusy' },
        { name: 'example.org', tenant: 'certificate', disclosure: 'freeBusy' },
      ],
      graph: { ...graphConfig, maxAttempts: 1 },
      graphScale: { breakerFailures: 2 },
      cache: { maxEntries: 1000, maxBytes: 1_000_000 },
      rateLimits: { tokenPerAddress: 1000, tokenPerClient: 3, ewsPerAddress: 1000, ewsPerClient: 1000 },
    });
    relay = await createRelay(config, createLogger('silent'), { now, extraCa: fake.ca });
  });
  afterAll(async () => {
    await relay?.close();
    await fake?.close();
    await expectXsdValid(answers);
  });

  const issue = () =>
    relay.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${CLIENT.clientId}&client_secret=${CLIENT.clientSecret}`,
    });
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  async function lookup(bearer: string, mailboxes: string[], from = d0) {
    const payload = defaultNamespaceRequest({ mailboxes, start: iso(from), end: iso(from + day), view: 'FreeBusyMerged', interval: 60, version: 'Exchange2016' });
    const res = await relay.app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${bearer}` } });
    if (res.statusCode === 200) answers.push(res.body);
    return { status: res.statusCode, codes: [...res.body.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]), merged: [...res.body.matchAll(/<t:MergedFreeBusy>([^<]*)</g)].map((m) => m[1]) };
  }
  let bearer = '';

  it('issues its access tokens on its clock, and rate-limits /token in windows of that clock', async () => {
    const res = await issue();
    expect(res.statusCode).toBe(200);
    bearer = res.json<{ access_token: string }>().access_token;
    const claims = decodeJwt(bearer);
    expect(claims.iat).toBe(Math.floor(t / 1000));
    expect(claims.exp).toBe(Math.floor(t / 1000) + 3600);
    expect((await issue()).statusCode).toBe(200);
    expect((await issue()).statusCode).toBe(200);
    expect((await issue()).statusCode).toBe(429);
    t += 60_000;
    expect((await issue()).statusCode).toBe(200);
  });

  it('answers a lookup for the day of its clock, from a secret and from a certificate credential', async () => {
    const r = await lookup(bearer, ['alice@example.com', 'bob@example.com', 'carol@example.org']);
    expect(r.status).toBe(200);
    expect(r.codes).toEqual(['NoError', 'NoError', 'NoError']);
    expect(r.merged).toEqual(['000000000200000000000000', '000000000001000000000000', '000000000000003000000000']);
  });

  it('reports its Graph tokens as good for the lifetime Entra gave, measured on its clock', async () => {
    const ready = await relay.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    const seconds = JSON.stringify(ready.json()).match(/"tokenExpiresInSeconds":(-?\d+)/g)?.map((m) => Number(m.split(':')[1]));
    expect(seconds?.length).toBeGreaterThan(0);
    for (const s of seconds!) expect(s).toBeGreaterThan(3400);
    for (const s of seconds!) expect(s).toBeLessThanOrEqual(3600);
  });

  it('serves a repeat from the cache, and asks Graph again once the entry has lived its time on the clock', async () => {
    const calls = fake.scheduleRequests;
    expect((await lookup(bearer, ['alice@example.com'])).codes).toEqual(['NoError']);
    expect(fake.scheduleRequests).toBe(calls);
    t += 61_000;
    expect((await lookup(bearer, ['alice@example.com'])).codes).toEqual(['NoError']);
    expect(fake.scheduleRequests).toBe(calls + 1);
  });

  it('refreshes the Graph token before it expires on the clock, and rejects its own access token once expired', async () => {
    const tokens = fake.tokenRequests;
    // The Graph tokens came with the first lookup, a minute in: now within 5 minutes of their expiry.
    t = start + 60_000 + 3_600_000 - 4 * 60_000;
    const refreshed = await lookup(bearer, ['alice@example.com'], d0 + day);
    expect(refreshed.codes).toEqual(['NoError']);
    expect(fake.tokenRequests).toBe(tokens + 1);
    // The relay's own JWT, issued at the start, lived 3600 s.
    t = start + 3_600_000;
    expect((await lookup(bearer, ['alice@example.com'], d0 + day)).status).toBe(401);
    bearer = (await issue()).json<{ access_token: string }>().access_token;
    expect((await lookup(bearer, ['alice@example.com'], d0 + day)).codes).toEqual(['NoError']);
    expect(fake.tokenRequests).toBe(tokens + 1);
  });

  it('opens the breaker after failures and closes it after the cool-down, both on the clock', async () => {
    fake.failNext({ path: 'getSchedule', status: 503, times: 100 });
    const from = d0 + 2 * day;
    expect((await lookup(bearer, ['bob@example.com'], from)).codes).toEqual(['ErrorFreeBusyGenerationFailed']);
    expect((await lookup(bearer, ['bob@example.com'], from)).codes).toEqual(['ErrorFreeBusyGenerationFailed']);
    const calls = fake.scheduleRequests;
    expect((await lookup(bearer, ['bob@example.com'], from)).codes).toEqual(['ErrorFreeBusyGenerationFailed']);
    expect(fake.scheduleRequests).toBe(calls); // open: Graph not asked
    fake.clearFaults();
    t += 30_000;
    expect((await lookup(bearer, ['bob@example.com'], from)).codes).toEqual(['NoError']);
    expect(fake.scheduleRequests).toBe(calls + 1);
  });
});
