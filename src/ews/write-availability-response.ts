// Writes m:GetUserAvailabilityResponse in the exact element order the EWS schema demands.
import type { BusyType, CalendarEventView, FreeBusyViewModel } from '../availability/build-view.js';
import type { MailboxOutcome } from '../availability/lookup.js';
import { serializableTimeZoneXml } from './write-time-zone.js';
import { element, escapeXml, textElement, type Utf8Answer } from './xml-writer.js';

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

// A mailbox's answer is appended to one string (V8 keeps it as a rope) and handed to the Utf8Answer, which
// encodes it with its neighbours into a piece of bytes: joining arrays (element()) at each level instead
// flattens and copies every mailbox's events again, and one array of all fragments joins slower.

/**
 * An event's start and end tags with their times, made once per distinct instant in an answer: meetings share
 * start and end times across mailboxes and days, and each event is then a few pieces instead of a dozen.
 */
interface EventTimes {
  /** `<t:CalendarEvent><t:StartTime>…</t:StartTime><t:EndTime>` */
  open(localMs: number): string;
  /** `…</t:EndTime><t:BusyType>` */
  close(localMs: number): string;
}
function eventTimes(): EventTimes {
  const opens = new Map<number, string>();
  const closes = new Map<number, string>();
  return {
    open(localMs) {
      let xml = opens.get(localMs);
      if (xml === undefined) opens.set(localMs, (xml = `<t:CalendarEvent><t:StartTime>${formatLocal(localMs)}</t:StartTime><t:EndTime>`));
      return xml;
    },
    close(localMs) {
      let xml = closes.get(localMs);
      if (xml === undefined) closes.set(localMs, (xml = `${formatLocal(localMs)}</t:EndTime><t:BusyType>`));
      return xml;
    },
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
    plain: `${busyType}</t:BusyType></t:CalendarEvent>`,
    private: `${busyType}</t:BusyType><t:CalendarEventDetails>${PRIVATE_END}`,
    details: `${busyType}</t:BusyType><t:CalendarEventDetails>`,
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

// Times, busy types and booleans need no escaping; subject and location go through escapeXml.
function eventXml(ev: CalendarEventView, times: EventTimes): string {
  const head = times.open(ev.startLocal) + times.close(ev.endLocal);
  const tails = BUSY_TAILS[ev.busyType];
  const d = ev.details;
  if (!d) return head + tails.plain;
  if (d.isPrivate) return head + tails.private;
  const subject = escapeXml(d.subject ?? '');
  const location = escapeXml(d.location ?? '');
  return (
    head +
    tails.details +
    (subject === '' ? '<t:Subject/>' : `<t:Subject>${subject}</t:Subject>`) +
    (location === '' ? `<t:Location/>${PUBLIC_END}` : `<t:Location>${location}</t:Location>${PUBLIC_END}`)
  );
}

function viewXml(view: FreeBusyViewModel, times: EventTimes): string {
  let xml = `<m:FreeBusyView>${textElement('t:FreeBusyViewType', view.viewType)}`;
  if (view.merged !== undefined) xml += textElement('t:MergedFreeBusy', view.merged);
  if (view.events) {
    if (view.events.length === 0) xml += '<t:CalendarEventArray/>';
    else {
      xml += '<t:CalendarEventArray>';
      for (const ev of view.events) xml += eventXml(ev, times);
      xml += '</t:CalendarEventArray>';
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
  return `${xml}</m:FreeBusyView>`;
}

const SUCCESS = element('m:ResponseMessage', textElement('m:ResponseCode', 'NoError'), { ResponseClass: 'Success' });

function responseXml(outcome: MailboxOutcome, times: EventTimes): string {
  if (outcome.ok) return `<m:FreeBusyResponse>${SUCCESS}${viewXml(outcome.view(), times)}</m:FreeBusyResponse>`;
  return element(
    'm:FreeBusyResponse',
    element(
      'm:ResponseMessage',
      [textElement('m:MessageText', outcome.message), textElement('m:ResponseCode', outcome.code), textElement('m:DescriptiveLinkKey', 0)],
      { ResponseClass: 'Error' },
    ),
  );
}

/** m:GetUserAvailabilityResponse, written to `out` mailbox by mailbox. */
export function writeAvailabilityResponse(outcomes: readonly MailboxOutcome[], out: Utf8Answer): void {
  if (outcomes.length === 0) return out.add(element('m:GetUserAvailabilityResponse', element('m:FreeBusyResponseArray', [])));
  const times = eventTimes();
  out.add('<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>');
  for (const outcome of outcomes) out.add(responseXml(outcome, times));
  out.add('</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>');
}
