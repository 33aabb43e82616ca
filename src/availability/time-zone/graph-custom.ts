// Maps Graph's customTimeZone (workingHours.timeZone of a mailbox with a custom zone) to SerializableTimeZone.
import type { CustomTimeZone, WorkingHours, ZoneOffsetRule } from '../schedule-source.js';
import { BoundedMap } from '../../bounded-map.js';
import { formatTimeOfDay, parseTimeOfDay } from './calendar-math.js';
import { isKnownIanaZone } from './iana-rules.js';
import { NO_TRANSITION, serializableFromIana, serializableFromWindowsId } from './serializable-from-iana.js';
import { DAY_NAMES, type DayName, type SerializableTimeZone, type TimeChange } from './types.js';

/*
 * Sign of Graph's `bias`: the customTimeZone reference page says "ahead of UTC positive", but the service
 * returns the Windows TIME_ZONE_INFORMATION value, minutes to ADD to local time to get UTC: a US Pacific
 * mailbox comes back with bias 480 and daylightBias -60 (microsoftgraph/microsoft-graph-docs-contrib
 * issue 562 "Instructions for customTimeZone bias seem incorrect", still open; the npm package
 * mscustomtimezone-iana documents the same sample). That is exactly EWS's convention, so the numbers are
 * copied unchanged. standardTimeZoneOffset has no bias of its own (0); daylightBias is relative to bias.
 * `year` 0 means "every year"; another value is treated as a fixed-date rule for that year, whose
 * dayOccurrence is then the day of the month (the Windows SYSTEMTIME reading, which Graph mirrors).
 */

function dayName(graphDay: string): DayName {
  const lower = graphDay.trim().toLowerCase();
  return DAY_NAMES.find((d) => d.toLowerCase() === lower) ?? 'Sunday';
}

function timeChange(offset: ZoneOffsetRule | undefined, bias: number): TimeChange {
  // Graph sends null as well as omitting the property.
  if (!offset || !offset.month) return { ...NO_TRANSITION, bias };
  // Graph writes "02:00:00.0000000"; EWS clients expect "02:00:00".
  const change: TimeChange = {
    bias,
    time: formatTimeOfDay(parseTimeOfDay(offset.time ?? '00:00:00')),
    dayOrder: offset.dayOccurrence,
    month: offset.month,
    dayOfWeek: dayName(offset.dayOfWeek ?? 'sunday'),
  };
  if (offset.year) change.year = offset.year;
  return change;
}

/**
 * The SerializableTimeZone for a Graph customTimeZone, field for field. A zone without a daylightOffset
 * (or with month 0 in either offset) comes out with both months 0: no DST.
 * Throws RangeError when a `time` is not a time of day.
 */
export function serializableFromGraphCustom(custom: CustomTimeZone): SerializableTimeZone {
  const daylightBias = custom.daylightOffset?.daylightBias ?? 0;
  const standardTime = timeChange(custom.standardOffset, 0);
  const daylightTime = timeChange(custom.daylightOffset, daylightBias);
  if (standardTime.month === 0 || daylightTime.month === 0 || daylightBias === 0) {
    return { bias: custom.bias + 0, standardTime: { ...NO_TRANSITION }, daylightTime: { ...NO_TRANSITION } };
  }
  return { bias: custom.bias, standardTime, daylightTime };
}

/**
 * The SerializableTimeZone for Graph's workingHours.timeZone in a given year: a customTimeZone maps field
 * for field; a name is a Windows id (what Graph normally sends) or, failing that, an IANA name, and is
 * described from the IANA database. Undefined when the name is neither, or a custom zone is malformed.
 */
export function serializableForGraphZone(zone: WorkingHours['timeZone'], year: number): SerializableTimeZone | undefined {
  if ('bias' in zone && typeof zone.bias === 'number') {
    try {
      return serializableFromGraphCustom(zone);
    } catch {
      return undefined;
    }
  }
  const name = zone.name?.trim() ?? '';
  if (name === '') return undefined;
  // Every mailbox of every lookup names its zone; deriving the rules scans a year of ICU offsets, so remember them.
  const key = `${name}\u0000${year}`;
  const known = namedZones.get(key);
  if (known !== undefined) return known === UNKNOWN ? undefined : known;
  const fromWindows = serializableFromWindowsId(name, year);
  const found = fromWindows ?? (isKnownIanaZone(name) ? serializableFromIana(name, year) : undefined);
  namedZones.set(key, found ? Object.freeze(found) : UNKNOWN);
  return found;
}

/** Named zones by name and year (Graph's text: bounded, least recently used goes). */
export const NAMED_ZONES_KEPT = 2048;
/** A name remembered as neither a Windows id nor an IANA zone. */
const UNKNOWN = 'unknown';
const namedZones = new BoundedMap<string, SerializableTimeZone | typeof UNKNOWN>(NAMED_ZONES_KEPT);
