// Writes m:GetUserAvailabilityResponse in the exact element order the EWS schema demands.
import type { CalendarEventView, FreeBusyViewModel } from '../availability/build-view.js';
import type { MailboxOutcome } from '../availability/lookup.js';
import { serializableTimeZoneXml } from './write-time-zone.js';
import { element, escapeXml, textElement } from './xml-writer.js';

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

// A large answer (100 mailboxes over 62 days: ~30,000 events, 13 MB) is appended to one string from start to
// end. V8 keeps that as a rope and flattens it once, when the answer is sent; joining arrays (element()) at each
// level instead flattens and copies every mailbox's events again, and one array of all fragments joins slower.

/** formatLocal through a per-answer cache: meetings share start and end times across mailboxes and days. */
type TimeText = (localMs: number) => string;
function timeTextCache(): TimeText {
  const seen = new Map<number, string>();
  return (localMs) => {
    let text = seen.get(localMs);
    if (text === undefined) seen.set(localMs, (text = formatLocal(localMs)));
    return text;
  };
}

// The fixed tail of CalendarEventDetails: the schema requires all five booleans; Graph's getSchedule does not
// expose the first four.
const DETAILS_TAIL = '<t:IsMeeting>false</t:IsMeeting><t:IsRecurring>false</t:IsRecurring><t:IsException>false</t:IsException><t:IsReminderSet>false</t:IsReminderSet><t:IsPrivate>';
const PRIVATE_END = `${DETAILS_TAIL}true</t:IsPrivate></t:CalendarEventDetails></t:CalendarEvent>`;
const PUBLIC_END = `${DETAILS_TAIL}false</t:IsPrivate></t:CalendarEventDetails></t:CalendarEvent>`;

// Times, busy types and booleans need no escaping; subject and location go through escapeXml.
function eventXml(ev: CalendarEventView, time: TimeText): string {
  const head = `<t:CalendarEvent><t:StartTime>${time(ev.startLocal)}</t:StartTime><t:EndTime>${time(ev.endLocal)}</t:EndTime><t:BusyType>${ev.busyType}`;
  const d = ev.details;
  if (!d) return `${head}</t:BusyType></t:CalendarEvent>`;
  if (d.isPrivate) return `${head}</t:BusyType><t:CalendarEventDetails>${PRIVATE_END}`;
  const subject = escapeXml(d.subject ?? '');
  const location = escapeXml(d.location ?? '');
  return (
    `${head}</t:BusyType><t:CalendarEventDetails>` +
    (subject === '' ? '<t:Subject/>' : `<t:Subject>${subject}</t:Subject>`) +
    (location === '' ? '<t:Location/>' : `<t:Location>${location}</t:Location>`) +
    PUBLIC_END
  );
}

function viewXml(view: FreeBusyViewModel, time: TimeText): string {
  let xml = `<m:FreeBusyView>${textElement('t:FreeBusyViewType', view.viewType)}`;
  if (view.merged !== undefined) xml += textElement('t:MergedFreeBusy', view.merged);
  if (view.events) {
    if (view.events.length === 0) xml += '<t:CalendarEventArray/>';
    else {
      xml += '<t:CalendarEventArray>';
      for (const ev of view.events) xml += eventXml(ev, time);
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

function responseXml(outcome: MailboxOutcome, time: TimeText): string {
  if (outcome.ok) return `<m:FreeBusyResponse>${SUCCESS}${viewXml(outcome.view, time)}</m:FreeBusyResponse>`;
  return element(
    'm:FreeBusyResponse',
    element(
      'm:ResponseMessage',
      [textElement('m:MessageText', outcome.message), textElement('m:ResponseCode', outcome.code), textElement('m:DescriptiveLinkKey', 0)],
      { ResponseClass: 'Error' },
    ),
  );
}

export function availabilityResponseXml(outcomes: readonly MailboxOutcome[]): string {
  if (outcomes.length === 0) return element('m:GetUserAvailabilityResponse', element('m:FreeBusyResponseArray', []));
  const time = timeTextCache();
  let xml = '<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>';
  for (const outcome of outcomes) xml += responseXml(outcome, time);
  return `${xml}</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>`;
}
