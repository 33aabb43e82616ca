// Maps one mailbox's Graph schedule onto the EWS FreeBusyView the client asked for (pure data, no XML): what each
// view contains, how disclosure downgrades detailed views, and the MergedFreeBusy digits.
import type { FreeBusyStatus, ScheduleItems, WorkingHours } from './schedule-source.js';
import { madeFrom } from './shared-working-hours.js';
import { serializableForGraphZone } from './time-zone/index.js';
import type { SerializableTimeZone, ZoneRules } from './time-zone/types.js';

// EWS free/busy views.
export type RequestedView = 'MergedOnly' | 'FreeBusy' | 'FreeBusyMerged' | 'Detailed' | 'DetailedMerged';
export type Disclosure = 'freeBusy' | 'details';

export interface ViewShape {
  merged: boolean;
  events: boolean;
  details: boolean;
  workingHours: boolean;
}

const SHAPES: Record<RequestedView, ViewShape> = {
  MergedOnly: { merged: true, events: false, details: false, workingHours: false },
  FreeBusy: { merged: false, events: true, details: false, workingHours: true },
  FreeBusyMerged: { merged: true, events: true, details: false, workingHours: true },
  Detailed: { merged: false, events: true, details: true, workingHours: true },
  DetailedMerged: { merged: true, events: true, details: true, workingHours: true },
};

function viewShape(view: RequestedView): ViewShape {
  return SHAPES[view];
}

/** The view actually answered: Detailed views fall back to their free/busy twin when details are not allowed. */
function effectiveView(requested: RequestedView, disclosure: Disclosure): RequestedView {
  if (disclosure === 'details') return requested;
  if (requested === 'Detailed') return 'FreeBusy';
  if (requested === 'DetailedMerged') return 'FreeBusyMerged';
  return requested;
}

// MergedFreeBusy: one digit per interval over the real (UTC) span, the highest status in each slot.
/** Digit per Graph status. WorkingElsewhere counts as free (Exchange Online does the same); unknown as busy. */
export const STATUS_DIGIT: Record<FreeBusyStatus, number> = {
  free: 0,
  workingElsewhere: 0,
  tentative: 1,
  busy: 2,
  unknown: 2,
  oof: 3,
};

/** Number of digits for a window: ceil(span / interval), counted in real elapsed time. */
export function slotCount(startUtc: number, endUtc: number, intervalMinutes: number): number {
  return Math.max(0, Math.ceil((endUtc - startUtc) / (intervalMinutes * 60_000)));
}

// The digits are kept as ASCII codes and decoded once: appending 3,000 digits per mailbox one by one made a rope
// of as many pieces, which a 100-mailbox answer paid for in garbage collection and flattening.
const ZERO = 48;
const ascii = new TextDecoder();

export function mergedFreeBusy(items: ScheduleItems, startUtc: number, endUtc: number, intervalMinutes: number): string {
  const step = intervalMinutes * 60_000;
  const n = slotCount(startUtc, endUtc, intervalMinutes);
  const slots = new Uint8Array(n).fill(ZERO);
  for (let j = 0; j < items.length; j++) {
    const digit = STATUS_DIGIT[items.status(j)];
    if (digit === 0) continue;
    const code = ZERO + digit;
    const s = Math.max(items.start(j), startUtc);
    const e = Math.min(items.end(j), endUtc);
    if (e <= s) continue;
    const first = Math.floor((s - startUtc) / step);
    const last = Math.min(n - 1, Math.ceil((e - startUtc) / step) - 1);
    for (let i = first; i <= last; i++) if (slots[i]! < code) slots[i] = code;
  }
  return ascii.decode(slots);
}

export type BusyType = 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere' | 'NoData';

export interface EventDetails {
  subject?: string;
  location?: string;
  isPrivate: boolean;
}

export interface CalendarEventView {
  /** Naive local wall-clock times in the request's zone (localMs). */
  startLocal: number;
  endLocal: number;
  busyType: BusyType;
  details?: EventDetails;
}

export interface WorkingPeriodView {
  days: string;
  startMinutes: number;
  endMinutes: number;
}

export interface FreeBusyViewModel {
  viewType: RequestedView;
  merged?: string;
  events?: CalendarEventView[];
  workingHours?: { timeZone: SerializableTimeZone; periods: WorkingPeriodView[] };
}

export interface ViewContext {
  startUtc: number;
  endUtc: number;
  intervalMinutes: number;
  requested: RequestedView;
  disclosure: Disclosure;
  /** Whether the client's schema has BusyType WorkingElsewhere (Exchange2013+). */
  workingElsewhere: boolean;
  zone: ZoneRules;
}

function busyTypeOf(status: FreeBusyStatus, workingElsewhere: boolean): BusyType {
  switch (status) {
    case 'free':
      return 'Free';
    case 'tentative':
      return 'Tentative';
    case 'busy':
    case 'unknown': // an item of unknown status still occupies the time; showing it free would invite double booking
      return 'Busy';
    case 'oof':
      return 'OOF';
    case 'workingElsewhere':
      return workingElsewhere ? 'WorkingElsewhere' : 'Free';
  }
}

/** Every private event's details (nothing but the flag), shared rather than one object per event. */
const PRIVATE: EventDetails = Object.freeze({ isPrivate: true });

export function buildFreeBusyView(
  items: ScheduleItems,
  workingHours: WorkingHours | undefined,
  ctx: ViewContext,
): FreeBusyViewModel {
  const viewType = effectiveView(ctx.requested, ctx.disclosure);
  const shape = viewShape(viewType);
  const model: FreeBusyViewModel = { viewType };
  if (shape.merged) model.merged = mergedFreeBusy(items, ctx.startUtc, ctx.endUtc, ctx.intervalMinutes);
  if (shape.events) {
    const events: CalendarEventView[] = [];
    // By start, then end; Graph's come in that order already, and are then used as they are.
    const ordered = items.sorted();
    for (let i = 0; i < ordered.length; i++) {
      const start = ordered.start(i);
      const end = ordered.end(i);
      if (end <= ctx.startUtc || start >= ctx.endUtc) continue;
      const busyType = busyTypeOf(ordered.status(i), ctx.workingElsewhere);
      if (busyType === 'Free') continue;
      const ev: CalendarEventView = { startLocal: ctx.zone.toLocal(start), endLocal: ctx.zone.toLocal(end), busyType };
      if (shape.details) {
        ev.details = ordered.isPrivate(i) ? PRIVATE : { isPrivate: false, subject: ordered.subject(i) ?? '', location: ordered.location(i) ?? '' };
      }
      events.push(ev);
    }
    model.events = events;
  }
  if (shape.workingHours && workingHours) {
    const wh = workingHoursView(workingHours, new Date(ctx.startUtc).getUTCFullYear());
    if (wh) model.workingHours = wh;
  }
  return model;
}

const DAY = /^(sunday|monday|tuesday|wednesday|thursday|friday|saturday)$/i;

function minutesOf(time: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})/.exec(time);
  if (!m) return undefined;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v <= 1440 ? v : undefined;
}

type WorkingHoursView = NonNullable<FreeBusyViewModel['workingHours']>;

/**
 * Graph working hours as EWS WorkingHours; undefined when Graph's data cannot be expressed faithfully. Hours a
 * scanner shares between answers (shared-working-hours.ts) carry a memo of their views by year, frozen: it
 * belongs to that value, so it lives as long as the value does and is never shared between scanners.
 */
export function workingHoursView(wh: WorkingHours, year: number): FreeBusyViewModel['workingHours'] {
  const views = madeFrom<WorkingHoursView | false>(wh);
  if (!views) return makeWorkingHoursView(wh, year);
  let view = views.get(year);
  if (view === undefined) {
    const made = makeWorkingHoursView(wh, year);
    view = made ? Object.freeze(made) : false;
    views.set(year, view);
  }
  return view || undefined;
}

function makeWorkingHoursView(wh: WorkingHours, year: number): FreeBusyViewModel['workingHours'] {
  const days = wh.daysOfWeek.filter((d) => DAY.test(d)).map((d) => d[0]!.toUpperCase() + d.slice(1).toLowerCase());
  const start = minutesOf(wh.startTime);
  const end = minutesOf(wh.endTime);
  const timeZone = serializableForGraphZone(wh.timeZone, year);
  if (days.length === 0 || start === undefined || end === undefined || !timeZone) return undefined;
  return { timeZone, periods: [{ days: days.join(' '), startMinutes: start, endMinutes: end === 0 ? 1440 : end }] };
}
