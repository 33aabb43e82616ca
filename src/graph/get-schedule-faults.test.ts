// The Graph source when the fake misbehaves on purpose: throttling, outages, slowness, junk, resets, foreign hosts.
import { timeBudget } from '../clock.js';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphScheduleSource } from './get-schedule.js';
import { createGraphHttp, HttpFailure } from './http.js';
import type { GraphObserver } from './observer.js';
import { graphConfig, graphScale, harness, query, silentLogger, tenantConfig, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const codes = (rs: { ok: boolean; failure?: string }[]) => rs.map((r) => (r.ok ? 'ok' : r.failure));
const scheduleCalls = (x: Harness) => x.fake.requests.filter((r) => r.endpoint === 'getSchedule');

describe('getSchedules when Graph misbehaves', () => {
  it('retries 429 after the Retry-After it was given, then succeeds', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', status: 429, retryAfterSeconds: 1, times: 2 });
    const results = await h.source.getSchedules(query(['alice@example.com']));
    expect(codes(results)).toEqual(['ok']);
    expect(scheduleCalls(h)).toHaveLength(3);
    expect(h.sleeps).toEqual([1000, 1000]);
  });

  it('clips a Retry-After longer than the ceiling', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', status: 503, retryAfterSeconds: 3600 });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(h.sleeps).toEqual([graphConfig.retryAfterCeilingMs]);
  });

  it('backs off exponentially without Retry-After, and gives up after maxAttempts for that chunk only', async () => {
    h = await harness({ extraMailboxes: 25 });
    // URL mailbox of the second chunk is its first attendee, m20.
    h.fake.failNext({ path: 'getSchedule', status: 503, times: 100, mailbox: 'm20@example.com' });
    const mailboxes = Array.from({ length: 25 }, (_, i) => `m${String(i).padStart(2, '0')}@example.com`);
    const results = await h.source.getSchedules(query(mailboxes));
    expect(codes(results)).toEqual([...Array(20).fill('ok'), ...Array(5).fill('upstream')]);
    expect(scheduleCalls(h).filter((c) => c.path.includes('m20'))).toHaveLength(graphConfig.maxAttempts);
    // random() = 0.5: 3/4 of 200 ms, then of 400 ms.
    expect(h.sleeps).toEqual([150, 300]);
  });

  it('does not retry a 400', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', status: 400, errorCode: 'ErrorInvalidParameter' });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    expect(scheduleCalls(h)).toHaveLength(1);
  });

  it('answers ErrorTimeoutExpired quickly when Graph is slower than the deadline', async () => {
    h = await harness();
    await h.source.getSchedules(query(['bob@example.com'])); // warm the token
    h.fake.failNext({ path: 'getSchedule', delayMs: 3_000 });
    const started = Date.now();
    const results = await h.source.getSchedules(query(['alice@example.com', 'bob@example.com'], { budget: timeBudget(300) }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(codes(results)).toEqual(['timeout', 'timeout']);
  });

  it('bounds a slow token endpoint by the deadline', async () => {
    h = await harness();
    h.fake.failNext({ path: 'token', delayMs: 3_000 });
    const started = Date.now();
    const results = await h.source.getSchedules(query(['alice@example.com'], { budget: timeBudget(300) }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(codes(results)).toEqual(['timeout']);
    expect(scheduleCalls(h)).toHaveLength(0);
  });

  it('starts no call once the deadline has passed', async () => {
    h = await harness();
    const results = await h.source.getSchedules(query(['alice@example.com'], { budget: timeBudget(-1) }));
    expect(codes(results)).toEqual(['timeout']);
    expect(scheduleCalls(h)).toHaveLength(0);
  });

  it('treats a malformed JSON body as a failed lookup for that chunk', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', malformedJson: true });
    expect(codes(await h.source.getSchedules(query(['alice@example.com', 'bob@example.com'])))).toEqual([
      'upstream',
      'upstream',
    ]);
  });

  it('reads an answer sent in small chunks without a Content-Length as the same answer', async () => {
    h = await harness();
    const whole = await h.source.getSchedules(query(['alice@example.com', 'bob@example.com']));
    h.fake.failNext({ path: 'getSchedule', inPieces: true });
    const inPieces = await h.source.getSchedules(query(['alice@example.com', 'bob@example.com']));
    expect(codes(inPieces)).toEqual(['ok', 'ok']);
    expect(inPieces).toEqual(whole);
    expect(whole[0]?.ok && whole[0].items.length).toBeGreaterThan(0);
  });

  it('treats an HTML page with status 200 as a failed lookup', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', wrongContentType: true });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
  });

  it('retries after a connection reset', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', reset: true });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    expect(scheduleCalls(h)).toHaveLength(2);
  });

  it('fails the mailboxes after resets on every attempt', async () => {
    h = await harness();
    h.fake.failNext({ path: 'getSchedule', reset: true, times: 10 });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
    expect(scheduleCalls(h)).toHaveLength(graphConfig.maxAttempts);
  });

  it('fails the tenant mailboxes when the token endpoint is down', async () => {
    h = await harness();
    h.fake.failNext({ path: 'token', status: 503, times: 10 });
    expect(codes(await h.source.getSchedules(query(['alice@example.com'])))).toEqual(['upstream']);
  });

  it('sends MSAL and Graph traffic only to the configured host, through the injected dispatcher', async () => {
    const origins: string[] = [];
    class RecordingAgent extends Agent {
      override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        origins.push(String(opts.origin));
        return super.dispatch(opts, handler);
      }
    }
    h = await harness();
    const agent = new RecordingAgent({ connect: { ca: h.fake.ca } });
    const source = createGraphScheduleSource({ tenants: [tenantConfig(h.fake)], graph: graphConfig, scale: graphScale(), logger: silentLogger, dispatcher: agent });
    expect(codes(await source.getSchedules(query(['alice@example.com'])))).toEqual(['ok']);
    await agent.close();
    expect(origins.length).toBeGreaterThanOrEqual(3); // metadata, token, getSchedule
    expect(new Set(origins)).toEqual(new Set([h.fake.url]));
    expect(h.fake.requests.map((r) => r.endpoint)).toEqual(['metadata', 'token', 'getSchedule']);
  });

  it('ends an answer larger than the bound, with or without a Content-Length, and does not ask again', async () => {
    h = await harness({ extraMailboxes: 20 });
    const fake = h.fake;
    const http = createGraphHttp({ allowedHosts: [new URL(fake.url).host], extraCa: fake.ca, connectTimeoutMs: graphScale().connectTimeoutMs, maxResponseBytes: 4096 });
    const failures: string[] = [];
    const observer: GraphObserver = { graphCall: ({ result }) => void ('failure' in result && failures.push(result.failure)) };
    const bounded = createGraphScheduleSource({ tenants: [tenantConfig(fake)], graph: graphConfig, scale: graphScale(), logger: silentLogger, http, observer, sleep: async () => undefined });
    const many = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}@example.com`);
    try {
      // A small answer still fits.
      expect(codes(await bounded.getSchedules(query(['bob@example.com'])))).toEqual(['ok']);
      const before = scheduleCalls(h).length;
      expect(codes(await bounded.getSchedules(query(many)))).toEqual(many.map(() => 'upstream'));
      fake.failNext({ path: 'getSchedule', inPieces: true });
      expect(codes(await bounded.getSchedules(query(many)))).toEqual(many.map(() => 'upstream'));
      expect(scheduleCalls(h).length - before).toBe(2);
      expect(failures).toEqual(['too-large', 'too-large']);
      // The same answers are whole without the bound.
      expect(codes(await h.source.getSchedules(query(many)))).toEqual(many.map(() => 'ok'));
    } finally {
      await bounded.close();
      await http.close();
    }
  });

  it('refuses hosts outside the allow-list before connecting', async () => {
    const http = createGraphHttp({ allowedHosts: ['graph.microsoft.com'], connectTimeoutMs: graphScale().connectTimeoutMs });
    await expect(http.send('https://login.example.net/x', { method: 'GET', timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'host-not-allowed' });
    await expect(http.send('http://graph.microsoft.com/x', { method: 'GET', timeoutMs: 1000 })).rejects.toBeInstanceOf(HttpFailure);
    await http.close();
  });
});
