// Graph at scale: 4 calls per URL mailbox, spreading over lookup mailboxes, the tenant breaker, keep-alive,
// secret rotation, and a slow chunk timing out while the rest of the lookup answers.
import { timeBudget } from '../clock.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphHttp, type GraphHttp } from './http.js';
import { CLIENT_SECRET, graphScale, harness, query, TENANT_ID, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const codes = (rs: { ok: boolean; failure?: string }[]) => rs.map((r) => (r.ok ? 'ok' : r.failure));
const boxes = (n: number) => Array.from({ length: n }, (_, i) => `m${String(i).padStart(2, '0')}@example.com`);

/** The real HTTP layer (bound once the fake is up), counting getSchedule calls in flight per URL mailbox. */
function countingHttp() {
  let real: GraphHttp | undefined;
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  const calls = new Map<string, number>();
  const http: GraphHttp = {
    close: async () => real?.close(),
    async send(url, req) {
      if (!real) throw new Error('bind() first');
      const m = /\/users\/([^/]+)\/calendar\/getSchedule$/.exec(url)?.[1];
      if (!m) return real.send(url, req);
      const box = decodeURIComponent(m);
      inFlight.set(box, (inFlight.get(box) ?? 0) + 1);
      peak.set(box, Math.max(peak.get(box) ?? 0, inFlight.get(box)!));
      calls.set(box, (calls.get(box) ?? 0) + 1);
      try {
        return await real.send(url, req);
      } finally {
        inFlight.set(box, inFlight.get(box)! - 1);
      }
    },
  };
  return { http, peak, calls, bind: (x: Harness) => (real = createGraphHttp({ allowedHosts: [new URL(x.fake.url).host], extraCa: x.fake.ca, connectTimeoutMs: graphScale().connectTimeoutMs })) };
}

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

describe('concurrency per lookup mailbox', () => {
  it('keeps at most 4 getSchedule calls in flight for one URL mailbox and queues the rest', async () => {
    const again = countingHttp();
    h = await harness({ extraMailboxes: 12, source: { http: again.http } });
    again.bind(h);
    h.fake.failNext({ path: 'getSchedule', delayMs: 60, times: 100 });
    const results = await Promise.all(boxes(12).map((m) => h!.source.getSchedules(query([m], { lookupMailbox: 'alice@example.com' }))));
    expect(results.flat().every((r) => r.ok)).toBe(true);
    expect(again.calls.get('alice@example.com')).toBe(12);
    expect(again.peak.get('alice@example.com')).toBe(4);
  });

  it('spreads calls over several lookup mailboxes, each within the limit', async () => {
    const counting = countingHttp();
    h = await harness({ extraMailboxes: 12, source: { http: counting.http } });
    counting.bind(h);
    h.fake.failNext({ path: 'getSchedule', delayMs: 60, times: 100 });
    const lookupMailboxes = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
    const results = await Promise.all(boxes(12).map((m) => h!.source.getSchedules(query([m], { lookupMailboxes }))));
    expect(results.flat().every((r) => r.ok)).toBe(true);
    expect(lookupMailboxes.map((b) => counting.calls.get(b))).toEqual([4, 4, 4]);
    for (const b of lookupMailboxes) expect(counting.peak.get(b)).toBeLessThanOrEqual(4);
  });
});

describe('circuit breaker per tenant', () => {
  it('opens after repeated failures, fails fast without calling Graph, logs it, and closes after a good trial', async () => {
    let clock = Date.UTC(2026, 11, 1, 9);
    const log = capture();
    h = await harness({ source: { now: () => clock, logger: log.logger }, scale: { breakerFailures: 2, breakerCooldownMs: 30_000 } });
    const q = () => query(['alice@example.com'], { budget: timeBudget(10_000) });
    h.fake.failNext({ path: 'getSchedule', status: 503, times: 100 });
    expect(codes(await h.source.getSchedules(q()))).toEqual(['upstream']);
    expect(codes(await h.source.getSchedules(q()))).toEqual(['upstream']);
    const calls = h.fake.scheduleRequests;
    expect(calls).toBe(2 * 3); // two lookups of maxAttempts each
    expect(log.lines.filter((l) => l.includes('graph.breaker_open'))).toHaveLength(1);

    const [open] = await h.source.getSchedules(q());
    expect(open).toMatchObject({ ok: false, failure: 'breaker-open', detail: expect.stringContaining('cool-down') });
    expect(h.fake.scheduleRequests).toBe(calls);

    clock += 30_000;
    h.fake.clearFaults();
    expect(codes(await h.source.getSchedules(q()))).toEqual(['ok']);
    expect(h.fake.scheduleRequests).toBe(calls + 1);
    expect(log.lines.filter((l) => l.includes('graph.breaker_closed'))).toHaveLength(1);
    expect(log.lines.join('')).not.toContain(CLIENT_SECRET);
  });

  it('takes a call that never reached Graph as no verdict: a half-open trial stays a trial, and nothing is logged as closed', async () => {
    let clock = Date.UTC(2026, 11, 1, 9);
    const log = capture();
    h = await harness({ source: { now: () => clock, logger: log.logger }, scale: { breakerFailures: 1, breakerCooldownMs: 30_000 } });
    h.fake.failNext({ path: 'getSchedule', status: 503, times: 100 });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    expect(log.lines.filter((l) => l.includes('graph.breaker_open'))).toHaveLength(1);
    clock += 30_000;
    const calls = h.fake.scheduleRequests;
    // Half-open, and the lookup's budget is already spent: the trial goes nowhere near Graph.
    expect(codes(await h.source.getSchedules(query(['alice@example.com'], { budget: timeBudget(-1) })))).toEqual(['timeout']);
    expect(h.fake.scheduleRequests).toBe(calls);
    expect(log.lines.filter((l) => l.includes('graph.breaker_closed'))).toHaveLength(0);
    // The next lookup is the real trial (one call, with its retries, as the first lookup made); Graph still
    // fails, so the circuit opens again.
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    expect(h.fake.scheduleRequests).toBe(2 * calls);
    expect(log.lines.filter((l) => l.includes('graph.breaker_open'))).toHaveLength(2);
  });

  it('opens under a brownout even when lookups that ran out of time come between the failures', async () => {
    const clock = Date.UTC(2026, 11, 1, 9);
    h = await harness({ source: { now: () => clock }, scale: { breakerFailures: 2, breakerCooldownMs: 30_000 } });
    h.fake.failNext({ path: 'getSchedule', status: 503, times: 100 });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    expect(codes(await h.source.getSchedules(query(['alice@example.com'], { budget: timeBudget(-1) })))).toEqual(['timeout']);
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    const calls = h.fake.scheduleRequests;
    const [open] = await h.source.getSchedules(query(['alice@example.com']));
    expect(open).toMatchObject({ ok: false, failure: 'breaker-open', detail: expect.stringContaining('cool-down') });
    expect(h.fake.scheduleRequests).toBe(calls);
  });

  it('does not count a 400 (a problem of the request, not of Graph) towards opening', async () => {
    h = await harness({ scale: { breakerFailures: 1 } });
    h.fake.failNext({ path: 'getSchedule', status: 400 });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
  });
});

describe('connections and deadlines', () => {
  it('reuses keep-alive TLS connections: sequential lookups open no new one', async () => {
    h = await harness();
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    const warm = h.fake.connections;
    for (let i = 0; i < 5; i++) expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(h.fake.scheduleRequests).toBe(6);
    expect(h.fake.connections).toBe(warm);
  });

  it('answers the chunk that made the deadline and gives ErrorTimeoutExpired to the one that did not', async () => {
    h = await harness({ extraMailboxes: 25 });
    // The second chunk's URL mailbox is its first attendee, m20; Graph is slow only for it.
    h.fake.failNext({ path: 'getSchedule', mailbox: 'm20@example.com', delayMs: 2_000 });
    const started = Date.now();
    const results = await h.source.getSchedules(query(boxes(25), { budget: timeBudget(400) }));
    expect(codes(results)).toEqual([...Array(20).fill('ok'), ...Array(5).fill('timeout')]);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('secret rotation', () => {
  it('rebuilds the Entra client when the secret file changes, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-secret-'));
    const file = join(dir, 'graph-secret');
    writeFileSync(file, `${CLIENT_SECRET}\n`);
    const log = capture();
    h = await harness({ tenant: { secretFiles: { clientSecret: file } }, source: { logger: log.logger }, scale: { secretCheckMs: 0 } });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(h.fake.tokenRequests).toBe(1);

    // Entra now only knows the new secret; the file is rewritten as a secret store would.
    h.fake.tenant(TENANT_ID)!.apps[0]!.clientSecret = 'rotated-secret';
    writeFileSync(file, 'rotated-secret\n');
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(h.fake.tokenRequests).toBe(2);
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(h.fake.tokenRequests).toBe(2);
    expect(log.lines.filter((l) => l.includes('graph.secret_rotated'))).toHaveLength(1);
    expect(log.lines.join('')).not.toContain('rotated-secret');
  });
});
