// Shared time zone types: wall-clock/instant conventions and the EWS SerializableTimeZone model.

/**
 * Conventions used across the relay:
 * - an instant is UTC epoch milliseconds (`utcMs`);
 * - a naive local wall-clock time is encoded as the epoch milliseconds it would have if it were UTC
 *   (`localMs`, e.g. Date.UTC(2026, 11, 1, 9) for "2026-12-01T09:00:00" local).
 * Ambiguous and skipped local times resolve like Temporal's 'compatible' disambiguation:
 * a time in a fall-back overlap is the earlier instant; a time in a spring-forward gap is read with the
 * offset in force before the gap (so 02:30 in a 02:00->03:00 gap becomes 03:30 after the change).
 */
export interface ZoneRules {
  /** Minutes to add to UTC to get local time at this instant (UTC-7 -> -420). */
  offsetAt(utcMs: number): number;
  /** The instant of a local wall-clock time (see the conventions above). */
  toUtc(localMs: number): number;
  /** The local wall-clock time of an instant. */
  toLocal(utcMs: number): number;
}

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type DayName = (typeof DAY_NAMES)[number];

/** EWS t:StandardTime / t:DaylightTime (Windows SYSTEMTIME-style transition rule). */
export interface TimeChange {
  /** Minutes added to the zone Bias while this period is in force (0 standard, -60 typical daylight). */
  bias: number;
  /** Wall-clock time of the change, "HH:MM:SS"; read on the clock in force before the change. */
  time: string;
  /** 1..4 = n-th DayOfWeek of Month, 5 = last; with `year` set, the day of the month. */
  dayOrder: number;
  /** 1..12; 0 means "no transition". */
  month: number;
  dayOfWeek: DayName;
  /** Present for a fixed-date (one year only) rule. */
  year?: number;
}

/** EWS t:SerializableTimeZone: UTC = local + bias + (in DST ? daylightTime.bias : standardTime.bias). */
export interface SerializableTimeZone {
  bias: number;
  standardTime: TimeChange;
  daylightTime: TimeChange;
}
