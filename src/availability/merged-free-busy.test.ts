import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScheduleItems } from './schedule-source.js';
import type { FreeBusyStatus, ScheduleItem } from './schedule-source.js';
import { mergedFreeBusy, slotCount, STATUS_DIGIT } from './build-view.js';

const H = 3_600_000;
const item = (start: number, end: number, status: FreeBusyStatus): ScheduleItem => ({ start, end, status, isPrivate: false });

/** Brute force: for each slot, the highest digit of any item that overlaps it. */
function reference(items: ScheduleItem[], start: number, end: number, interval: number): string {
  const step = interval * 60_000;
  let out = '';
  for (let s = start; s < end; s += step) {
    const e = Math.min(s + step, end);
    let d = 0;
    for (const it of items) if (it.start < e && it.end > s) d = Math.max(d, STATUS_DIGIT[it.status]);
    out += d;
  }
  return out;
}

describe('mergedFreeBusy', () => {
  it('takes the highest status per slot and returns whole digits from the window start', () => {
    const t0 = Date.UTC(2026, 11, 1, 8);
    const items = [item(t0 + H, t0 + 2 * H, 'tentative'), item(t0 + 1.5 * H, t0 + 2.5 * H, 'busy'), item(t0 + 3 * H, t0 + 3.25 * H, 'oof')];
    expect(mergedFreeBusy(ScheduleItems.of(items), t0, t0 + 4 * H, 30)).toBe('00122030');
  });

  it('counts the real span: a 25-hour DST day has 25 hourly digits', () => {
    const start = Date.UTC(2026, 10, 1, 7); // 2026-11-01T00:00 Pacific (PDT)
    const end = Date.UTC(2026, 10, 2, 8); // 2026-11-02T00:00 Pacific (PST)
    expect(slotCount(start, end, 60)).toBe(25);
    expect(mergedFreeBusy(ScheduleItems.EMPTY, start, end, 60)).toHaveLength(25);
  });

  it('rounds a partial last slot up and treats working elsewhere as free', () => {
    const t0 = 0;
    expect(mergedFreeBusy(ScheduleItems.of([item(0, 70 * 60_000, 'workingElsewhere')]), t0, 70 * 60_000, 30)).toBe('000');
    expect(mergedFreeBusy(ScheduleItems.of([item(65 * 60_000, 70 * 60_000, 'busy')]), t0, 70 * 60_000, 30)).toBe('002');
  });

  it('agrees with a brute-force reference', () => {
    const statuses: FreeBusyStatus[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 240 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.array(fc.tuple(fc.integer({ min: -600, max: 5000 }), fc.integer({ min: 1, max: 900 }), fc.constantFrom(...statuses)), { maxLength: 30 }),
        (interval, spanMinutes, raw) => {
          const start = Date.UTC(2026, 0, 1);
          const end = start + spanMinutes * 60_000;
          const items = raw.map(([s, len, st]) => item(start + s * 60_000, start + (s + len) * 60_000, st));
          expect(mergedFreeBusy(ScheduleItems.of(items), start, end, interval)).toBe(reference(items, start, end, interval));
        },
      ),
      { seed: 20261128, numRuns: 400 },
    );
  });
});
