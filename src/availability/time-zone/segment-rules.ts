// Turns "offset changes per UTC year" into ZoneRules, with the gap/overlap conventions of types.ts.
import { DAY_MS, MINUTE_MS, utcYearOf } from './calendar-math.js';
import { BoundedMap } from '../../bounded-map.js';
import type { ZoneRules } from './types.js';

/**
 * The offset history of one UTC calendar year: `offsets[0]` is in force at the year's first instant and
 * `offsets[i + 1]` from `changes[i]` on. Offsets are in milliseconds (local = utc + offset).
 */
export interface YearSegments {
  readonly changes: readonly number[];
  readonly offsets: readonly number[];
}

/** Computes a year's segments; called at most once per year per rules object (results are memoised). */
export type SegmentSource = (utcYear: number) => YearSegments;

// A client can name any year; bound the memo so a scan over centuries cannot grow it without limit.
export const MAX_MEMO_YEARS = 256;

/** A ZoneRules whose every answer comes from per-year offset segments. */
export function rulesFromSegments(source: SegmentSource): ZoneRules {
  // Owned by these rules: it lives as long as they do.
  const memo = new BoundedMap<number, YearSegments>(MAX_MEMO_YEARS);
  const yearSegments = (year: number): YearSegments => memo.getOrSet(year, source);

  const offsetMsAt = (utcMs: number): number => {
    const { changes, offsets } = yearSegments(utcYearOf(utcMs));
    let i = 0;
    while (i < changes.length && changes[i]! <= utcMs) i++;
    return offsets[i]!;
  };

  // The changes within a day of `localMs` (offsets stay under a day, so every candidate instant lies
  // in that window); they may span a year boundary.
  const around = (localMs: number): YearSegments => {
    const y0 = utcYearOf(localMs - DAY_MS);
    const y1 = utcYearOf(localMs + DAY_MS);
    const first = yearSegments(y0);
    if (y0 === y1) return first;
    const changes = [...first.changes];
    const offsets = [...first.offsets];
    for (let y = y0 + 1; y <= y1; y++) {
      const next = yearSegments(y);
      // The year boundary itself is not a change unless the offset differs there.
      if (next.offsets[0] !== offsets[offsets.length - 1]) {
        changes.push(Date.UTC(y, 0, 1));
        offsets.push(next.offsets[0]!);
      }
      changes.push(...next.changes);
      offsets.push(...next.offsets.slice(1));
    }
    return { changes, offsets };
  };

  const toUtc = (localMs: number): number => {
    const { changes, offsets } = around(localMs);
    // Segment i covers instants [changes[i-1], changes[i]); the first segment whose local span holds
    // localMs is also the earliest instant, which is the 'compatible' answer in an overlap.
    for (let i = 0; i < offsets.length; i++) {
      const u = localMs - offsets[i]!;
      const from = i === 0 ? -Infinity : changes[i - 1]!;
      const to = i === changes.length ? Infinity : changes[i]!;
      if (u >= from && u < to) return u;
    }
    // No segment holds it: a gap. Read it with the offset in force before the gap.
    for (let i = 0; i < changes.length; i++) {
      const at = changes[i]!;
      if (localMs >= at + offsets[i]! && localMs < at + offsets[i + 1]!) return localMs - offsets[i]!;
    }
    return localMs - offsets[0]!;
  };

  return {
    offsetAt: (utcMs) => offsetMsAt(utcMs) / MINUTE_MS + 0, // + 0: never answer -0
    toLocal: (utcMs) => utcMs + offsetMsAt(utcMs),
    toUtc,
  };
}
