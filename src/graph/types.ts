// The port between the availability domain and Microsoft Graph, plus Graph's getSchedule wire shapes.
import type { TimeBudget } from '../clock.js';
import type { ScheduleItems } from './schedule-items.js';

/** Graph freeBusyStatus values as they appear in scheduleItem.status (the order is ScheduleItems' status codes). */
export const GRAPH_STATUSES = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const;
export type GraphStatus = (typeof GRAPH_STATUSES)[number];

/** A schedule item normalised to UTC instants (epoch ms). Held in columns by ScheduleItems; this is one made whole. */
export interface ScheduleItem {
  start: number;
  end: number;
  status: GraphStatus;
  isPrivate: boolean;
  subject?: string;
  location?: string;
}

/** Graph dateTimeTimeZone. */
export interface GraphDateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** Graph standardTimeZoneOffset / daylightTimeZoneOffset. */
export interface GraphTimeZoneOffset {
  time: string;
  dayOccurrence: number;
  dayOfWeek: string;
  month: number;
  year: number;
  daylightBias?: number;
}

/** Graph customTimeZone (workingHours.timeZone when the mailbox has a custom zone). */
export interface GraphCustomTimeZone {
  '@odata.type'?: string;
  name?: string;
  bias: number;
  standardOffset?: GraphTimeZoneOffset;
  daylightOffset?: GraphTimeZoneOffset;
}

/** Graph workingHours as returned by getSchedule. */
export interface GraphWorkingHours {
  daysOfWeek: string[];
  startTime: string;
  endTime: string;
  timeZone: { name: string } | GraphCustomTimeZone;
}

/** Per-mailbox error codes the relay reports (EWS ResponseCode names). */
export type MailboxErrorCode =
  | 'ErrorMailRecipientNotFound'
  | 'ErrorFreeBusyGenerationFailed'
  | 'ErrorTimeoutExpired'
  | 'ErrorProxyRequestNotAllowed'
  | 'ErrorNoFreeBusyAccess';

export type MailboxSchedule =
  | { ok: true; items: ScheduleItems; workingHours?: GraphWorkingHours }
  | { ok: false; code: MailboxErrorCode; message: string };

export interface ScheduleQuery {
  /** Which configured tenant serves these mailboxes. */
  tenant: string;
  /** Addresses as the client sent them (case preserved); results come back in this order. */
  mailboxes: string[];
  /** Window as UTC instants (epoch ms); may exceed Graph's per-call limit (the source splits it). */
  startUtc: number;
  endUtc: number;
  /** Mailbox to put in the URL; when absent the source picks an attendee of each chunk. */
  lookupMailbox?: string;
  /** More mailboxes for the URL: calls spread over these (and lookupMailbox), least busy first. */
  lookupMailboxes?: string[];
  /** False when the domain discloses free/busy only: subjects and locations need not be kept (the cache drops them). */
  withDetails?: boolean;
  /** What is left of the lookup's time: no Graph call starts once it is spent, and no wait outlasts it. */
  budget: TimeBudget;
  /** Correlation id, sent to Graph as client-request-id. */
  requestId: string;
  signal?: AbortSignal;
}

export interface ScheduleSource {
  /** One result per query mailbox, in query order. Never rejects for per-mailbox failures. */
  getSchedules(query: ScheduleQuery): Promise<MailboxSchedule[]>;
}
