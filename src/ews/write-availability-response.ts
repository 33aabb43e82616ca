// Writes m:GetUserAvailabilityResponse in the exact element order the EWS schema demands.
import type { CalendarEventView, FreeBusyViewModel } from '../availability/build-view.js';
import type { MailboxOutcome } from '../availability/lookup.js';
import { serializableTimeZoneXml } from './write-time-zone.js';
import { element, textElement } from './xml-writer.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** localMs as a naive xs:dateTime, "2026-12-01T09:00:00" (what Exchange sends and clients parse). */
export function formatLocal(localMs: number): string {
  const d = new Date(localMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function eventXml(ev: CalendarEventView): string {
  const parts = [textElement('t:StartTime', formatLocal(ev.startLocal)), textElement('t:EndTime', formatLocal(ev.endLocal)), textElement('t:BusyType', ev.busyType)];
  if (ev.details) {
    const d = ev.details;
    const fields: string[] = [];
    if (!d.isPrivate) fields.push(textElement('t:Subject', d.subject ?? ''), textElement('t:Location', d.location ?? ''));
    // The schema requires all five booleans; Graph's getSchedule does not expose the first four.
    fields.push(
      textElement('t:IsMeeting', false),
      textElement('t:IsRecurring', false),
      textElement('t:IsException', false),
      textElement('t:IsReminderSet', false),
      textElement('t:IsPrivate', d.isPrivate),
    );
    parts.push(element('t:CalendarEventDetails', fields));
  }
  return element('t:CalendarEvent', parts);
}

function viewXml(view: FreeBusyViewModel): string {
  const parts = [textElement('t:FreeBusyViewType', view.viewType)];
  if (view.merged !== undefined) parts.push(textElement('t:MergedFreeBusy', view.merged));
  if (view.events) parts.push(element('t:CalendarEventArray', view.events.map(eventXml)));
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
