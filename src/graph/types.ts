// Graph's getSchedule wire vocabulary, as far as it differs from (or must be checked against) the domain's port.
import type { FreeBusyStatus, CustomTimeZone, WorkingHours, ZoneOffsetRule } from '../availability/schedule-source.js';

/** Graph's freeBusyStatus values; the type check keeps them the domain's statuses (ScheduleItems stores those). */
export const GRAPH_STATUSES = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const satisfies readonly FreeBusyStatus[];
export type GraphStatus = (typeof GRAPH_STATUSES)[number];

/** Graph's workingHours, customTimeZone and its offsets: the shapes the domain takes as they are. */
export type GraphWorkingHours = WorkingHours;
export type GraphCustomTimeZone = CustomTimeZone;
export type GraphTimeZoneOffset = ZoneOffsetRule;
