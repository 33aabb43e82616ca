// The reference GetUserAvailabilityResponse: the same answer write-availability-response.ts writes, built the
// plain way, one string per element from element() and textElement() (which escape text with escapeXml), with
// no byte fragments, caches or chunks of its own. It shares with the fast writer what it is built from: those
// helpers, serializableTimeZoneXml (which remembers the XML of frozen zones) and the views of build-view.ts.
//
// It is the reference the fast writer is tested against (reference-writer.test.ts checks the two byte for
// byte), not used on the request path: keep it simple enough to trust by reading it beside the schema. Every
// sequence below follows the EWS XSD (test/fixtures/ews/xsd/*/messages.xsd and types.xsd; the layout is also
// in docs/protocol.md section 2).
import type { CalendarEventView, EventDetails, FreeBusyViewModel, WorkingPeriodView } from '../availability/build-view.js';
import type { MailboxOutcome } from '../availability/lookup.js';
import { soapEnvelope } from './envelope.js';
import { serializableTimeZoneXml } from './write-time-zone.js';
import { responseCodeOf } from './write-availability-response.js';
import { element, textElement } from './xml-writer.js';

/**
 * A naive local wall-clock time (localMs, see time-zone/types.ts) as xs:dateTime without an offset, to the
 * second: "2026-12-01T09:00:00". toISOString writes localMs as if it were UTC, which is what a naive time is.
 */
function localDateTime(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 19);
}

/**
 * t:CalendarEventDetails: ID?, Subject?, Location?, then all five booleans (the schema requires them; Graph's
 * getSchedule gives only the last). A private event has no ID, Subject or Location. A public one always has
 * Subject and Location, empty (`<t:Subject/>`) when Graph gave none. The relay never sends an ID.
 */
function calendarEventDetails(details: EventDetails): string {
  const children: string[] = [];
  if (!details.isPrivate) {
    children.push(textElement('t:Subject', details.subject ?? ''));
    children.push(textElement('t:Location', details.location ?? ''));
  }
  children.push(textElement('t:IsMeeting', false));
  children.push(textElement('t:IsRecurring', false));
  children.push(textElement('t:IsException', false));
  children.push(textElement('t:IsReminderSet', false));
  children.push(textElement('t:IsPrivate', details.isPrivate));
  return element('t:CalendarEventDetails', children);
}

/** t:CalendarEvent: StartTime, EndTime, BusyType, CalendarEventDetails?. */
function calendarEvent(event: CalendarEventView): string {
  const children = [
    textElement('t:StartTime', localDateTime(event.startLocal)),
    textElement('t:EndTime', localDateTime(event.endLocal)),
    textElement('t:BusyType', event.busyType),
  ];
  if (event.details) children.push(calendarEventDetails(event.details));
  return element('t:CalendarEvent', children);
}

/** t:WorkingPeriod: DayOfWeek (a space-separated list of day names), StartTimeInMinutes, EndTimeInMinutes. */
function workingPeriod(period: WorkingPeriodView): string {
  return element('t:WorkingPeriod', [
    textElement('t:DayOfWeek', period.days),
    textElement('t:StartTimeInMinutes', period.startMinutes),
    textElement('t:EndTimeInMinutes', period.endMinutes),
  ]);
}

/** t:WorkingHours: TimeZone (the mailbox's, a SerializableTimeZone), WorkingPeriodArray. */
function workingHours(hours: NonNullable<FreeBusyViewModel['workingHours']>): string {
  return element('t:WorkingHours', [
    serializableTimeZoneXml(hours.timeZone),
    element('t:WorkingPeriodArray', hours.periods.map(workingPeriod)),
  ]);
}

/**
 * m:FreeBusyView: FreeBusyViewType, MergedFreeBusy?, CalendarEventArray?, WorkingHours?. Which of the optional
 * parts a view has is build-view.ts's decision (the requested view, disclosure, whether Graph sent working
 * hours); an event array the view has is written even when empty, as `<t:CalendarEventArray/>`.
 */
function freeBusyView(view: FreeBusyViewModel): string {
  const children = [textElement('t:FreeBusyViewType', view.viewType)];
  if (view.merged !== undefined) children.push(textElement('t:MergedFreeBusy', view.merged));
  if (view.events !== undefined) children.push(element('t:CalendarEventArray', view.events.map(calendarEvent)));
  if (view.workingHours !== undefined) children.push(workingHours(view.workingHours));
  return element('m:FreeBusyView', children);
}

/**
 * m:FreeBusyResponse: ResponseMessage, FreeBusyView?. A mailbox answered has ResponseClass Success, ResponseCode
 * NoError and its view. A mailbox that failed has ResponseClass Error with MessageText, ResponseCode and
 * DescriptiveLinkKey 0 (in that order, per ResponseMessageType), and no view.
 */
function freeBusyResponse(outcome: MailboxOutcome): string {
  if (!outcome.ok) {
    const message = element(
      'm:ResponseMessage',
      [
        textElement('m:MessageText', outcome.detail),
        textElement('m:ResponseCode', responseCodeOf(outcome.failure)),
        textElement('m:DescriptiveLinkKey', 0),
      ],
      { ResponseClass: 'Error' },
    );
    return element('m:FreeBusyResponse', message);
  }
  const success = element('m:ResponseMessage', textElement('m:ResponseCode', 'NoError'), { ResponseClass: 'Success' });
  return element('m:FreeBusyResponse', [success, freeBusyView(outcome.view())]);
}

/**
 * m:GetUserAvailabilityResponse: FreeBusyResponseArray with one FreeBusyResponse per mailbox, in the order of
 * the request's MailboxDataArray. The relay never answers SuggestionsResponse.
 */
function referenceAvailabilityResponse(outcomes: readonly MailboxOutcome[]): string {
  return element('m:GetUserAvailabilityResponse', element('m:FreeBusyResponseArray', outcomes.map(freeBusyResponse)));
}

/** The whole SOAP envelope of an availability answer for the client's response schema, as a string. */
export function referenceAvailabilityEnvelope(outcomes: readonly MailboxOutcome[], schema: 'exchange-online' | 'exchange2010-sp2'): string {
  return soapEnvelope(referenceAvailabilityResponse(outcomes), schema);
}
