// Writes m:GetUserAvailabilityResponse in the exact element order the EWS schema demands.
import type { CalendarEventView, FreeBusyViewModel } from '../availability/build-view.js';
import type { MailboxOutcome } from '../availability/lookup.js';
import { serializableTimeZoneXml } from './write-time-zone.js';
import { element, textElement } from './xml-writer.js';

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

// An event is written by concatenation, not element(): a 100-mailbox, 62-day DetailedMerged answer holds tens of
// thousands of them. Times, busy types and booleans need no escaping; subject and location go through escapeXml.
function eventXml(ev: CalendarEventView): string {
  let xml = `<t:CalendarEvent><t:StartTime>${formatLocal(ev.startLocal)}</t:StartTime><t:EndTime>${formatLocal(ev.endLocal)}</t:EndTime><t:BusyType>${ev.busyType}</t:BusyType>`;
  if (ev.details) {
    const d = ev.details;
    xml += '<t:CalendarEventDetails>';
    if (!d.isPrivate) xml += textElement('t:Subject', d.subject ?? '') + textElement('t:Location', d.location ?? '');
    // The schema requires all five booleans; Graph's getSchedule does not expose the first four.
    xml += `<t:IsMeeting>false</t:IsMeeting><t:IsRecurring>false</t:IsRecurring><t:IsException>false</t:IsException><t:IsReminderSet>false</t:IsReminderSet><t:IsPrivate>${d.isPrivate}</t:IsPrivate></t:CalendarEventDetails>`;
  }
  return `${xml}</t:CalendarEvent>`;
}

function viewXml(view: FreeBusyViewModel): string {
  const parts = [textElement('t:FreeBusyViewType', view.viewType)];
  if (view.merged !== undefined) parts.push(textElement('t:MergedFreeBusy', view.merged));
  if (view.events) {
    // Appending builds a rope V8 flattens once when the answer is written, instead of joining per mailbox.
    let events = '';
    for (const ev of view.events) events += eventXml(ev);
    parts.push(events === '' ? '<t:CalendarEventArray/>' : `<t:CalendarEventArray>${events}</t:CalendarEventArray>`);
  }
  if (view.workingHours) {
    const periods = view.workingHours.periods.map((p) =>
      element('t:WorkingPeriod', [
        textElement('t:DayOfWeek', p.days),
        textElement('t:StartTimeInMinutes', p.startMinutes),
        textElement('t:EndTimeInMinutes', p.endMinutes),
      ]),
    );
    parts.push(element('t:WorkingHours', [serializableTimeZoneXml(view.workingHours.timeZone), element('t:WorkingPeriodArray', periods)]));
  }
  return element('m:FreeBusyView', parts);
}

function responseXml(outcome: MailboxOutcome): string {
  if (outcome.ok) {
    return element('m:FreeBusyResponse', [
      element('m:ResponseMessage', textElement('m:ResponseCode', 'NoError'), { ResponseClass: 'Success' }),
      viewXml(outcome.view),
    ]);
  }
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
  return element('m:GetUserAvailabilityResponse', element('m:FreeBusyResponseArray', outcomes.map(responseXml)));
}
