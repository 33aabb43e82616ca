// Calendar arithmetic shared by the time zone engines: nth/last weekday dates, "HH:MM:SS" times, UTC years.
import { DAY_NAMES, type DayName } from './types.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Number of days in a month (month 1..12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Index 0..6 (Sunday = 0) of a day name; unknown names count as Sunday. */
export function dayIndex(name: string): number {
  const i = DAY_NAMES.indexOf(name as DayName);
  return i < 0 ? 0 : i;
}

/**
 * Day of the month of the `order`-th `weekday` (0 = Sunday) of a month; 5 (or more) means the last one,
 * which is the fourth in months that have only four.
 */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, order: number): number {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const first = 1 + ((weekday - firstWeekday + 7) % 7);
  const n = Math.min(Math.max(order, 1), 5);
  let day = first + 7 * (n - 1);
  const length = daysInMonth(year, month);
  while (day > length) day -= 7;
  return day;
}

/** Encodes a transition date as EWS does: n-th weekday of its month, or 5 when it is the month's last one. */
export function weekdayOrder(year: number, month: number, day: number): number {
  return day + 7 > daysInMonth(year, month) ? 5 : Math.ceil(day / 7);
}

const TIME = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?\s*$/;

/**
 * Milliseconds after midnight of an EWS/Graph time of day ("02:00:00", "02:00", "02:00:00.0000000").
 * Throws RangeError on anything else: a client that sends garbage rules gets an error, not a silent guess.
 */
export function parseTimeOfDay(text: string): number {
  const m = TIME.exec(text);
  if (!m) throw new RangeError(`invalid time of day: ${JSON.stringify(text)}`);
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 24 || min > 59 || s > 59) throw new RangeError(`invalid time of day: ${JSON.stringify(text)}`);
  return ((h * 60 + min) * 60 + s) * 1000 + Math.round(Number(m[4] ?? 0) * 1000);
}

/** "HH:MM:SS" for milliseconds after midnight (sub-second parts are dropped). */
export function formatTimeOfDay(ms: number): string {
  const total = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}

/** Start of a UTC calendar year as epoch ms. */
export function yearStartMs(year: number): number {
  return Date.UTC(year, 0, 1);
}

/** The UTC calendar year an epoch-ms value falls in (also used for localMs values). */
export function utcYearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/** Minutes as an xs:duration ("PT8H", "-PT5H30M", "PT0H"), the form Exchange uses for biases and offsets. */
export function minutesToDuration(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const totalSeconds = Math.round(Math.abs(minutes) * 60);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor(totalSeconds / 60) % 60;
  const s = totalSeconds % 60;
  if (m === 0 && s === 0) return `${sign}PT${h}H`;
  return `${sign}PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}
