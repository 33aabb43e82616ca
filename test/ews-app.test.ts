// Whole-app tests through inject(): views, disclosure, per-mailbox errors, faults; every answer XSD-checked.
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreeBusyStatus, ScheduleItem } from '../src/availability/schedule-source.js';
import { makeTestApp, type TestApp } from './support/app.js';
import { MemorySource } from './support/memory-source.js';
import { defaultNamespaceRequest, hPrefixedRequest, sample } from './support/samples.js';
import { expectXsdValid, type SchemaFlavour } from './support/xsd.js';

const Z = (h: number, m = 0, day = 1) => Date.UTC(2026, 11, day, h, m);
const item = (start: number, end: number, status: FreeBusyStatus, extra: Partial<ScheduleItem> = {}): ScheduleItem => ({ start, end, status, isPrivate: false, ...extra });
const pacificHours = { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } };

const alice = [
  item(Z(15), Z(16), 'free', { subject: 'Focus' }),
  item(Z(17), Z(18), 'busy', { subject: 'Standup', location: 'Room 1' }),
  item(Z(19), Z(19, 30), 'tentative', { subject: 'Maybe' }),
  item(Z(21), Z(22), 'workingElsewhere', { subject: 'Home' }),
  item(Z(23), Z(1, 0, 2), 'oof', { subject: 'Dentist' }),
  item(Z(1, 0, 2), Z(2, 0, 2), 'busy', { subject: 'Secret', location: 'Hidden', isPrivate: true }),
];

/** Thirty days of hourly meetings with multi-byte subjects: an answer of several encoded pieces (Utf8Answer). */
const erin = Array.from({ length: 30 * 24 }, (_, i) => item(Z(0) + i * 3_600_000, Z(0) + i * 3_600_000 + 1_800_000, 'busy', { subject: `Réunion ☕ 😀 #${i} <b>`, location: 'Salle Ω' }));

/** Expected digits for alice on 2026-12-01 Pacific, 30-minute slots, built by hand from the list above. */
function aliceMerged(workingElsewhereDigit = '0'): string {
  const d = Array<string>(48).fill('0');
  d[18] = d[19] = '2';
  d[22] = '1';
  d[26] = d[27] = workingElsewhereDigit;
  for (let i = 30; i < 34; i++) d[i] = '3';
  d[34] = d[35] = '2';
  return d.join('');
}

/** Collects every envelope answered so the suite can validate them in one libxml2 pass per schema. */
const answered: Record<SchemaFlavour, string[]> = { 'exchange-online': [], 'exchange2010-sp2': [] };

let t: TestApp;
let source: MemorySource;
beforeAll(async () => {
  source = new MemorySource({
    'alice@example.com': { items: alice, workingHours: pacificHours },
    'bob@example.com': { items: [] },
    'carol@example.com': { items: [] },
    'dana@private.example': { items: alice, workingHours: pacificHours },
    'erin@example.com': { items: erin },
  });
  t = await makeTestApp(source);
});
afterAll(async () => {
  await expectXsdValid(answered['exchange-online'], 'exchange-online');
  await expectXsdValid(answered['exchange2010-sp2'], 'exchange2010-sp2');
  await t.app.close();
});

async function ews(xml: string, flavour: SchemaFlavour) {
  const res = await t.ews(xml);
  answered[flavour].push(res.body);
  return res;
}

const between = (s: string, tag: string) => [...s.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);

describe('GetUserAvailability', () => {
  it('answers the Google-style request: one response per mailbox in order, exact merged string, no WorkingElsewhere for Exchange2010', async () => {
    source.failing.add('carol@example.com');
    const res = await ews(sample('google-style-getuseravailability-request.xml'), 'exchange2010-sp2');
    source.failing.clear();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toContain('Version="Exchange2010_SP2"');
    const codes = between(res.body, 'm:ResponseCode');
    expect(codes).toEqual(['NoError', 'NoError', 'ErrorFreeBusyGenerationFailed']);
    expect(between(res.body, 't:MergedFreeBusy')).toEqual([aliceMerged(), '0'.repeat(48)]);
    expect(between(res.body, 't:BusyType')).toEqual(['Busy', 'Tentative', 'OOF', 'Busy']);
    expect(between(res.body, 't:StartTime')).toEqual(['2026-12-01T09:00:00', '2026-12-01T11:00:00', '2026-12-01T15:00:00', '2026-12-01T17:00:00']);
    expect(res.body).not.toContain('WorkingElsewhere');
    expect(res.body).not.toContain('Standup');
    expect(res.body).toContain('<t:DayOfWeek>Monday Tuesday Wednesday Thursday Friday</t:DayOfWeek><t:StartTimeInMinutes>480</t:StartTimeInMinutes><t:EndTimeInMinutes>1020</t:EndTimeInMinutes>');
    expect(res.body).toContain('<t:TimeZone><t:Bias>480</t:Bias>');
  });

  it('lists WorkingElsewhere and details for Exchange2013+ clients where the domain allows details; hides private events', async () => {
    const xml = hPrefixedRequest({ mailboxes: ['alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'DetailedMerged', version: 'Exchange2013', tzContext: 'Pacific Standard Time' });
    const res = await ews(xml, 'exchange-online');
    expect(res.status).toBe(200);
    expect(between(res.body, 't:BusyType')).toEqual(['Busy', 'Tentative', 'WorkingElsewhere', 'OOF', 'Busy']);
    expect(between(res.body, 't:Subject')).toEqual(['Standup', 'Maybe', 'Home', 'Dentist']);
    expect(res.body).toContain('<t:Location>Room 1</t:Location>');
    expect(res.body).not.toContain('Secret');
    expect(res.body).not.toContain('Hidden');
    expect(between(res.body, 't:IsPrivate')).toEqual(['false', 'false', 'false', 'false', 'true']);
    expect(between(res.body, 't:FreeBusyViewType')).toEqual(['DetailedMerged']);
    expect(between(res.body, 't:MergedFreeBusy')).toEqual([aliceMerged('0')]);
  });

  it('writes a large answer (many encoded pieces) whole: every event, multi-byte text intact, schema-valid', async () => {
    const xml = hPrefixedRequest({ mailboxes: ['erin@example.com', 'alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-31T00:00:00', view: 'DetailedMerged', version: 'Exchange2013' });
    const res = await ews(xml, 'exchange-online');
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(res.body)).toBeGreaterThan(4 * 64 * 1024);
    // Sent as the writer's chunks, its length announced all the same.
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    const subjects = between(res.body, 't:Subject');
    expect(subjects.slice(0, erin.length)).toEqual(erin.map((_, i) => `Réunion ☕ 😀 #${i} &lt;b&gt;`));
    expect(between(res.body, 't:Location').slice(0, 3)).toEqual(['Salle Ω', 'Salle Ω', 'Salle Ω']);
    expect(between(res.body, 'm:ResponseCode')).toEqual(['NoError', 'NoError']);
    expect(res.body.endsWith('</s:Body></s:Envelope>')).toBe(true);
  });

  it('sends a large answer over a real socket with the length it announced, and keeps the connection for the next request', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening on TCP');
    let connections = 0;
    t.app.server.on('connection', () => (connections += 1));
    const client = new Client(`http://127.0.0.1:${address.port}`, { pipelining: 1 });
    const headers = { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${await t.token()}` };
    try {
      const large = hPrefixedRequest({ mailboxes: ['erin@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-31T00:00:00', view: 'Detailed', version: 'Exchange2013' });
      const first = await client.request({ method: 'POST', path: '/', headers, body: large });
      const bytes = Buffer.from(await first.body.arrayBuffer());
      expect(first.statusCode).toBe(200);
      expect(bytes.length).toBeGreaterThan(256 * 1024);
      expect(first.headers['content-length']).toBe(String(bytes.length));
      const text = bytes.toString('utf8');
      expect(between(text, 't:Subject')).toHaveLength(erin.length);
      answered['exchange-online'].push(text);
      const second = await client.request({ method: 'POST', path: '/', headers, body: hPrefixedRequest({ mailboxes: ['bob@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusy', version: 'Exchange2013' }) });
      expect(second.statusCode).toBe(200);
      expect(await second.body.text()).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
      expect(connections).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('downgrades Detailed views to free/busy where the domain does not disclose details', async () => {
    for (const [asked, answeredView] of [['Detailed', 'FreeBusy'], ['DetailedMerged', 'FreeBusyMerged']] as const) {
      const xml = defaultNamespaceRequest({ mailboxes: ['dana@private.example'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: asked, version: 'Exchange2016', tzContext: 'Pacific Standard Time' });
      const res = await ews(xml, 'exchange-online');
      expect(between(res.body, 't:FreeBusyViewType')).toEqual([answeredView]);
      expect(res.body).not.toContain('CalendarEventDetails');
      expect(res.body).not.toContain('Standup');
    }
  });

  it('answers every view with exactly its parts', async () => {
    const parts = (body: string) => ['t:MergedFreeBusy', 't:CalendarEventArray', 't:CalendarEventDetails', 't:WorkingHours'].filter((p) => body.includes(`<${p}>`));
    const expected: Record<string, string[]> = {
      MergedOnly: ['t:MergedFreeBusy'],
      FreeBusy: ['t:CalendarEventArray', 't:WorkingHours'],
      FreeBusyMerged: ['t:MergedFreeBusy', 't:CalendarEventArray', 't:WorkingHours'],
      Detailed: ['t:CalendarEventArray', 't:CalendarEventDetails', 't:WorkingHours'],
      DetailedMerged: ['t:MergedFreeBusy', 't:CalendarEventArray', 't:CalendarEventDetails', 't:WorkingHours'],
    };
    for (const [view, want] of Object.entries(expected)) {
      for (const version of ['Exchange2010_SP1', 'Exchange2016']) {
        const flavour: SchemaFlavour = version === 'Exchange2016' ? 'exchange-online' : 'exchange2010-sp2';
        const res = await ews(defaultNamespaceRequest({ mailboxes: ['alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view, version, tzContext: 'Pacific Standard Time' }), flavour);
        expect(parts(res.body), `${view} ${version}`).toEqual(want);
        expect(between(res.body, 't:FreeBusyViewType')).toEqual([view]);
      }
    }
  });

  it('gives per-mailbox errors without failing the others, and never asks Graph for unserved domains', async () => {
    const before = source.queries.length;
    const xml = defaultNamespaceRequest({ mailboxes: ['nobody@example.com', 'x@elsewhere.org', 'not-an-address', 'ALICE@Example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusy', version: 'Exchange2016' });
    const res = await ews(xml, 'exchange-online');
    expect(res.status).toBe(200);
    expect(between(res.body, 'm:ResponseCode')).toEqual(['ErrorMailRecipientNotFound', 'ErrorProxyRequestNotAllowed', 'ErrorInvalidSmtpAddress', 'NoError']);
    const asked = source.queries.slice(before).flatMap((q) => q.mailboxes);
    expect(asked).toEqual(['nobody@example.com', 'ALICE@Example.com']);
  });

  it('reads the TimeZoneContext header when the body has no zone, and UTC when neither is sent', async () => {
    const ctx = defaultNamespaceRequest({ mailboxes: ['alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusy', tzContext: 'W. Europe Standard Time' });
    const res = await ews(ctx, 'exchange-online');
    expect(between(res.body, 't:StartTime')[0]).toBe('2026-12-01T18:00:00');
    const utc = defaultNamespaceRequest({ mailboxes: ['alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusy' });
    const res2 = await ews(utc, 'exchange-online');
    expect(between(res2.body, 't:StartTime')[0]).toBe('2026-12-01T17:00:00');
    expect(source.queries.at(-1)).toMatchObject({ startUtc: Date.UTC(2026, 11, 1), endUtc: Date.UTC(2026, 11, 2) });
  });

  it('counts 25 hourly digits on the day DST ends', async () => {
    const xml = sample('google-style-getuseravailability-request.xml')
      .replace('2026-12-01T00:00:00', '2026-11-01T00:00:00')
      .replace('2026-12-02T00:00:00', '2026-11-02T00:00:00')
      .replace('<ns2:MergedFreeBusyIntervalInMinutes>30<', '<ns2:MergedFreeBusyIntervalInMinutes>60<');
    const res = await ews(xml, 'exchange2010-sp2');
    expect(source.queries.at(-1)).toMatchObject({ startUtc: Date.UTC(2026, 10, 1, 7), endUtc: Date.UTC(2026, 10, 2, 8) });
    for (const m of between(res.body, 't:MergedFreeBusy')) expect(m).toHaveLength(25);
  });
});

describe('request faults', () => {
  const base = { mailboxes: ['alice@example.com'], start: '2026-12-01T00:00:00', end: '2026-12-02T00:00:00', view: 'FreeBusy' };
  const cases: [string, string, string][] = [
    ['malformed XML', '<s:Envelope', 'ErrorSchemaValidation'],
    ['a DTD', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 'ErrorSchemaValidation'],
    ['an unknown operation', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:FindItem xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"/></s:Body></s:Envelope>', 'ErrorInvalidRequest'],
    ['start after end', defaultNamespaceRequest({ ...base, start: '2026-12-02T00:00:00', end: '2026-12-01T00:00:00' }), 'ErrorInvalidTimeInterval'],
    ['a 63-day window', defaultNamespaceRequest({ ...base, end: '2027-02-02T00:00:00' }), 'ErrorTimeIntervalTooBig'],
    ['101 mailboxes', defaultNamespaceRequest({ ...base, mailboxes: Array.from({ length: 101 }, (_, i) => `u${i}@example.com`) }), 'ErrorMailboxDataArrayTooBig'],
    ['interval 1', defaultNamespaceRequest({ ...base, interval: 1 }), 'ErrorInvalidMergedFreeBusyInterval'],
    ['an unknown zone id', defaultNamespaceRequest({ ...base, tzContext: 'Atlantis Standard Time' }), 'ErrorTimeZone'],
  ];
  for (const [what, xml, code] of cases) {
    it(`answers ${what} with a SOAP Fault ${code}`, async () => {
      const res = await ews(xml, 'exchange-online');
      expect(res.status).toBe(500);
      expect(res.body).toContain(`<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:${code}</faultcode>`);
      expect(res.body).toContain(`<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode>`);
    });
  }

  it('accepts a 62-day window', async () => {
    const res = await ews(defaultNamespaceRequest({ ...base, view: 'MergedOnly', interval: 1440, end: '2027-02-01T00:00:00' }), 'exchange-online');
    expect(res.status).toBe(200);
    expect(between(res.body, 't:MergedFreeBusy')[0]).toHaveLength(62);
  });
});

describe('logs', () => {
  it('hold an audit line per lookup and never an event subject, location or token', async () => {
    const all = t.logs.join('');
    expect(all).toContain('"event":"ews.lookup"');
    expect(all).toMatch(/"results":\{"NoError":\d+/);
    for (const secret of ['Standup', 'Room 1', 'Secret', 'Hidden', 'Dentist', await t.token()]) expect(all).not.toContain(secret);
  });
});

describe('GetServerTimeZones', () => {
  it('answers the exchangelib request with the Pacific definition', async () => {
    const res = await ews(sample('exchangelib-getservertimezones-request.xml'), 'exchange-online');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Id="Pacific Standard Time"');
    expect(res.body).toContain('ResponseClass="Success"');
  });
});
