// getSchedule on the wire: building the request body, and the reference reading of its answer (JSON.parse and
// checks), as pure functions. The byte scanner (schedule-scan.ts) shares the field readers below.
import { z } from 'zod';
import { failure, isWorkingHours, ScheduleItemsBuilder, type FreeBusyStatus, type MailboxSchedule, type WorkingHours } from '../availability/schedule-source.js';

// Graph's getSchedule wire vocabulary, as far as it differs from (or must be checked against) the domain's port.
/** Graph's freeBusyStatus values; the type check keeps them the domain's statuses (ScheduleItems stores those). */
export const GRAPH_STATUSES = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const satisfies readonly FreeBusyStatus[];
export type GraphStatus = (typeof GRAPH_STATUSES)[number];
/** Graph's workingHours: the shape the domain takes as it is. */
export type GraphWorkingHours = WorkingHours;

/**
 * Minutes per availabilityView digit. The relay ignores the view (the merged string is made from the items),
 * but Graph answers null with HTTP 500; its largest value makes the view one digit per day, the least to send.
 */
const AVAILABILITY_VIEW_INTERVAL = 1440;

/** Graph's `dateTime` without offset; the zone travels separately as "UTC". */
function formatUtcDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function buildScheduleRequest(schedules: readonly string[], startMs: number, endMs: number): string {
  return JSON.stringify({
    schedules,
    startTime: { dateTime: formatUtcDateTime(startMs), timeZone: 'UTC' },
    endTime: { dateTime: formatUtcDateTime(endMs), timeZone: 'UTC' },
    availabilityViewInterval: AVAILABILITY_VIEW_INTERVAL,
  });
}

const utcZones = new Set(['utc', 'etc/utc', 'coordinated universal time', 'gmt', 'etc/gmt']);

/** Whether a Graph timeZone name means UTC (absent counts as UTC: the relay asks for UTC). */
export function isUtcZone(zone: string | null | undefined): boolean {
  return !zone || zone === 'UTC' || utcZones.has(zone.toLowerCase());
}

/** `2026-12-01T17:00:00.0000000` in UTC to epoch ms; NaN for anything else (other zones are never asked for). */
export function parseGraphInstant(value: { dateTime: string; timeZone?: string | null }): number {
  if (!isUtcZone(value.timeZone)) return NaN;
  // As UTF-8, anything but ASCII becomes bytes >= 0x80 that are never digits or separators.
  const text = Buffer.from(value.dateTime, 'utf8');
  return utcInstantIn(text, 0, text.length);
}

/**
 * The date-time text s[from, to) (bytes) read as UTC epoch ms, NaN when malformed. Takes a range so the response
 * scanner (schedule-scan.ts) reads it in place from the body, without a string per instant.
 */
export function utcInstantIn(s: Uint8Array, from: number, to: number): number {
  // Read by character code: a dense 62-day answer holds ~60,000 of these, and regex + Date.parse dominated.
  if (to - from < 19 || s[from + 4] !== 45 || s[from + 7] !== 45 || s[from + 10] !== 84 || s[from + 13] !== 58 || s[from + 16] !== 58) return NaN;
  const year = digits(s, from, 4);
  const month = digits(s, from + 5, 2);
  const day = digits(s, from + 8, 2);
  const hour = digits(s, from + 11, 2);
  const minute = digits(s, from + 14, 2);
  const second = digits(s, from + 17, 2);
  let end = to;
  if (s[end - 1] === 90) end -= 1; // a trailing Z
  let fraction = 0;
  if (end > from + 19) {
    if (s[from + 19] !== 46 || end === from + 20) return NaN;
    // Milliseconds are the first three fraction digits (truncated); the rest only need to be digits.
    for (let i = from + 20; i < end; i++) {
      const c = s[i]! - 48;
      if (c < 0 || c > 9) return NaN;
      if (i < from + 23) fraction += c * (i === from + 20 ? 100 : i === from + 21 ? 10 : 1);
    }
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm): Date.UTC without its call cost. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The decimal number in s[from, from + count), or -1 if any of it is not a digit. */
function digits(s: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s[i]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(year: number, month: number): number {
  if (month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 29;
  return MONTH_DAYS[month - 1] ?? 0;
}

const statuses: ReadonlySet<unknown> = new Set<GraphStatus>(GRAPH_STATUSES);

/** Whether `status` is one of the statuses the relay knows. */
const isGraphStatus = (status: unknown): status is GraphStatus => statuses.has(status);

/** A scheduleItem's status as the relay keeps it: a status Graph adds later (or none) reads as unknown. */
export function normaliseStatus(status: unknown): GraphStatus {
  return isGraphStatus(status) ? status : 'unknown';
}

/** A scheduleItem as Graph sends it, after readItem's checks (a status Graph adds later reads as unknown). */
interface RawItem {
  isPrivate?: boolean | null;
  status: GraphStatus;
  subject?: string | null;
  location?: string | null;
  start: { dateTime: string; timeZone?: string | null };
  end: { dateTime: string; timeZone?: string | null };
}

const offsetSchema = z.looseObject({ time: z.string(), dayOccurrence: z.number(), dayOfWeek: z.string(), month: z.number(), year: z.number() });
const workingHoursSchema = z.object({
  daysOfWeek: z.array(z.string()),
  startTime: z.string(),
  endTime: z.string(),
  timeZone: z.union([
    z.looseObject({ bias: z.number(), standardOffset: offsetSchema.nullish(), daylightOffset: offsetSchema.nullish() }),
    z.looseObject({ name: z.string() }),
  ]),
});

const scheduleInformationSchema = z.object({
  scheduleId: z.string(),
  // Items are checked by readItem below, by hand: tens of thousands of them in a dense answer made a zod
  // schema per item the largest cost of a lookup.
  scheduleItems: z.array(z.unknown()).nullish(),
  workingHours: workingHoursSchema.nullish(),
  error: z.object({ message: z.string().nullish(), responseCode: z.string().nullish() }).nullish(),
});

const responseSchema = z.object({ value: z.array(scheduleInformationSchema) });
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().nullish() }) });

/** Graph's `{"error":{"code",...}}`, or undefined when the body is something else. */
export function parseGraphError(body: string): { code: string } | undefined {
  try {
    const parsed = errorSchema.safeParse(JSON.parse(body));
    return parsed.success ? { code: parsed.data.error.code } : undefined;
  } catch {
    return undefined;
  }
}

class ScheduleResponseError extends Error {
  override name = 'ScheduleResponseError';
}

const isOptionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const isDateTimeTimeZone = (v: unknown): v is RawItem['start'] =>
  typeof v === 'object' && v !== null && typeof (v as { dateTime?: unknown }).dateTime === 'string' && isOptionalString((v as { timeZone?: unknown }).timeZone);

function badItem(mailbox: number, item: number, field: string): ScheduleResponseError {
  return new ScheduleResponseError(`getSchedule response has an unexpected shape (at value.${mailbox}.scheduleItems.${item}${field ? `.${field}` : ''})`);
}

/** One scheduleItem checked by hand (the RawItem shape); the message names the first bad field, never a value. */
function readItem(raw: unknown, mailbox: number, item: number): RawItem {
  // The place is spelled out only for an error (no string or closure per item: a dense answer holds thousands).
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badItem(mailbox, item, '');
  const o = raw as Record<string, unknown>;
  if (!(o.isPrivate === undefined || o.isPrivate === null || typeof o.isPrivate === 'boolean')) throw badItem(mailbox, item, 'isPrivate');
  if (!isOptionalString(o.status)) throw badItem(mailbox, item, 'status');
  if (!isOptionalString(o.subject)) throw badItem(mailbox, item, 'subject');
  if (!isOptionalString(o.location)) throw badItem(mailbox, item, 'location');
  if (!isDateTimeTimeZone(o.start)) throw badItem(mailbox, item, 'start');
  if (!isDateTimeTimeZone(o.end)) throw badItem(mailbox, item, 'end');
  // The parsed JSON is ours: the status is normalised in place rather than copying every item.
  o.status = normaliseStatus(o.status);
  return o as unknown as RawItem;
}

function addItem(raw: RawItem, to: ScheduleItemsBuilder): void {
  const start = parseGraphInstant(raw.start);
  const end = parseGraphInstant(raw.end);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new ScheduleResponseError('schedule item time is not a UTC date-time');
  to.push(start, end, raw.status, raw.isPrivate ?? false, raw.subject, raw.location);
}

/** The outcome for a scheduleInformation's `error`, undefined when it is not the documented shape. */
export function mailboxError(error: unknown): MailboxSchedule | undefined {
  if (!isObject(error) || !(isAbsent(error.message) || typeof error.message === 'string') || !(isAbsent(error.responseCode) || typeof error.responseCode === 'string')) return undefined;
  const { responseCode, message } = error as { responseCode?: string | null; message?: string | null };
  if (responseCode === '5009' || /unable to resolve/i.test(message ?? '')) {
    return failure('not-found', 'Graph could not resolve the address to a mailbox');
  }
  return failure('upstream', `Graph reported an error for this mailbox (responseCode ${responseCode ?? 'none'})`);
}

function toSchedule(info: z.infer<typeof scheduleInformationSchema>, index: number): MailboxSchedule {
  if (info.error) return mailboxError(info.error)!;
  const items = new ScheduleItemsBuilder(info.scheduleItems?.length ?? 0);
  (info.scheduleItems ?? []).forEach((raw, j) => addItem(readItem(raw, index, j), items));
  const result: MailboxSchedule & { ok: true } = { ok: true, items: items.build() };
  if (info.workingHours) result.workingHours = info.workingHours as GraphWorkingHours;
  return result;
}

/** The reference reading of a getSchedule answer: JSON.parse, then the checks. Exported for the scanner's tests. */
export function parseScheduleJson(body: string): Map<string, MailboxSchedule> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ScheduleResponseError('getSchedule response is not JSON');
  }
  const fast = checkResponse(json);
  if (fast) {
    const out = new Map<string, MailboxSchedule>();
    fast.forEach((info, i) => out.set(info.scheduleId.toLowerCase(), toSchedule(info, i)));
    return out;
  }
  // Not the usual shape: zod says precisely what is wrong (or accepts what the quick check was too strict for).
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new ScheduleResponseError(`getSchedule response has an unexpected shape (at ${where || 'top level'})`);
  }
  const out = new Map<string, MailboxSchedule>();
  parsed.data.value.forEach((info, i) => out.set(info.scheduleId.toLowerCase(), toSchedule(info, i)));
  return out;
}

type Info = z.infer<typeof scheduleInformationSchema>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAbsent = (v: unknown) => v === undefined || v === null;
/**
 * The same rules as responseSchema, checked by hand for the common case (zod costs more than the rest of a
 * small lookup's Graph handling); undefined means "ask zod", which then names the problem.
 */
function checkResponse(json: unknown): Info[] | undefined {
  if (!isObject(json) || !Array.isArray(json.value)) return undefined;
  for (const info of json.value as unknown[]) {
    if (!isObject(info) || typeof info.scheduleId !== 'string') return undefined;
    if (!isAbsent(info.scheduleItems) && !Array.isArray(info.scheduleItems)) return undefined;
    if (!isWorkingHours(info.workingHours)) return undefined;
    if (!isAbsent(info.error) && !mailboxError(info.error)) return undefined;
  }
  return json.value as Info[];
}
