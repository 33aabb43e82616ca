// Turns an m:GetUserAvailabilityRequest element into the relay's AvailabilityRequest, validating limits.
import { EwsFault } from '../errors/index.js';
import { MAX_MAILBOXES, MAX_MERGED_INTERVAL_MINUTES, MIN_MERGED_INTERVAL_MINUTES } from '../limits.js';
import { daysInMonth } from '../availability/time-zone/calendar-math.js';
import { DAY_NAMES, type DayName, type SerializableTimeZone, type TimeChange } from '../availability/time-zone/types.js';
import type { ParsedDateTime } from '../availability/lookup.js';
import type { RequestedView } from '../availability/build-view.js';
import { NS } from './xml-writer.js';
import { child, childText, children, type XmlElement } from './xml-parse.js';

export interface AvailabilityRequestInput {
  /** Body t:TimeZone, when sent. */
  timeZone?: SerializableTimeZone;
  /** Addresses in request order (trimmed; may be empty or invalid: judged per mailbox later). */
  mailboxes: string[];
  /** Start and end as written; an instant is fixed once the zone is known. */
  start: ParsedDateTime;
  end: ParsedDateTime;
  intervalMinutes: number;
  view: RequestedView;
}

/** An xs:dateTime: naive wall-clock (localMs) or, with Z/offset, a fixed instant (utcMs). */

const VIEWS: readonly RequestedView[] = ['MergedOnly', 'FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged'];

const t = (el: XmlElement | undefined, name: string) => childText(el, NS.types, name);

export function parseAvailabilityRequest(op: XmlElement): AvailabilityRequestInput {
  const tzEl = child(op, NS.types, 'TimeZone');
  const array = child(op, NS.messages, 'MailboxDataArray') ?? child(op, NS.types, 'MailboxDataArray');
  if (!array) throw new EwsFault('ErrorSchemaValidation', 'MailboxDataArray is required.');
  const items = children(array, NS.types, 'MailboxData');
  if (items.length === 0) throw new EwsFault('ErrorMailboxDataArrayEmpty');
  if (items.length > MAX_MAILBOXES) throw new EwsFault('ErrorMailboxDataArrayTooBig');
  const mailboxes = items.map((m) => t(child(m, NS.types, 'Email'), 'Address') ?? '');

  const options = child(op, NS.types, 'FreeBusyViewOptions');
  if (!options) throw new EwsFault('ErrorInvalidRequest', 'FreeBusyViewOptions is required (suggestions are not offered).');
  const windowEl = child(options, NS.types, 'TimeWindow');
  const startText = t(windowEl, 'StartTime');
  const endText = t(windowEl, 'EndTime');
  if (startText === undefined || endText === undefined) {
    throw new EwsFault('ErrorSchemaValidation', 'TimeWindow needs StartTime and EndTime.');
  }
  const intervalText = t(options, 'MergedFreeBusyIntervalInMinutes');
  const intervalMinutes = intervalText === undefined ? 30 : parseIntStrict(intervalText, 'MergedFreeBusyIntervalInMinutes');
  if (intervalMinutes < MIN_MERGED_INTERVAL_MINUTES || intervalMinutes > MAX_MERGED_INTERVAL_MINUTES) throw new EwsFault('ErrorInvalidMergedFreeBusyInterval');
  const viewText = t(options, 'RequestedView') ?? 'FreeBusy';
  const view = VIEWS.find((v) => v === viewText);
  if (!view) throw new EwsFault('ErrorInvalidFreeBusyViewType', `'${viewText.slice(0, 40)}' cannot be requested.`);

  const input: AvailabilityRequestInput = {
    mailboxes,
    start: parseDateTime(startText, 'StartTime'),
    end: parseDateTime(endText, 'EndTime'),
    intervalMinutes,
    view,
  };
  if (tzEl) input.timeZone = parseSerializableTimeZone(tzEl);
  return input;
}

function parseSerializableTimeZone(el: XmlElement): SerializableTimeZone {
  const change = (name: string): TimeChange => {
    const c = child(el, NS.types, name);
    if (!c) throw new EwsFault('ErrorSchemaValidation', `TimeZone/${name} is required.`);
    const day = t(c, 'DayOfWeek') ?? '';
    if (!DAY_NAMES.includes(day as DayName)) throw new EwsFault('ErrorSchemaValidation', `TimeZone/${name}/DayOfWeek is invalid.`);
    const time = t(c, 'Time') ?? '';
    if (!/^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(time)) throw new EwsFault('ErrorSchemaValidation', `TimeZone/${name}/Time is invalid.`);
    const month = parseIntStrict(t(c, 'Month'), `TimeZone/${name}/Month`);
    const dayOrder = parseIntStrict(t(c, 'DayOrder'), `TimeZone/${name}/DayOrder`);
    if (month < 0 || month > 12 || dayOrder < 0 || dayOrder > 31) throw new EwsFault('ErrorTimeZone', `TimeZone/${name} is out of range.`);
    const tc: TimeChange = { bias: parseIntStrict(t(c, 'Bias'), `TimeZone/${name}/Bias`), time, dayOrder, month, dayOfWeek: day as DayName };
    const year = t(c, 'Year');
    if (year !== undefined && year !== '') tc.year = parseIntStrict(year, `TimeZone/${name}/Year`);
    return tc;
  };
  const tz: SerializableTimeZone = { bias: parseIntStrict(t(el, 'Bias'), 'TimeZone/Bias'), standardTime: change('StandardTime'), daylightTime: change('DaylightTime') };
  for (const b of [tz.bias, tz.standardTime.bias, tz.daylightTime.bias]) {
    if (Math.abs(b) > 1440) throw new EwsFault('ErrorTimeZone', 'A TimeZone bias is out of range.');
  }
  return tz;
}

function parseIntStrict(text: string | undefined, what: string): number {
  if (text === undefined || !/^[+-]?\d{1,9}$/.test(text)) throw new EwsFault('ErrorSchemaValidation', `${what} must be an integer.`);
  return Number(text);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses xs:dateTime (years 1900-2999; anything else is refused as absurd). Only real calendar dates: a day past
 * the month's end is refused, never rolled into the next month. 24:00:00 (exactly) is XSD's end of a day and
 * means 00:00 of the next; any other hour 24 is refused.
 */
export function parseDateTime(text: string, what: string): ParsedDateTime {
  const m = DATE_TIME.exec(text);
  if (!m) throw new EwsFault('ErrorSchemaValidation', `${what} is not a valid dateTime.`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || h > 24 || mi > 59 || s > 59) {
    throw new EwsFault('ErrorSchemaValidation', `${what} is out of range.`);
  }
  if (d > daysInMonth(y, mo)) throw new EwsFault('ErrorSchemaValidation', `${what} is not a calendar date.`);
  if (h === 24 && (mi !== 0 || s !== 0 || ms !== 0)) throw new EwsFault('ErrorSchemaValidation', `${what} is out of range: hour 24 is only 24:00:00, the end of a day.`);
  const localMs = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const zone = m[8];
  if (!zone) return { kind: 'local', localMs };
  if (zone === 'Z') return { kind: 'instant', utcMs: localMs };
  const sign = zone.startsWith('-') ? -1 : 1;
  if (Number(zone.slice(4, 6)) > 59) throw new EwsFault('ErrorSchemaValidation', `${what} has an invalid offset.`);
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offset) > 14 * 60) throw new EwsFault('ErrorSchemaValidation', `${what} has an invalid offset.`);
  return { kind: 'instant', utcMs: localMs - offset * 60_000 };
}
