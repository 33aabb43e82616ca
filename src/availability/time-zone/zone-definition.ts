// EWS TimeZoneDefinition data (periods, transition groups) for Windows zones, derived from the IANA database.
import { parseTimeOfDay } from './calendar-math.js';
import { hasDaylightSaving } from './serializable-rules.js';
import { ianaYearSegments } from './iana-rules.js';
import { fixedSerializable, reproducesIanaYear, serializableFromIana } from './serializable-from-iana.js';
import type { DayName, SerializableTimeZone } from './types.js';
import { canonicalWindowsId, windowsToIana } from './windows-zones.js';

/** t:Period. `bias` is Windows-style minutes (UTC = local + bias), written as an xs:duration. */
export interface ZonePeriod {
  id: string;
  name: 'Standard' | 'Daylight';
  bias: number;
}

/** A transition inside a t:TransitionsGroup. */
export type GroupTransition =
  | { kind: 'Transition'; to: string }
  | {
      kind: 'RecurringDayTransition';
      to: string;
      /** Wall time of the change on the clock before it, ms after midnight (t:TimeOffset). */
      timeOffsetMs: number;
      month: number;
      dayOfWeek: DayName;
      /** 1..4, or -1 for the last one in the month (what Exchange writes). */
      occurrence: number;
    }
  | { kind: 'AbsoluteDateTransition'; to: string; dateTime: string };

export interface TransitionsGroup {
  id: string;
  transitions: GroupTransition[];
  /** The rule pair this group encodes and the years (UTC) it was derived from; not written to XML. */
  rules: SerializableTimeZone;
  fromYear: number;
  toYear: number;
}

/** A top-level t:Transitions entry: from `startsAt` (naive local dateTime; none for the first) use `group`. */
export interface GroupSwitch {
  group: string;
  startsAt?: string;
}

export interface TimeZoneDefinitionData {
  id: string;
  name: string;
  periods: ZonePeriod[];
  groups: TransitionsGroup[];
  transitions: GroupSwitch[];
}

export interface YearRange {
  fromYear: number;
  toYear: number;
}

/** "(UTC-08:00) Pacific Standard Time": the Windows display-name shape, built from the standard bias. */
function displayName(id: string, bias: number): string {
  if (bias === 0) return `(UTC) ${id}`;
  const east = -bias;
  const abs = Math.abs(east);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `(UTC${east < 0 ? '-' : '+'}${hhmm}) ${id}`;
}

interface RuleSpan {
  rules: SerializableTimeZone;
  fromYear: number;
  toYear: number;
  /** Naive local time the span takes over: 1 January of fromYear, or a change within a year of new rules. */
  startsAt: string;
}

const sameRules = (a: SerializableTimeZone, b: SerializableTimeZone) => JSON.stringify(a) === JSON.stringify(b);

/** Naive ISO local time ("2022-10-30T01:00:00") of a localMs value. */
const naive = (localMs: number) => new Date(localMs).toISOString().slice(0, 19);

/**
 * Consecutive years that one SerializableTimeZone reproduces exactly share a span (and a group). A year
 * that no rule pair describes is cut at its changes (each read on the clock before it) into fixed spans.
 */
function ruleSpans(zone: string, range: YearRange): RuleSpan[] {
  const spans: RuleSpan[] = [];
  for (let year = range.fromYear; year <= range.toYear; year++) {
    const last = spans[spans.length - 1];
    if (last && reproducesIanaYear(last.rules, zone, year)) {
      last.toYear = year;
      continue;
    }
    const { changes, offsets } = ianaYearSegments(zone, year);
    const regular = changes.length === 0 || (changes.length === 2 && offsets[2] === offsets[0]);
    if (regular) {
      spans.push({ rules: serializableFromIana(zone, year), fromYear: year, toYear: year, startsAt: `${year}-01-01T00:00:00` });
      continue;
    }
    // Rules changed during the year, so no recurring pair describes it: each stretch of constant offset
    // becomes a fixed span from the change that starts it (the first from 1 January), which is exact.
    for (let i = 0; i < offsets.length; i++) {
      const rules = fixedSerializable(offsets[i]!);
      const prev = spans[spans.length - 1];
      if (i === 0 && prev && sameRules(prev.rules, rules)) continue;
      const startsAt = i === 0 ? `${year}-01-01T00:00:00` : naive(changes[i - 1]! + offsets[i - 1]!);
      spans.push({ rules, fromYear: year, toYear: year, startsAt });
    }
  }
  return spans;
}

/**
 * The TimeZoneDefinition of a Windows zone id, or undefined when the id is unknown.
 * Strategy: each year of `range` is described by serializableFromIana; runs of years with the same rules
 * become one TransitionsGroup with its own Standard (and Daylight) period; the top-level Transitions
 * switch groups on 1 January of each run's first year. A year in which the rules changed (DST abolished,
 * standard offset moved, two Ramadans) gets one fixed-offset group per stretch between its changes.
 * The first group also stands for earlier years and the last for later ones. Group ids are zero-padded
 * so that sorting them as strings (exchangelib does) keeps them in time order.
 */
export function timeZoneDefinitionData(windowsId: string, range: YearRange): TimeZoneDefinitionData | undefined {
  const id = canonicalWindowsId(windowsId);
  const zone = id === undefined ? undefined : windowsToIana(id);
  if (id === undefined || zone === undefined) return undefined;
  const spans = ruleSpans(zone, range);
  const width = String(Math.max(spans.length - 1, 0)).length;
  const periods: ZonePeriod[] = [];
  const groups: TransitionsGroup[] = [];
  const transitions: GroupSwitch[] = [];
  spans.forEach((span, index) => {
    const groupId = String(index).padStart(width, '0');
    const { rules } = span;
    // Period ids must be unique: "Std/2007" like Exchange, with the date for a mid-year change.
    const suffix = span.startsAt.endsWith('-01-01T00:00:00') ? String(span.fromYear) : span.startsAt.slice(0, 10);
    const std: ZonePeriod = { id: `Std/${suffix}`, name: 'Standard', bias: rules.bias + rules.standardTime.bias };
    periods.push(std);
    const groupTransitions: GroupTransition[] = [];
    if (hasDaylightSaving(rules)) {
      const dlt: ZonePeriod = { id: `Dlt/${suffix}`, name: 'Daylight', bias: rules.bias + rules.daylightTime.bias };
      periods.push(dlt);
      for (const [change, to] of [[rules.daylightTime, dlt.id], [rules.standardTime, std.id]] as const) {
        groupTransitions.push({
          kind: 'RecurringDayTransition',
          to,
          timeOffsetMs: parseTimeOfDay(change.time),
          month: change.month,
          dayOfWeek: change.dayOfWeek,
          occurrence: change.dayOrder >= 5 ? -1 : change.dayOrder,
        });
      }
    } else {
      groupTransitions.push({ kind: 'Transition', to: std.id });
    }
    groups.push({ id: groupId, transitions: groupTransitions, rules, fromYear: span.fromYear, toYear: span.toYear });
    transitions.push(index === 0 ? { group: groupId } : { group: groupId, startsAt: span.startsAt });
  });
  const lastRules = spans[spans.length - 1]!.rules;
  return { id, name: displayName(id, lastRules.bias), periods, groups, transitions };
}
