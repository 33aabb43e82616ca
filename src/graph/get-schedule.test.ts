// The Graph source against the fake over real HTTPS: tokens, chunking, window splits, per-mailbox errors.
import { afterEach, describe, expect, it } from 'vitest';
import { generateClientCertificate } from '../demo/tls.js';
import { CLIENT_ID, T0, harness, query, type Harness } from './test-support.js';
import { ScheduleItems } from '../availability/schedule-source.js';

const day = 86_400_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const scheduleCalls = (x: Harness) => x.fake.requests.filter((r) => r.endpoint === 'getSchedule');

describe('getSchedules against the fake Graph', () => {
  it('returns items as UTC instants, working hours, and sends the documented request', async () => {
    h = await harness();
    const [alice] = await h.source.getSchedules(query(['alice@example.com'], { requestId: 'corr-42' }));
    expect(alice).toEqual({
      ok: true,
      items: ScheduleItems.of([
        { start: T0 + 17 * 3_600_000, end: T0 + 18 * 3_600_000, status: 'busy', isPrivate: false, subject: 'Design review', location: 'Room 1' },
        // Private: times and status only.
        { start: T0 + 20 * 3_600_000, end: T0 + 21 * 3_600_000, status: 'oof', isPrivate: true },
      ]),
      workingHours: expect.objectContaining({ startTime: '08:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } }),
    });
    const [call] = scheduleCalls(h);
    expect(call?.path).toBe('/v1.0/users/alice%40example.com/calendar/getSchedule');
    expect(call?.clientRequestId).toBe('corr-42');
    expect(call?.hasAuthorization).toBe(true);
    expect(call?.headers['prefer']).toBeUndefined();
    expect(call?.body).toEqual({
      schedules: ['alice@example.com'],
      startTime: { dateTime: '2026-12-01T00:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2026-12-02T00:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 1440,
    });
  });

  it('acquires one token and reuses it across lookups', async () => {
    h = await harness();
    await h.source.getSchedules(query(['alice@example.com']));
    await h.source.getSchedules(query(['bob@example.com']));
    await h.source.getSchedules(query(['carol@example.com']));
    expect(h.fake.tokenRequests).toBe(1);
    expect(h.fake.requests.filter((r) => r.endpoint === 'metadata')).toHaveLength(1);
    expect(scheduleCalls(h)).toHaveLength(3);
  });

  it('coalesces concurrent cold-cache callers into one token request', async () => {
    h = await harness();
    const results = await Promise.all(Array.from({ length: 6 }, () => h!.source.getSchedules(query(['alice@example.com', 'bob@example.com']))));
    expect(results.flat().every((r) => r.ok)).toBe(true);
    expect(h.fake.tokenRequests).toBe(1);
  });

  it('authenticates with a certificate credential (signed client assertion)', async () => {
    const cert = await generateClientCertificate();
    h = await harness({
      apps: [{ clientId: CLIENT_ID, certificates: [cert.cert] }],
      tenant: { clientSecret: undefined, certificate: { privateKey: cert.privateKey, thumbprintSha256: cert.thumbprintSha256 } },
    });
    const [alice] = await h.source.getSchedules(query(['alice@example.com']));
    expect(alice?.ok).toBe(true);
    const token = h.fake.requests.find((r) => r.endpoint === 'token');
    expect(token?.body).toMatchObject({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: '[redacted]' });
    expect(token?.body).not.toHaveProperty('client_secret');
  });

  it('fails every mailbox, without throwing, when the certificate is not the registered one', async () => {
    const [registered, other] = await Promise.all([generateClientCertificate(), generateClientCertificate()]);
    h = await harness({
      apps: [{ clientId: CLIENT_ID, certificates: [registered.cert] }],
      tenant: { clientSecret: undefined, certificate: { privateKey: other.privateKey, thumbprintSha256: other.thumbprintSha256 } },
    });
    const results = await h.source.getSchedules(query(['alice@example.com', 'bob@example.com']));
    expect(results.map((r) => !r.ok && r.failure)).toEqual(['upstream', 'upstream']);
    expect(scheduleCalls(h)).toHaveLength(0);
  });

  it('fails the tenant mailboxes, without throwing, on a wrong client secret', async () => {
    h = await harness({ tenant: { clientSecret: 'wrong-secret' } });
    const results = await h.source.getSchedules(query(['alice@example.com', 'nobody@example.com']));
    expect(results).toEqual([
      { ok: false, failure: 'upstream', detail: expect.any(String) },
      { ok: false, failure: 'upstream', detail: expect.any(String) },
    ]);
    expect(JSON.stringify(results)).not.toContain('wrong-secret');
    expect(scheduleCalls(h)).toHaveLength(0);
  });

  it('chunks 45 mailboxes into calls of at most 20 and answers in query order, matching ids without case', async () => {
    h = await harness({ extraMailboxes: 45 });
    h.fake.reverseResults = true;
    const mailboxes = Array.from({ length: 45 }, (_, i) => `M${String(i).padStart(2, '0')}@Example.COM`);
    const results = await h.source.getSchedules(query(mailboxes, { endUtc: T0 + 2 * day }));
    const calls = scheduleCalls(h);
    expect(calls).toHaveLength(3);
    const sizes = calls.map((c) => (c.body as { schedules: string[] }).schedules.length).sort((a, b) => b - a);
    expect(sizes).toEqual([20, 20, 5]);
    results.forEach((r, i) => {
      expect(r.ok && r.items.toArray().map((it) => it.subject)).toEqual([`m${i}`]);
    });
  });

  it('answers duplicate addresses once per occurrence but asks Graph once', async () => {
    h = await harness();
    const results = await h.source.getSchedules(query(['bob@example.com', 'BOB@example.com']));
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual(results[1]);
    expect((scheduleCalls(h)[0]?.body as { schedules: string[] }).schedules).toEqual(['bob@example.com']);
  });

  it('splits a 62-day window into calls Graph accepts and keeps an item crossing the split once', async () => {
    h = await harness();
    const [carol] = await h.source.getSchedules(query(['carol@example.com'], { endUtc: T0 + 62 * day }));
    const calls = scheduleCalls(h);
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      const b = c.body as { startTime: { dateTime: string }; endTime: { dateTime: string } };
      expect(Date.parse(`${b.endTime.dateTime}Z`) - Date.parse(`${b.startTime.dateTime}Z`)).toBeLessThan(62 * day);
    }
    expect(carol?.ok && carol.items.toArray().map((i) => i.subject)).toEqual(['Across the split']);
  });

  it('reports an unknown address as ErrorMailRecipientNotFound and still answers the others', async () => {
    h = await harness();
    const results = await h.source.getSchedules(query(['alice@example.com', 'nobody@example.com', 'bob@example.com']));
    expect(results.map((r) => (r.ok ? 'ok' : r.failure))).toEqual(['ok', 'not-found', 'ok']);
  });

  it('moves the URL to the next attendee when Graph says the URL user does not exist', async () => {
    h = await harness();
    const results = await h.source.getSchedules(query(['nobody@example.com', 'ghost@example.com', 'bob@example.com', 'alice@example.com']));
    expect(results.map((r) => (r.ok ? 'ok' : r.failure))).toEqual(['not-found', 'not-found', 'ok', 'ok']);
    expect(scheduleCalls(h).map((c) => decodeURIComponent(c.path.split('/')[3] ?? ''))).toEqual([
      'nobody@example.com',
      'ghost@example.com',
      'bob@example.com',
    ]);
  });

  it('puts the configured lookup mailbox in the URL, and falls back to attendees when it does not exist', async () => {
    h = await harness();
    await h.source.getSchedules(query(['bob@example.com'], { lookupMailbox: 'alice@example.com' }));
    await h.source.getSchedules(query(['bob@example.com'], { lookupMailbox: 'gone@example.com' }));
    const urls = scheduleCalls(h).map((c) => decodeURIComponent(c.path.split('/')[3] ?? ''));
    expect(urls).toEqual(['alice@example.com', 'gone@example.com', 'bob@example.com']);
  });
});
