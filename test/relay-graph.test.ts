// The relay against the fake Graph over HTTPS, through the production Graph client: chunking, splitting,
// unknown mailboxes and throttling, each answered per mailbox; every answer XSD-checked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphConfig, harness, T0, type Harness } from '../src/graph/test-support.js';
import { makeTestApp, type TestApp } from './support/app.js';
import { defaultNamespaceRequest } from './support/samples.js';
import { expectXsdValid } from './support/xsd.js';

let h: Harness;
let t: TestApp;
const answers: string[] = [];

beforeAll(async () => {
  h = await harness({ extraMailboxes: 45 });
  t = await makeTestApp(h.source, {
    tenants: [{ id: 'contoso', authority: 'https://unused.invalid/x', graphEndpoint: 'https://unused.invalid', clientId: 'x', clientSecret: 'y' }],
    domains: [{ name: 'example.com', tenant: 'contoso', disclosure: 'freeBusy' }],
    graph: graphConfig,
  });
});
afterAll(async () => {
  await expectXsdValid(answers);
  await t.app.close();
  await h.close();
});
beforeEach(() => {
  h.fake.clearFaults();
  h.fake.reverseResults = false;
});

const day = (d: number) => new Date(T0 + d * 86_400_000).toISOString().slice(0, 19);
const codes = (body: string) => [...body.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]);
const merged = (body: string) => [...body.matchAll(/<t:MergedFreeBusy>([^<]*)</g)].map((m) => m[1]);
const scheduleCalls = (since: number) => h.fake.requests.slice(since).filter((r) => r.endpoint === 'getSchedule');

async function lookup(mailboxes: string[], start = day(0), end = day(1)) {
  const res = await t.ews(defaultNamespaceRequest({ mailboxes, start, end, view: 'FreeBusyMerged', interval: 60, version: 'Exchange2016' }));
  answers.push(res.body);
  return res;
}

const extra = Array.from({ length: 45 }, (_, i) => `m${String(i).padStart(2, '0')}@example.com`);

describe('relay over the Graph wire', () => {
  it('chunks 46 mailboxes into getSchedule calls of at most 20 and answers in request order', async () => {
    h.fake.reverseResults = true;
    const since = h.fake.requests.length;
    const mailboxes = [...extra.slice(0, 30), 'nobody@example.com', ...extra.slice(30)];
    const res = await lookup(mailboxes);
    expect(res.status).toBe(200);
    const calls = scheduleCalls(since);
    expect(calls).toHaveLength(3);
    for (const c of calls) expect((c.body as { schedules: string[] }).schedules.length).toBeLessThanOrEqual(20);
    expect(calls.flatMap((c) => (c.body as { schedules: string[] }).schedules).sort()).toEqual([...mailboxes].sort());
    const got = codes(res.body);
    expect(got[30]).toBe('ErrorMailRecipientNotFound');
    expect(got.filter((c) => c === 'NoError')).toHaveLength(45);
    // m{i} is busy during hour i of the day: each mailbox's own digit proves results were matched, not assumed in order.
    const strings = merged(res.body);
    extra.slice(0, 24).forEach((_, i) => {
      const s = strings[i]!;
      expect(s[i], `m${i}`).toBe('2');
      expect(s.replace(/0/g, '')).toBe('2');
    });
    for (const c of calls) expect(c.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('splits a 62-day window into calls Graph accepts and keeps an event that spans the split once', async () => {
    const since = h.fake.requests.length;
    const res = await t.ews(defaultNamespaceRequest({ mailboxes: ['carol@example.com'], start: day(0), end: day(62), view: 'FreeBusy', version: 'Exchange2016' }));
    answers.push(res.body);
    expect(res.status).toBe(200);
    const calls = scheduleCalls(since);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const c of calls) {
      const b = c.body as { startTime: { dateTime: string }; endTime: { dateTime: string } };
      expect(Date.parse(`${b.endTime.dateTime}Z`) - Date.parse(`${b.startTime.dateTime}Z`)).toBeLessThan(62 * 86_400_000);
    }
    expect(res.body.match(/<t:CalendarEvent>/g)).toHaveLength(1);
    expect(res.body).toContain(`<t:StartTime>${day(30)}</t:StartTime>`);
  });

  it('retries a throttled call honouring Retry-After and still answers', async () => {
    h.fake.failNext({ path: 'getSchedule', status: 429, retryAfterSeconds: 1 });
    const sleepsBefore = h.sleeps.length;
    const res = await lookup(['alice@example.com', 'bob@example.com']);
    expect(codes(res.body)).toEqual(['NoError', 'NoError']);
    expect(h.sleeps.slice(sleepsBefore)).toContain(1000);
  });

  it('fails only the mailboxes of a chunk Graph keeps refusing', async () => {
    const mailboxes = extra.slice(0, 25);
    // The first chunk is looked up on behalf of its first attendee; make that chunk fail every attempt.
    h.fake.failNext({ path: 'getSchedule', mailbox: 'm00@example.com', status: 503, times: 10 });
    const res = await lookup(mailboxes);
    expect(res.status).toBe(200);
    const got = codes(res.body);
    expect(got.slice(0, 20).every((c) => c === 'ErrorFreeBusyGenerationFailed')).toBe(true);
    expect(got.slice(20).every((c) => c === 'NoError')).toBe(true);
  });

  it('looks a chunk up on behalf of another attendee when the first does not exist', async () => {
    const since = h.fake.requests.length;
    const res = await lookup(['nobody@example.com', 'alice@example.com']);
    expect(codes(res.body)).toEqual(['ErrorMailRecipientNotFound', 'NoError']);
    expect(scheduleCalls(since).map((c) => c.path.toLowerCase())).toContain('/v1.0/users/alice%40example.com/calendar/getschedule');
  });
});
