// getSchedule on the wire: building the request body and checking the response, as pure functions.
import { z } from 'zod';
import type { GraphStatus, GraphWorkingHours, MailboxSchedule, ScheduleItem } from './types.js';

/** Minutes per availabilityView digit. The relay ignores the view, but Graph answers null with HTTP 500. */
export const AVAILABILITY_VIEW_INTERVAL = 30;

/** Graph's `dateTime` without offset; the zone travels separately as "UTC". */
export function formatUtcDateTime(ms: number): string {
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

/** `2026-12-01T17:00:00.0000000` in UTC to epoch ms; NaN for anything else (other zones are never asked for). */
export function parseGraphInstant(value: { dateTime: string; timeZone?: string | null }): number {
  if (value.timeZone && !utcZones.has(value.timeZone.toLowerCase())) return NaN;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z?$/.exec(value.dateTime);
  if (!m?.[1]) return NaN;
  const fraction = m[2] ? Math.floor(Number(`0${m[2]}`) * 1000) : 0;
  return Date.parse(`${m[1]}Z`) + fraction;
}

const statuses: readonly GraphStatus[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });

const scheduleItemSchema = z.object({
  isPrivate: z.boolean().nullish(),
  // A status Graph adds later reads as unknown rather than failing the whole mailbox.
  status: z.string().nullish().transform((s): GraphStatus => (statuses as readonly string[]).includes(s ?? '') ? (s as GraphStatus) : 'unknown'),
  subject: z.string().nullish(),
  location: z.string().nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
});

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
  scheduleItems: z.array(scheduleItemSchema).nullish(),
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

export class ScheduleResponseError extends Error {
  override name = 'ScheduleResponseError';
}

function toItem(raw: z.infer<typeof scheduleItemSchema>): ScheduleItem {
  const start = parseGraphInstant(raw.start);
  const end = parseGraphInstant(raw.end);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new ScheduleResponseError('schedule item time is not a UTC date-time');
  const item: ScheduleItem = { start, end, status: raw.status, isPrivate: raw.isPrivate ?? false };
  if (raw.subject) item.subject = raw.subject;
  if (raw.location) item.location = raw.location;
  return item;
}

function toSchedule(info: z.infer<typeof scheduleInformationSchema>): MailboxSchedule {
  if (info.error) {
    const { responseCode, message } = info.error;
    if (responseCode === '5009' || /unable to resolve/i.test(message ?? '')) {
      return { ok: false, code: 'ErrorMailRecipientNotFound', message: 'Graph could not resolve the address to a mailbox' };
    }
    return { ok: false, code: 'ErrorFreeBusyGenerationFailed', message: `Graph reported an error for this mailbox (responseCode ${responseCode ?? 'none'})` };
  }
  const result: MailboxSchedule = { ok: true, items: (info.scheduleItems ?? []).map(toItem) };
  if (info.workingHours) result.workingHours = info.workingHours as GraphWorkingHours;
  return result;
}

/**
 * Results keyed by lower-cased scheduleId. Throws ScheduleResponseError for a body that is not the documented
 * shape; its message names the problem, never the body (which holds subjects).
 */
export function parseScheduleResponse(body: string): Map<string, MailboxSchedule> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ScheduleResponseError('getSchedule response is not JSON');
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new ScheduleResponseError(`getSchedule response has an unexpected shape (at ${where || 'top level'})`);
  }
  const out = new Map<string, MailboxSchedule>();
  for (const info of parsed.data.value) out.set(info.scheduleId.toLowerCase(), toSchedule(info));
  return out;
}
