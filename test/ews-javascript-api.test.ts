// A real EWS client (ews-javascript-api 0.15) against the demo relay over a loopback socket: what it parses, not what we wrote.
import {
  AttendeeInfo,
  AvailabilityData,
  AvailabilityOptions,
  DateTime,
  DateTimeKind,
  DayOfTheWeek,
  ExchangeService,
  ExchangeVersion,
  FreeBusyViewType,
  LegacyFreeBusyStatus,
  OAuthCredentials,
  ServiceError,
  ServiceResult,
  TimeWindow,
  TimeZoneInfo,
  Uri,
  type AttendeeAvailability,
  type IXHRApi,
  type IXHROptions,
} from 'ews-javascript-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { demoTenantData } from '../src/demo/demo-tenant.js';
import type { FakeEvent, FakeMailbox } from '../src/demo/fake-graph.js';
import type { FreeBusyStatus } from '../src/availability/schedule-source.js';
import { createLogger } from '../src/logger.js';
import { createRelay, type Relay } from '../src/relay.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const fixedNow = Date.UTC(2026, 11, 1, 12);
/**
 * The client writes FreeBusyViewOptions' TimeWindow as dates only ("2026-12-01T00:00:00"), as the .NET EWS Managed
 * API does, so a lookup covers whole days in the service's zone: 1-4 December 2026 here.
 */
const firstDay = Date.UTC(2026, 11, 1);
const days = 3;
const intervalMinutes = 30;
const mailboxes = ['alice@example.com', 'bob@example.com', 'carol@example.com'] as const;
const unknown = 'nobody@example.com';

interface Exchange {
  request: string;
  status: number;
  response: string;
}

/**
 * The client's default transport (@ewsjs/xhr over axios) also works on loopback, but axios honours HTTP(S)_PROXY
 * from the environment; Node's fetch does not, and recording the exchange lets a failure show the XML.
 */
function recordingXhr(log: Exchange[]): IXHRApi {
  return {
    apiName: 'test-fetch',
    async xhr(options: IXHROptions) {
      const res = await fetch(options.url, { method: options.type ?? 'POST', headers: options.headers as Record<string, string>, body: options.data as string, redirect: 'manual' });
      const text = await res.text();
      log.push({ request: String(options.data), status: res.status, response: text });
      const headers = Object.fromEntries(res.headers);
      // The shape @ewsjs/xhr hands the library; non-200 answers reject, as there.
      const xhr = {
        status: res.status,
        statusText: res.statusText,
        responseText: text,
        headers,
        getAllResponseHeaders: () => Object.entries(headers).map(([k, v]) => `${k} : ${v}\r\n`).join(''),
        getResponseHeader: (name: string) => res.headers.get(name),
      };
      if (res.status !== 200) throw xhr;
      return xhr as unknown as Awaited<ReturnType<IXHRApi['xhr']>>;
    },
    xhrStream() {
      return Promise.reject(new Error('streaming notifications are not used by these tests'));
    },
    disconnect() {},
  };
}

// ---- Expectations computed from the demo tenant's data and the documented rules, not from relay code ----

interface ExpectedEvent {
  start: number;
  end: number;
  status: LegacyFreeBusyStatus;
  isPrivate: boolean;
  subject: string | null;
  location: string;
}

interface Occurrence {
  start: number;
  end: number;
  event: FakeEvent;
}

function occurrences(mailbox: FakeMailbox): Occurrence[] {
  return mailbox.events.flatMap((event) => {
    const start = +event.start;
    const end = +event.end;
    const rule = event.recurrence;
    if (!rule) return [{ start, end, event }];
    const step = (rule.frequency === 'daily' ? day : 7 * day) * (rule.interval ?? 1);
    return Array.from({ length: rule.count }, (_, i) => ({ start: start + i * step, end: end + i * step, event }));
  });
}

/** EWS BusyType per Graph status; undefined where EWS shows the time as free (such items are not listed). */
function legacyStatus(status: FreeBusyStatus, workingElsewhere: boolean): LegacyFreeBusyStatus | undefined {
  switch (status) {
    case 'free':
      return undefined;
    case 'tentative':
      return LegacyFreeBusyStatus.Tentative;
    case 'busy':
    case 'unknown':
      return LegacyFreeBusyStatus.Busy;
    case 'oof':
      return LegacyFreeBusyStatus.OOF;
    case 'workingElsewhere':
      // Exchange2010 schemas have no WorkingElsewhere; such time is free there.
      return workingElsewhere ? LegacyFreeBusyStatus.WorkingElsewhere : undefined;
  }
}

/** Items overlapping the window, whole (not clipped), in start order; private ones keep times and status only. */
interface Window {
  start: number;
  end: number;
}

function expectedEvents(mailbox: FakeMailbox, w: Window, workingElsewhere: boolean): ExpectedEvent[] {
  return occurrences(mailbox)
    .filter((o) => o.start < w.end && o.end > w.start)
    .flatMap((o): ExpectedEvent[] => {
      const status = legacyStatus(o.event.status, workingElsewhere);
      if (status === undefined) return [];
      const isPrivate = o.event.isPrivate ?? false;
      return [{ start: o.start, end: o.end, status, isPrivate, subject: isPrivate ? null : (o.event.subject ?? ''), location: isPrivate ? '' : (o.event.location ?? '') }];
    })
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

/** MergedFreeBusy digits: the highest of 1 tentative, 2 busy, 3 OOF per slot (working elsewhere counts as free). */
function expectedMerged(mailbox: FakeMailbox, w: Window): string {
  const digit: Record<FreeBusyStatus, number> = { free: 0, workingElsewhere: 0, tentative: 1, busy: 2, unknown: 2, oof: 3 };
  const slotMs = intervalMinutes * minute;
  const slots = Math.ceil((w.end - w.start) / slotMs);
  let out = '';
  for (let i = 0; i < slots; i++) {
    const from = w.start + i * slotMs;
    const to = from + slotMs;
    out += String(Math.max(0, ...occurrences(mailbox).filter((o) => o.start < to && o.end > from).map((o) => digit[o.event.status])));
  }
  return out;
}

/** UTC offset (minutes) each demo mailbox's working-hours zone has in December. */
const decemberOffset: Record<string, number> = { 'Pacific Standard Time': -480, 'Eastern Standard Time': -300, 'W. Europe Standard Time': 60 };

// ---- The relay and the client ----

let relay: Relay;
let baseUrl: string;
let token: string;
const tenant = demoTenantData(fixedNow);

beforeAll(async () => {
  relay = await createRelay(loadConfig({ argv: [], env: { LOG_LEVEL: 'silent' } }), createLogger('silent'), { now: () => fixedNow });
  baseUrl = await relay.app.listen({ host: '127.0.0.1', port: 0 });
  const client = relay.config.google.clients[0];
  if (!client) throw new Error('demo mode should configure a Google client');
  const res = await fetch(`${baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
  });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await relay?.close();
});

function service(version: ExchangeVersion, zone: TimeZoneInfo, log: Exchange[]): ExchangeService {
  const svc = new ExchangeService(version, zone);
  svc.Credentials = new OAuthCredentials(token);
  svc.Url = new Uri(`${baseUrl}/EWS/Exchange.asmx`);
  svc.XHRApi = recordingXhr(log);
  return svc;
}

/** Runs the call; if the client throws, the error carries the XML it was given. */
async function withWire<T>(log: Exchange[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const last = log.at(-1);
    const detail = err instanceof Error ? err.message : JSON.stringify(err);
    throw new Error(`client failed: ${detail}\n--- request ---\n${last?.request}\n--- response (${last?.status}) ---\n${last?.response}`, { cause: err });
  }
}

/** The lookup window as instants: local midnights of the first and last day in the service's zone (no DST change in it). */
const windowIn = (utcOffsetMinutes: number): Window => {
  const start = firstDay - utcOffsetMinutes * minute;
  return { start, end: start + days * day };
};

const cases = [
  {
    name: 'Exchange2013 in Pacific time',
    version: ExchangeVersion.Exchange2013,
    zone: () => TimeZoneInfo.FindSystemTimeZoneById('Pacific Standard Time'),
    window: windowIn(-480),
    workingElsewhere: true,
  },
  {
    name: 'Exchange2010_SP2 in UTC (no WorkingElsewhere in its schema)',
    version: ExchangeVersion.Exchange2010_SP2,
    zone: () => TimeZoneInfo.Utc,
    window: windowIn(0),
    workingElsewhere: false,
  },
];

describe('ews-javascript-api GetUserAvailability against the demo relay', () => {
  it.each(cases)('$name: parses events, details, merged digits, working hours and the unknown mailbox', async ({ version, zone, window: w, workingElsewhere }) => {
    const log: Exchange[] = [];
    const svc = service(version, zone(), log);
    const options = new AvailabilityOptions();
    options.RequestedFreeBusyView = FreeBusyViewType.DetailedMerged;
    options.MergedFreeBusyInterval = intervalMinutes;
    const attendees = [...mailboxes, unknown].map((a) => new AttendeeInfo(a));
    // Kind Utc so the dates it formats do not depend on the machine's zone.
    const window = new TimeWindow(new DateTime(firstDay, DateTimeKind.Utc), new DateTime(firstDay + days * day, DateTimeKind.Utc));

    const results = await withWire(log, () => svc.GetUserAvailability(attendees, window, AvailabilityData.FreeBusy, options));

    expect(log).toHaveLength(1);
    expect(log[0]?.request).toContain('<t:TimeWindow><t:StartTime>2026-12-01T00:00:00</t:StartTime><t:EndTime>2026-12-04T00:00:00</t:EndTime></t:TimeWindow>');
    expect(log[0]?.request).toContain('<t:TimeZoneContext>');
    const answers: AttendeeAvailability[] = results.AttendeesAvailability.Responses;
    expect(answers).toHaveLength(attendees.length);

    for (const [i, address] of mailboxes.entries()) {
      const got = answers[i];
      const mailbox = tenant.mailboxes[address];
      if (!got || !mailbox) throw new Error(`no answer or data for ${address}`);
      expect(got.Result, address).toBe(ServiceResult.Success);
      expect(got.ErrorCode, address).toBe(ServiceError.NoError);
      // example.com discloses details, so DetailedMerged is answered as asked.
      expect(got.ViewType, address).toBe(FreeBusyViewType.DetailedMerged);

      const events = got.CalendarEvents.map((e) => ({
        start: e.StartTime.valueOf(),
        end: e.EndTime.valueOf(),
        status: e.FreeBusyStatus,
        isPrivate: e.Details?.IsPrivate,
        subject: e.Details?.Subject ?? null,
        // The client turns an empty <t:Location/> into null.
        location: e.Details?.Location ?? '',
      }));
      expect(events, address).toEqual(expectedEvents(mailbox, w, workingElsewhere));

      const merged = got.MergedFreeBusyStatus.join('');
      expect(merged, address).toHaveLength((days * 24 * 60) / intervalMinutes);
      expect(merged, address).toBe(expectedMerged(mailbox, w));

      const hours = mailbox.workingHours;
      const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
      expect(got.WorkingHours.StartTime.TotalMinutes, address).toBe(minutesOf(hours.startTime));
      expect(got.WorkingHours.EndTime.TotalMinutes, address).toBe(minutesOf(hours.endTime));
      expect(got.WorkingHours.DaysOfTheWeek, address).toEqual(
        hours.daysOfWeek.map((d) => DayOfTheWeek[(d[0]!.toUpperCase() + d.slice(1)) as keyof typeof DayOfTheWeek]),
      );
      // WorkingHours.TimeZone is never set by this client; the parsed legacy zone is what it keeps.
      const zoneName = 'name' in hours.timeZone ? hours.timeZone.name : undefined;
      expect(got.WorkingHours.LegacyTimeZone.ToTimeZoneInfo().BaseUtcOffset.TotalMinutes, address).toBe(decemberOffset[zoneName ?? '']);
    }

    const nobody = answers[mailboxes.length];
    expect(nobody?.Result).toBe(ServiceResult.Error);
    expect(nobody?.ErrorCode).toBe(ServiceError.ErrorMailRecipientNotFound);
    expect(nobody?.CalendarEvents).toEqual([]);
  });

  it('is run over a window holding a private, a tentative, a free, a working-elsewhere and a straddling item', () => {
    // Guards the fixture: the cases above only prove something if the demo data puts these in the Pacific window.
    const w = windowIn(-480);
    const alice = expectedEvents(tenant.mailboxes['alice@example.com']!, w, true);
    expect(alice.filter((e) => e.isPrivate).map((e) => e.subject)).toEqual([null]);
    expect(alice.some((e) => e.status === LegacyFreeBusyStatus.Tentative)).toBe(true);
    const bob = expectedEvents(tenant.mailboxes['bob@example.com']!, w, true);
    expect(bob.some((e) => e.status === LegacyFreeBusyStatus.WorkingElsewhere)).toBe(true);
    expect(bob.some((e) => e.end > w.end)).toBe(true);
    const carol = occurrences(tenant.mailboxes['carol@example.com']!).filter((o) => o.start < w.end && o.end > w.start);
    expect(carol.some((o) => o.event.status === 'free')).toBe(true);
  });
});

describe('ews-javascript-api GetServerTimeZones against the demo relay', () => {
  it('gets the relay answer but cannot parse it (client bugs; GetUserAvailability never needs this call)', async () => {
    // The client ignores the ids argument (it always asks for every zone) and builds each zone from the server's
    // definition. Two bugs in 0.15.3 then reject the whole answer:
    // - TimeZoneDefinition.CompareTransitions tests `instanceof TimeZoneTransition`, true for subclasses too, so the
    //   sort puts an AbsoluteDateTransition before the plain Transition and ToTimeZoneInfo reads `.DateTime` of the
    //   latter: "Cannot read properties of undefined (reading 'AddDays')" for any zone with dated history.
    // - When the process's zone is not UTC, RelativeDayOfMonthTransition.CreateTransitionTime builds its time of day
    //   in local time and TimeZoneInfo.ValidateTransitionTime throws "Argument_DateTimeHasTicks" for every DST rule.
    const log: Exchange[] = [];
    const svc = service(ExchangeVersion.Exchange2013, TimeZoneInfo.Utc, log);
    await expect(svc.GetServerTimeZones()).rejects.toThrow(/reading 'AddDays'|Argument_DateTimeHasTicks/);
    expect(log).toHaveLength(1);
    expect(log[0]?.status).toBe(200);
    const response = log[0]?.response ?? '';
    expect(response).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
    const southSudan = /<t:TimeZoneDefinition Id="South Sudan Standard Time"[^>]*>.*?<\/t:TimeZoneDefinition>/.exec(response)?.[0];
    // Schema order, as Exchange writes it: the plain Transition first, then AbsoluteDateTransitions with their dates.
    expect(southSudan).toMatch(/<t:Transitions><t:Transition>.*<\/t:Transition><t:AbsoluteDateTransition>.*<t:DateTime>2021-02-01T00:00:00<\/t:DateTime>/);
  });
});
