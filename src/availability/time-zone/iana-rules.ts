// ZoneRules for IANA zones, read from Node's ICU through Intl (no tz database of our own to keep fresh).
import { DAY_MS, yearStartMs } from './calendar-math.js';
import { BoundedMap } from '../../bounded-map.js';
import { MAX_MEMO_YEARS, rulesFromSegments, type YearSegments } from './segment-rules.js';
import type { ZoneRules } from './types.js';

/**
 * Zones remembered by the memos below. ICU knows ~600 names, but matches them without regard to case, so the
 * spellings of names met in Graph answers are not a fixed set: bounded, with room for every zone at once.
 */
const ZONES_KEPT = 1024;

// Creating an Intl.DateTimeFormat costs far more than formatting with one, so keep one per zone.
const formatters = new BoundedMap<string, Intl.DateTimeFormat>(ZONES_KEPT);

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    // Throws RangeError for names ICU does not know; 'longOffset' prints "GMT-07:00" (seconds when
    // the offset has them, e.g. local mean time), which is cheaper to parse than formatToParts.
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, f);
  }
  return f;
}

const OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Offset (ms, local = utc + offset) of an IANA zone at an instant, straight from ICU. */
function ianaOffsetMs(zone: string, utcMs: number): number {
  const text = formatterFor(zone).format(utcMs);
  const m = OFFSET.exec(text);
  if (!m) throw new Error(`unexpected Intl offset text for ${zone}: ${text}`);
  if (m[1] === undefined) return 0;
  const ms = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/** True when ICU knows the zone name (IANA names and links such as "US/Pacific"). */
export function isKnownIanaZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

// Offsets are probed weekly and each change is then pinned to the second by bisection. Two changes
// that cancel out within one week would be missed; tzdata has none in the years the relay serves.
const PROBE_MS = 7 * DAY_MS;

/** First whole second in (lo, hi] whose offset differs from the one at lo (lo has `before`). */
function firstChange(zone: string, lo: number, hi: number, before: number): number {
  // Changes happen on whole seconds, so the second at or before hi already has the new offset.
  let a = Math.floor(lo / 1000);
  let b = Math.max(Math.floor(hi / 1000), a + 1);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (ianaOffsetMs(zone, mid * 1000) === before) a = mid;
    else b = mid;
  }
  return b * 1000;
}

function computeSegments(zone: string, utcYear: number): YearSegments {
  const start = yearStartMs(utcYear);
  const end = yearStartMs(utcYear + 1);
  const changes: number[] = [];
  const offsets = [ianaOffsetMs(zone, start)];
  let lo = start;
  while (lo < end - 1) {
    const hi = Math.min(lo + PROBE_MS, end - 1);
    const atHi = ianaOffsetMs(zone, hi);
    // Several changes can hide between two probes; peel them off one by one.
    while (atHi !== offsets[offsets.length - 1]) {
      const at = firstChange(zone, lo, hi, offsets[offsets.length - 1]!);
      changes.push(at);
      offsets.push(ianaOffsetMs(zone, at));
      lo = at;
    }
    lo = hi;
  }
  return { changes, offsets };
}

// Unknown names throw (in formatterFor) before an entry is made.
const segmentMemo = new BoundedMap<string, BoundedMap<number, YearSegments>>(ZONES_KEPT);

/** The offset changes of an IANA zone within one UTC year (memoised; throws RangeError for unknown zones). */
export function ianaYearSegments(zone: string, utcYear: number): YearSegments {
  let perZone = segmentMemo.get(zone);
  if (perZone === undefined) {
    formatterFor(zone);
    perZone = new BoundedMap(MAX_MEMO_YEARS);
    segmentMemo.set(zone, perZone);
  }
  return perZone.getOrSet(utcYear, (year) => computeSegments(zone, year));
}

const rulesMemo = new BoundedMap<string, ZoneRules>(ZONES_KEPT);

/**
 * ZoneRules for an IANA zone name, with the gap/overlap conventions of types.ts. Throws RangeError for a
 * name ICU does not know (names come from configuration or from the Windows mapping, not from clients).
 */
export function rulesFromIana(zone: string): ZoneRules {
  let rules = rulesMemo.get(zone);
  if (rules === undefined) {
    formatterFor(zone);
    rules = rulesFromSegments((year) => ianaYearSegments(zone, year));
    rulesMemo.set(zone, rules);
  }
  return rules;
}
