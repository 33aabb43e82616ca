// The port: what the availability domain needs from a schedule source, in the domain's own terms.
//
// graph/ implements it over Microsoft Graph's getSchedule, cache/ decorates any implementation, tests use an
// in-memory one; every implementation passes test/schedule-source-contract.test.ts. Failures are kinds, not
// protocol codes: the EWS layer turns them into ResponseCodes (src/errors/catalog.ts), in one place.
import type { TimeBudget } from '../clock.js';
import type { ScheduleItems } from './schedule-items.js';

export { FREE_BUSY_STATUSES, isFreeBusyStatus, ScheduleItems, ScheduleItemsBuilder, type FreeBusyStatus, type ScheduleItem } from './schedule-items.js';

/** A transition rule of a custom working-hours zone (Graph's standardTimeZoneOffset / daylightTimeZoneOffset). */
export interface ZoneOffsetRule {
  time: string;
  dayOccurrence: number;
  dayOfWeek: string;
  month: number;
  year: number;
  daylightBias?: number;
}

/** A working-hours zone given by its rules rather than a name (Graph's customTimeZone). */
export interface CustomTimeZone {
  '@odata.type'?: string;
  name?: string;
  bias: number;
  standardOffset?: ZoneOffsetRule;
  daylightOffset?: ZoneOffsetRule;
}

/** A mailbox's working hours: the shape Graph's getSchedule answers with, taken as the domain's own. */
export interface WorkingHours {
  daysOfWeek: string[];
  startTime: string;
  endTime: string;
  timeZone: { name: string } | CustomTimeZone;
}

/**
 * Why a source could not give one mailbox's schedule:
 * - `not-found`: no such mailbox;
 * - `timeout`: the lookup's budget ran out first;
 * - `upstream`: the source's backend failed or answered something unusable;
 * - `breaker-open`: the backend failed repeatedly, so it is not asked during a cool-down;
 * - `not-served`: the source does not serve this mailbox's tenant.
 */
export const SOURCE_FAILURES = ['not-found', 'timeout', 'upstream', 'breaker-open', 'not-served'] as const;
export type SourceFailure = (typeof SOURCE_FAILURES)[number];

export type MailboxSchedule =
  | { ok: true; items: ScheduleItems; workingHours?: WorkingHours }
  /** `detail`: the source's own words on what happened; never secrets, addresses' data or a backend's text. */
  | { ok: false; failure: SourceFailure; detail: string };

export interface ScheduleQuery {
  /** Which configured tenant serves these mailboxes. */
  tenant: string;
  /** Addresses as the client sent them (case preserved); results come back in this order. */
  mailboxes: string[];
  /** Window as UTC instants (epoch ms); may exceed a backend's per-call limit (the source splits it). */
  startUtc: number;
  endUtc: number;
  /** Mailbox to ask through; when absent the source picks an attendee of each chunk. */
  lookupMailbox?: string;
  /** More mailboxes to ask through: calls spread over these (and lookupMailbox), least busy first. */
  lookupMailboxes?: string[];
  /** False when the domain discloses free/busy only: subjects and locations need not be kept (the cache drops them). */
  withDetails?: boolean;
  /** What is left of the lookup's time: no call starts once it is spent, and no wait outlasts it. */
  budget: TimeBudget;
  /** Correlation id, sent to Graph as client-request-id. */
  requestId: string;
  signal?: AbortSignal;
}

export interface ScheduleSource {
  /** One result per query mailbox, in query order. Never rejects for per-mailbox failures. */
  getSchedules(query: ScheduleQuery): Promise<MailboxSchedule[]>;
}

/** A failure result for one mailbox. */
export const failure = (kind: SourceFailure, detail: string): MailboxSchedule & { ok: false } => ({ ok: false, failure: kind, detail });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAbsent = (v: unknown) => v === undefined || v === null;
const isRule = (v: unknown) =>
  isAbsent(v) ||
  (isObject(v) && typeof v.time === 'string' && typeof v.dayOccurrence === 'number' && typeof v.dayOfWeek === 'string' && typeof v.month === 'number' && typeof v.year === 'number');

/** Whether `v` is WorkingHours (or absent): checks Graph's answers and the cache's stored values alike. */
export function isWorkingHours(v: unknown): v is WorkingHours | undefined | null {
  if (isAbsent(v)) return true;
  if (!isObject(v) || !Array.isArray(v.daysOfWeek) || !v.daysOfWeek.every((d) => typeof d === 'string')) return false;
  if (typeof v.startTime !== 'string' || typeof v.endTime !== 'string' || !isObject(v.timeZone)) return false;
  const tz = v.timeZone;
  if (typeof tz.bias === 'number' && isRule(tz.standardOffset) && isRule(tz.daylightOffset)) return true;
  return typeof tz.name === 'string';
}
