// ZoneRules from an EWS SerializableTimeZone (Windows TIME_ZONE_INFORMATION semantics, docs/protocol.md §3).
import { MINUTE_MS, dayIndex, daysInMonth, nthWeekdayOfMonth, parseTimeOfDay, yearStartMs } from './calendar-math.js';
import { BoundedMap } from '../../bounded-map.js';
import { rulesFromSegments, type YearSegments } from './segment-rules.js';
import type { SerializableTimeZone, TimeChange, ZoneRules } from './types.js';

/** One change of offset: from `utcMs` on, `offsetMs` is in force (`dst` says which of the two it is). */
export interface OffsetChange {
  utcMs: number;
  offsetMs: number;
  dst: boolean;
}

/** True when the zone observes DST at all: distinct biases and both months set (1..12). */
export function hasDaylightSaving(tz: SerializableTimeZone): boolean {
  const validMonth = (m: number) => Number.isInteger(m) && m >= 1 && m <= 12;
  return tz.standardTime.bias !== tz.daylightTime.bias && validMonth(tz.standardTime.month) && validMonth(tz.daylightTime.month);
}

/** Local wall-clock time (localMs) of a rule in a given year, or undefined when a fixed-date rule is for another year. */
function ruleLocalMs(change: TimeChange, year: number): number | undefined {
  const timeMs = parseTimeOfDay(change.time);
  if (change.year !== undefined) {
    if (change.year !== year) return undefined;
    // With Year set, DayOrder is the day of the month; clamp so "31 February" stays in February.
    const day = Math.min(Math.max(change.dayOrder, 1), daysInMonth(year, change.month));
    return Date.UTC(year, change.month - 1, day) + timeMs;
  }
  const day = nthWeekdayOfMonth(year, change.month, dayIndex(change.dayOfWeek), change.dayOrder);
  return Date.UTC(year, change.month - 1, day) + timeMs;
}

/**
 * The DST starts and ends that a SerializableTimeZone puts in local years `fromYear..toYear`, in time order.
 * A start is read on the standard clock and an end on the daylight clock (docs/protocol.md §3; the EWS docs'
 * prose says otherwise and is wrong). A fixed-date rule (Year set) fires in its own year only, and can
 * therefore also be returned when it lies outside the range: the state it sets lasts until the next change.
 */
export function offsetChanges(tz: SerializableTimeZone, fromYear: number, toYear: number): OffsetChange[] {
  if (!hasDaylightSaving(tz)) return [];
  const stdOffsetMs = -(tz.bias + tz.standardTime.bias) * MINUTE_MS;
  const dstOffsetMs = -(tz.bias + tz.daylightTime.bias) * MINUTE_MS;
  const out: OffsetChange[] = [];
  const add = (change: TimeChange, year: number, dst: boolean) => {
    const local = ruleLocalMs(change, year);
    if (local === undefined) return;
    // Both rules are read on the clock in force before the change they describe.
    out.push({ utcMs: local - (dst ? stdOffsetMs : dstOffsetMs), offsetMs: dst ? dstOffsetMs : stdOffsetMs, dst });
  };
  for (const [change, dst] of [[tz.daylightTime, true], [tz.standardTime, false]] as const) {
    if (change.year !== undefined) add(change, change.year, dst);
    else for (let y = fromYear; y <= toYear; y++) add(change, y, dst);
  }
  return out.sort((a, b) => a.utcMs - b.utcMs);
}

/** Segments of one UTC year: the state left by the last change before it, then the changes inside it. */
export function serializableYearSegments(tz: SerializableTimeZone, utcYear: number): YearSegments {
  const start = yearStartMs(utcYear);
  const end = yearStartMs(utcYear + 1);
  // Local years reach up to ~14 h either side of the UTC year, so its neighbours are consulted too.
  const all = offsetChanges(tz, utcYear - 1, utcYear + 1);
  let current = -(tz.bias + tz.standardTime.bias) * MINUTE_MS;
  const changes: number[] = [];
  const offsets: number[] = [];
  for (const c of all) {
    if (c.utcMs < start) current = c.offsetMs;
    else if (c.utcMs < end) {
      if (offsets.length === 0) offsets.push(current);
      if (c.offsetMs !== offsets[offsets.length - 1]) {
        changes.push(c.utcMs);
        offsets.push(c.offsetMs);
      }
    }
  }
  if (offsets.length === 0) offsets.push(current);
  return { changes, offsets };
}

/**
 * ZoneRules for a SerializableTimeZone: UTC = local + Bias + (DST ? DaylightTime.Bias : StandardTime.Bias).
 * DayOrder 5 is the last weekday of the month; DST start later in the year than DST end (southern
 * hemisphere) falls out of the change-by-change evaluation: DST is then in force outside [end, start).
 * Fixed-date rules (Year set) fire only in their year; before any change the zone is on standard time.
 * Per-year transition instants are memoised in the returned object, which is shared by equal zones
 * (the input is copied, so later changes to it do not leak in).
 * Throws RangeError when a Time is not a time of day.
 */
export function rulesFromSerializable(tz: SerializableTimeZone): ZoneRules {
  // Clients send the same zone on every request: reuse the rules (and their memoised years) by content.
  const key = JSON.stringify([tz.bias, tz.standardTime, tz.daylightTime]);
  let rules = byContent.get(key);
  if (rules === undefined) {
    rules = buildRules(structuredClone(tz));
    byContent.set(key, rules);
  }
  return rules;
}

/** Zones by content, as many as ZONES_BY_CONTENT_KEPT (the client's text: bounded, least recently used goes). */
export const ZONES_BY_CONTENT_KEPT = 128;
const byContent = new BoundedMap<string, ZoneRules>(ZONES_BY_CONTENT_KEPT);

function buildRules(tz: SerializableTimeZone): ZoneRules {
  if (!hasDaylightSaving(tz)) return fixedOffsetRules(-(tz.bias + tz.standardTime.bias));
  // Validate eagerly so a malformed request fails where it is parsed, not on first use.
  parseTimeOfDay(tz.standardTime.time);
  parseTimeOfDay(tz.daylightTime.time);
  return rulesFromSegments((year) => serializableYearSegments(tz, year));
}

/** UTC itself: the zone used when a request names none. */
export const UTC_RULES: ZoneRules = Object.freeze(fixedOffsetRules(0));

/** ZoneRules for a constant offset (minutes east of UTC, e.g. 330 for India). */
export function fixedOffsetRules(offsetMinutes: number): ZoneRules {
  const offsetMs = offsetMinutes * MINUTE_MS;
  // `+ 0` turns -0 (from negating a zero bias) into 0, so callers comparing with Object.is see 0.
  const minutes = offsetMinutes + 0;
  return { offsetAt: () => minutes, toLocal: (utcMs) => utcMs + offsetMs, toUtc: (localMs) => localMs - offsetMs };
}
