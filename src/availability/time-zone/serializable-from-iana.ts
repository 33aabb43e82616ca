// Describes an IANA zone's rules for one year as an EWS SerializableTimeZone (for WorkingHours).
import { DAY_MS, MINUTE_MS, formatTimeOfDay, weekdayOrder } from './calendar-math.js';
import { ianaYearSegments } from './iana-rules.js';
import { serializableYearSegments } from './serializable-rules.js';
import { DAY_NAMES, type SerializableTimeZone, type TimeChange } from './types.js';
import { windowsToIana } from './windows-zones.js';

/**
 * The "no transition" rule. Month 0 is what says "no DST" (docs/protocol.md §3); DayOrder 0 matches what
 * Exchange itself writes for such zones, and the schema (xs:short) allows it.
 */
export const NO_TRANSITION: TimeChange = Object.freeze({ bias: 0, time: '00:00:00', dayOrder: 0, month: 0, dayOfWeek: 'Sunday' });

/** A SerializableTimeZone for a constant offset (ms east of UTC). Biases are whole minutes (xs:int). */
export function fixedSerializable(offsetMs: number): SerializableTimeZone {
  return { bias: Math.round(-offsetMs / MINUTE_MS) + 0, standardTime: { ...NO_TRANSITION }, daylightTime: { ...NO_TRANSITION } };
}

/** A change at `utcMs` as a recurring rule read on the clock in force before it (`offsetBeforeMs`). */
function describeChange(utcMs: number, offsetBeforeMs: number, bias: number): TimeChange {
  const local = utcMs + offsetBeforeMs;
  const date = new Date(local);
  const month = date.getUTCMonth() + 1;
  return {
    bias,
    time: formatTimeOfDay(((local % DAY_MS) + DAY_MS) % DAY_MS),
    dayOrder: weekdayOrder(date.getUTCFullYear(), month, date.getUTCDate()),
    month,
    dayOfWeek: DAY_NAMES[date.getUTCDay()]!,
  };
}

/**
 * The SerializableTimeZone that reproduces an IANA zone's offsets during `year` (a UTC calendar year).
 * A year with one DST period (two changes that return to the starting offset) becomes Bias = standard
 * offset, DaylightTime = the change to the larger offset, StandardTime = the change back, each with the
 * wall time on the clock before it and as n-th weekday (5 when it is the month's last). Morocco's
 * Ramadan (a lower offset for a month) comes out as southern-hemisphere-style DST, which is exact.
 * A year without changes gives a fixed zone. Any other year (a change of standard offset, DST abolished,
 * DST interrupted) cannot be one recurring rule pair: it gives a fixed zone at the offset in force at
 * the end of the year, i.e. the rules the zone moved to. Throws RangeError for unknown zone names.
 */
export function serializableFromIana(zone: string, year: number): SerializableTimeZone {
  const { changes, offsets } = ianaYearSegments(zone, year);
  const [first, second, third] = offsets;
  if (changes.length !== 2 || first === undefined || second === undefined || third !== first) {
    return fixedSerializable(offsets[offsets.length - 1]!);
  }
  return serializableFromPair(changes[0]!, changes[1]!, first, second);
}

/**
 * The recurring rule pair for one DST period: `firstAt` switches from `before` to `after`, `secondAt`
 * switches back. The larger offset is daylight time, whichever comes first in the year.
 */
function serializableFromPair(firstAt: number, secondAt: number, before: number, after: number): SerializableTimeZone {
  const std = Math.min(before, after);
  const dst = Math.max(before, after);
  const [startAt, endAt] = after === dst ? [firstAt, secondAt] : [secondAt, firstAt];
  return {
    bias: Math.round(-std / MINUTE_MS) + 0,
    standardTime: describeChange(endAt, dst, 0),
    daylightTime: describeChange(startAt, std, Math.round(-(dst - std) / MINUTE_MS)),
  };
}

/** serializableFromIana for a Windows zone id; undefined when the id is unknown. */
export function serializableFromWindowsId(id: string, year: number): SerializableTimeZone | undefined {
  const zone = windowsToIana(id);
  return zone === undefined ? undefined : serializableFromIana(zone, year);
}

/**
 * Whether a SerializableTimeZone gives exactly the IANA zone's offset changes during UTC year `year`;
 * lets one rule pair stand for a run of years whose rules did not change.
 */
export function reproducesIanaYear(tz: SerializableTimeZone, zone: string, year: number): boolean {
  const want = ianaYearSegments(zone, year);
  const got = serializableYearSegments(tz, year);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  return same(want.changes, got.changes) && same(want.offsets, got.offsets);
}
