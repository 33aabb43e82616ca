// What the fake Graph knows about a tenant (apps, mailboxes, events) and how it answers one getSchedule entry.
import type { GraphStatus, GraphWorkingHours } from '../graph/schedule-wire.js';

export interface FakeRecurrence {
  /** Occurrences repeat at the same UTC time of day (enough for a demo; real series follow a local zone). */
  frequency: 'daily' | 'weekly';
  interval?: number;
  count: number;
}

export interface FakeEvent {
  start: Date | number;
  end: Date | number;
  status: GraphStatus;
  subject?: string;
  location?: string;
  isPrivate?: boolean;
  recurrence?: FakeRecurrence;
}

export interface FakeMailbox {
  events: FakeEvent[];
  workingHours: GraphWorkingHours;
  /** When set, getSchedule answers this per-schedule error for the mailbox instead of its calendar. */
  error?: { responseCode: string; message: string };
}

export interface FakeApp {
  clientId: string;
  clientSecret?: string;
  /** PEM certificates registered on the app; client assertions must be signed by one of them. */
  certificates?: string[];
  /**
   * Application permissions granted (with admin consent). Unset: everything getSchedule needs. Set: getSchedule
   * answers 403 ErrorAccessDenied unless it holds Calendars.ReadBasic.All or Calendars.Read, as Graph does.
   */
  permissions?: string[];
}

/** Application permissions that let an app call getSchedule for any mailbox. */
const SCHEDULE_PERMISSIONS = ['Calendars.ReadBasic.All', 'Calendars.Read'] as const;

export function mayReadSchedules(app: FakeApp | undefined): boolean {
  return !app?.permissions || app.permissions.some((p) => (SCHEDULE_PERMISSIONS as readonly string[]).includes(p));
}

export interface FakeTenant {
  tenantId: string;
  apps: FakeApp[];
  /** Keyed by SMTP address; looked up case-insensitively. */
  mailboxes: Record<string, FakeMailbox>;
}

/** One entry of getSchedule's `value` array, as Graph serialises it. */
export type FakeScheduleInformation = Record<string, unknown> & { scheduleId: string };

const dayMs = 86_400_000;

interface Occurrence {
  start: number;
  end: number;
  event: FakeEvent;
  recurring: boolean;
}

function expandOccurrences(event: FakeEvent): Occurrence[] {
  const start = +event.start;
  const end = +event.end;
  const rule = event.recurrence;
  if (!rule) return [{ start, end, event, recurring: false }];
  const step = (rule.frequency === 'daily' ? dayMs : 7 * dayMs) * (rule.interval ?? 1);
  return Array.from({ length: rule.count }, (_, i) => ({ start: start + i * step, end: end + i * step, event, recurring: true }));
}

/** Graph writes instants as local date-times with seven fractional digits and names the zone separately. */
function formatGraphDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.0000000`;
}

// Digits as Graph's own docs define them; the relay does not trust them, but a fake should still send them.
const viewDigit: Record<GraphStatus, number> = { free: 0, tentative: 1, busy: 2, oof: 3, workingElsewhere: 4, unknown: 0 };
const precedence: Record<GraphStatus, number> = { free: 0, unknown: 0, workingElsewhere: 1, tentative: 2, busy: 3, oof: 4 };

function availabilityView(occurrences: Occurrence[], startMs: number, endMs: number, intervalMin: number): string {
  const slotMs = intervalMin * 60_000;
  const slots = Math.ceil((endMs - startMs) / slotMs);
  let view = '';
  for (let i = 0; i < slots; i++) {
    const from = startMs + i * slotMs;
    const to = Math.min(from + slotMs, endMs);
    let best: GraphStatus = 'free';
    for (const o of occurrences) {
      if (o.start < to && o.end > from && precedence[o.event.status] > precedence[best]) best = o.event.status;
    }
    view += String(viewDigit[best]);
  }
  return view;
}

/** The scheduleInformation Graph returns for one mailbox over [startMs, endMs). */
export function scheduleInformation(
  scheduleId: string,
  mailbox: FakeMailbox,
  startMs: number,
  endMs: number,
  intervalMin: number,
): FakeScheduleInformation {
  if (mailbox.error) return { scheduleId, error: { ...mailbox.error } };
  // Items overlapping the window come back whole, not clipped to it.
  const occurrences = mailbox.events
    .flatMap(expandOccurrences)
    .filter((o) => o.start < endMs && o.end > startMs)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const scheduleItems = occurrences.map((o) => {
    const isPrivate = o.event.isPrivate ?? false;
    const item: Record<string, unknown> = {
      isPrivate,
      status: o.event.status,
      isMeeting: false,
      isRecurring: o.recurring,
      isException: false,
      isReminderSet: false,
    };
    // A private item keeps its times and status but not what it is about.
    if (!isPrivate) {
      item.subject = o.event.subject ?? '';
      item.location = o.event.location ?? '';
    }
    item.start = { dateTime: formatGraphDateTime(o.start), timeZone: 'UTC' };
    item.end = { dateTime: formatGraphDateTime(o.end), timeZone: 'UTC' };
    return item;
  });
  return {
    scheduleId,
    availabilityView: availabilityView(occurrences, startMs, endMs, intervalMin),
    scheduleItems,
    workingHours: structuredClone(mailbox.workingHours),
  };
}

export function unresolvedSchedule(scheduleId: string): FakeScheduleInformation {
  return {
    scheduleId,
    error: {
      message: `Unable to resolve e-mail address ${scheduleId} to an Active Directory object.`,
      responseCode: '5009',
    },
  };
}

/** Finds a mailbox by address regardless of case; returns its canonical (stored) address too. */
export function findMailbox(tenant: FakeTenant, address: string): { address: string; mailbox: FakeMailbox } | undefined {
  const wanted = address.toLowerCase();
  for (const [key, mailbox] of Object.entries(tenant.mailboxes)) {
    if (key.toLowerCase() === wanted) return { address: key, mailbox };
  }
  return undefined;
}
