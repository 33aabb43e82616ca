// Writes m:GetUserAvailabilityResponse in the exact element order the EWS schema demands.
import type { BusyType, CalendarEventView, FreeBusyViewModel } from '../availability/build-view.js';
import type { MailboxFailure, MailboxOutcome } from '../availability/lookup.js';
import { ERRORS, type ErrorCode } from '../errors/index.js';
import { serializableTimeZoneXml } from './write-time-zone.js';
import { type AnswerWriter, element, escapeXml, textElement, utf8 } from './xml-writer.js';

const pad = (n: number, w = 2) => (w === 2 ? (n < 10 ? `0${n}` : `${n}`) : String(n).padStart(w, '0'));

/** localMs as a naive xs:dateTime, "2026-12-01T09:00:00" (what Exchange sends and clients parse). */
export function formatLocal(localMs: number): string {
  // Integer arithmetic (civil date from day number, H. Hinnant's algorithm) instead of a Date per call: a
  // large answer formats tens of thousands of times.
  const ms = Math.floor(localMs / 1000) * 1000;
  const days = Math.floor(ms / 86_400_000);
  const secs = (ms - days * 86_400_000) / 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(secs % 60)}`;
}

// The answer goes to an AnswerWriter: events, the bulk of a large answer, as fragments of bytes made once
// (tags, times, tails), with only subjects and locations encoded per event; the rest as short strings.

/**
 * An event's start and end tags with their times, as UTF-8 made once per distinct instant in an answer: meetings
 * share start and end times across mailboxes and days.
 */
interface EventTimes {
  /** `<t:CalendarEvent><t:StartTime>…</t:StartTime><t:EndTime>` */
  open(localMs: number): Buffer;
  /** `…</t:EndTime><t:BusyType>` */
  close(localMs: number): Buffer;
}
function eventTimes(): EventTimes {
  return {
    open: memo((localMs) => utf8(`<t:CalendarEvent><t:StartTime>${formatLocal(localMs)}</t:StartTime><t:EndTime>`)),
    close: memo((localMs) => utf8(`${formatLocal(localMs)}</t:EndTime><t:BusyType>`)),
  };
}

/** `make` remembered per argument. */
function memo(make: (key: number) => Buffer): (key: number) => Buffer {
  const made = new Map<number, Buffer>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
}

// The fixed tail of CalendarEventDetails: the schema requires all five booleans; Graph's getSchedule does not
// expose the first four.
const DETAILS_TAIL = '<t:IsMeeting>false</t:IsMeeting><t:IsRecurring>false</t:IsRecurring><t:IsException>false</t:IsException><t:IsReminderSet>false</t:IsReminderSet><t:IsPrivate>';
const PRIVATE_END = `${DETAILS_TAIL}true</t:IsPrivate></t:CalendarEventDetails></t:CalendarEvent>`;
const PUBLIC_END = `${DETAILS_TAIL}false</t:IsPrivate></t:CalendarEventDetails></t:CalendarEvent>`;

/** The rest of an event after its times, per busy type: without details, private, and opening public details. */
function busyTails(busyType: BusyType) {
  return {
    plain: utf8(`${busyType}</t:BusyType></t:CalendarEvent>`),
    private: utf8(`${busyType}</t:BusyType><t:CalendarEventDetails>${PRIVATE_END}`),
    details: utf8(`${busyType}</t:BusyType><t:CalendarEventDetails>`),
  };
}
const BUSY_TAILS: Record<BusyType, ReturnType<typeof busyTails>> = {
  Free: busyTails('Free'),
  Tentative: busyTails('Tentative'),
  Busy: busyTails('Busy'),
  OOF: busyTails('OOF'),
  WorkingElsewhere: busyTails('WorkingElsewhere'),
  NoData: busyTails('NoData'),
};
/** An element's three spellings: empty, and the tags around escaped text. */
const textTags = (name: string) => ({ empty: utf8(`<${name}/>`), open: utf8(`<${name}>`), close: utf8(`</${name}>`) });
const SUBJECT = textTags('t:Subject');
const LOCATION = textTags('t:Location');
const PUBLIC_END_BYTES = utf8(PUBLIC_END);

function writeText(out: AnswerWriter, tags: ReturnType<typeof textTags>, text: string | undefined): void {
  const escaped = escapeXml(text ?? '');
  if (escaped === '') return out.bytes(tags.empty);
  out.bytes(tags.open);
  out.text(escaped);
  out.bytes(tags.close);
}

// Times, busy types and booleans need no escaping; subject and location go through escapeXml.
function writeEvent(ev: CalendarEventView, times: EventTimes, out: AnswerWriter): void {
  out.bytes(times.open(ev.startLocal));
  out.bytes(times.close(ev.endLocal));
  const tails = BUSY_TAILS[ev.busyType];
  const d = ev.details;
  if (!d) return out.bytes(tails.plain);
  if (d.isPrivate) return out.bytes(tails.private);
  out.bytes(tails.details);
  writeText(out, SUBJECT, d.subject);
  writeText(out, LOCATION, d.location);
  out.bytes(PUBLIC_END_BYTES);
}

const EVENTS_OPEN = utf8('<t:CalendarEventArray>');
const EVENTS_CLOSE = utf8('</t:CalendarEventArray>');

function writeView(view: FreeBusyViewModel, times: EventTimes, out: AnswerWriter): void {
  let xml = `<m:FreeBusyView>${textElement('t:FreeBusyViewType', view.viewType)}`;
  if (view.merged !== undefined) xml += textElement('t:MergedFreeBusy', view.merged);
  if (view.events) {
    if (view.events.length === 0) xml += '<t:CalendarEventArray/>';
    else {
      out.text(xml);
      out.bytes(EVENTS_OPEN);
      for (const ev of view.events) writeEvent(ev, times, out);
      out.bytes(EVENTS_CLOSE);
      xml = '';
    }
  }
  if (view.workingHours) {
    const periods = view.workingHours.periods.map((p) =>
      element('t:WorkingPeriod', [
        textElement('t:DayOfWeek', p.days),
        textElement('t:StartTimeInMinutes', p.startMinutes),
        textElement('t:EndTimeInMinutes', p.endMinutes),
      ]),
    );
    xml += element('t:WorkingHours', [serializableTimeZoneXml(view.workingHours.timeZone), element('t:WorkingPeriodArray', periods)]);
  }
  out.text(`${xml}</m:FreeBusyView>`);
}

const SUCCESS = element('m:ResponseMessage', textElement('m:ResponseCode', 'NoError'), { ResponseClass: 'Success' });

/** The catalog entry of each failure kind: the one place kinds become EWS ResponseCodes. */
const MAILBOX_ERRORS: Readonly<Record<MailboxFailure, ErrorCode>> = {
  'invalid-address': 'MAILBOX_INVALID_ADDRESS',
  'not-served': 'MAILBOX_NOT_SERVED',
  'not-found': 'MAILBOX_NOT_FOUND',
  timeout: 'MAILBOX_TIMEOUT',
  upstream: 'MAILBOX_UPSTREAM',
  'breaker-open': 'MAILBOX_BREAKER_OPEN',
};

// Every mailbox entry names its ResponseCode (the catalog test checks it).
export const responseCodeOf = (kind: MailboxFailure): string => ERRORS[MAILBOX_ERRORS[kind]].wire!;

function writeResponse(outcome: MailboxOutcome, times: EventTimes, out: AnswerWriter): void {
  if (outcome.ok) {
    out.text(`<m:FreeBusyResponse>${SUCCESS}`);
    writeView(outcome.view(), times, out);
    return out.text('</m:FreeBusyResponse>');
  }
  const xml = element(
    'm:FreeBusyResponse',
    element(
      'm:ResponseMessage',
      [textElement('m:MessageText', outcome.detail), textElement('m:ResponseCode', responseCodeOf(outcome.failure)), textElement('m:DescriptiveLinkKey', 0)],
      { ResponseClass: 'Error' },
    ),
  );
  out.text(xml);
}

/** m:GetUserAvailabilityResponse, written to `out` mailbox by mailbox. */
export function writeAvailabilityResponse(outcomes: readonly MailboxOutcome[], out: AnswerWriter): void {
  if (outcomes.length === 0) return out.text(element('m:GetUserAvailabilityResponse', element('m:FreeBusyResponseArray', [])));
  const times = eventTimes();
  out.text('<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>');
  for (const outcome of outcomes) writeResponse(outcome, times, out);
  out.text('</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>');
}
