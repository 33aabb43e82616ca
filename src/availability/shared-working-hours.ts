// Working hours shared between getSchedule answers, and what is made from them: a ScheduleScanner hands out one
// frozen value for each distinct workingHours it reads (an organisation's mailboxes share a handful), and each
// such value carries its own memo of what later steps make from it (the EWS view of it, per year).
//
// The memo rides on the value, under a symbol and not enumerable, so it lives exactly as long as the value (held
// by the scanner's bounded memo and by the answers that use it) and belongs to the scanner that made the value:
// two scanners never share one. Equality checks, JSON and copies do not see it.
import { BoundedMap } from '../bounded-map.js';

/** Years whose products are remembered per shared value: a request's year, which a client can choose. */
export const YEARS_MADE_KEPT = 8;

const MADE = Symbol('made from these shared working hours');

/** The value, deep-frozen, with a memo of its own for what is made from it (see madeFrom). */
export function shareWorkingHours(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.defineProperty(value, MADE, { value: new BoundedMap<number, NonNullable<unknown>>(YEARS_MADE_KEPT) });
  }
  return deepFreeze(value);
}

/** The per-year memo of working hours shared by a scanner; undefined for any other value. */
export function madeFrom<V extends NonNullable<unknown>>(value: object): BoundedMap<number, V> | undefined {
  return (value as { [MADE]?: BoundedMap<number, V> })[MADE];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
