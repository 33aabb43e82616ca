// buildFreeBusyView's events from a mailbox's items; workingHoursView remembers its answer for working hours a
// scanner shares (in a memo on the value), and converts other objects afresh.
import { describe, expect, it } from 'vitest';
import { ScheduleItems } from './schedule-source.js';
import { madeFrom, shareWorkingHours, YEARS_MADE_KEPT } from './shared-working-hours.js';
import type { WorkingHours, ScheduleItem } from './schedule-source.js';
import { buildFreeBusyView, workingHoursView, type ViewContext } from './build-view.js';
import { fixedOffsetRules } from './time-zone/index.js';

const hours = (): WorkingHours => ({ daysOfWeek: ['monday', 'friday'], startTime: '08:30:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } });

describe('workingHoursView', () => {
  it('makes the same view for shared and other hours, once per year for shared ones', () => {
    const shared = shareWorkingHours(hours()) as WorkingHours;
    const view = workingHoursView(shared, 2026);
    expect(view).toStrictEqual(workingHoursView(hours(), 2026));
    expect(view?.periods).toEqual([{ days: 'Monday Friday', startMinutes: 510, endMinutes: 1020 }]);
    expect(Object.isFrozen(view)).toBe(true);
    expect(workingHoursView(shared, 2026)).toBe(view);
    expect(workingHoursView(shared, 2027)).not.toBe(view);
    const plain = hours();
    expect(workingHoursView(plain, 2026)).not.toBe(workingHoursView(plain, 2026));
    // Frozen alone is not shared: no memo rides on it.
    const frozen = Object.freeze(hours());
    expect(workingHoursView(frozen, 2026)).not.toBe(workingHoursView(frozen, 2026));
  });

  it('keeps the memo with the shared value: equal hours shared by two scanners have a memo each', () => {
    const a = shareWorkingHours(hours()) as WorkingHours;
    const b = shareWorkingHours(hours()) as WorkingHours;
    expect(a).toStrictEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(hours()));
    expect(workingHoursView(a, 2026)).not.toBe(workingHoursView(b, 2026));
    expect(madeFrom(a)).not.toBe(madeFrom(b));
  });

  it('remembers a bounded number of years per shared value, the year in use kept (a client can name any year)', () => {
    const shared = shareWorkingHours(hours()) as WorkingHours;
    const inUse = workingHoursView(shared, 2026);
    for (let year = 1990; year < 1990 + 3 * YEARS_MADE_KEPT; year++) {
      workingHoursView(shared, year);
      expect(workingHoursView(shared, 2026)).toBe(inUse);
    }
    expect(madeFrom(shared)?.size).toBe(YEARS_MADE_KEPT);
  });

  it('remembers hours it cannot express too, as such', () => {
    const shared = shareWorkingHours({ ...hours(), daysOfWeek: [] }) as WorkingHours;
    expect(workingHoursView(shared, 2026)).toBeUndefined();
    expect(workingHoursView(shared, 2026)).toBeUndefined();
    expect(madeFrom(shared)?.get(2026)).toBe(false);
  });
});

describe('buildFreeBusyView', () => {
  const H = 3_600_000;
  const t0 = Date.UTC(2026, 11, 1);
  const ctx: ViewContext = { startUtc: t0, endUtc: t0 + 24 * H, intervalMinutes: 60, requested: 'DetailedMerged', disclosure: 'details', workingElsewhere: true, zone: fixedOffsetRules(-8 * 60) };
  const at = (h: number, length: number, status: ScheduleItem['status'], subject?: string): ScheduleItem => ({ start: t0 + h * H, end: t0 + (h + length) * H, status, isPrivate: false, ...(subject ? { subject } : {}) });

  it('lists the events in the window by start, then end, in local time, without free ones', () => {
    const items = ScheduleItems.of([at(15, 1, 'busy', 'third'), at(9, 2, 'tentative', 'second'), at(9, 1, 'oof', 'first'), at(11, 1, 'free', 'free'), at(-3, 1, 'busy', 'before'), at(30, 1, 'busy', 'after')]);
    const view = buildFreeBusyView(items, undefined, ctx);
    expect(view.events?.map((e) => [e.details?.subject, e.busyType, (e.startLocal - t0) / H, (e.endLocal - t0) / H])).toEqual([
      ['first', 'OOF', 1, 2],
      ['second', 'Tentative', 1, 3],
      ['third', 'Busy', 7, 8],
    ]);
    // UTC hours from the window's start: OOF outranks the tentative hour it overlaps.
    expect(view.merged).toBe('000000000310000200000000');
  });
});
