// workingHoursView remembers its answer for frozen (shared) working hours; other objects are converted afresh.
import { describe, expect, it } from 'vitest';
import type { GraphWorkingHours } from '../graph/types.js';
import { workingHoursView } from './build-view.js';

const hours = (): GraphWorkingHours => ({ daysOfWeek: ['monday', 'friday'], startTime: '08:30:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'Pacific Standard Time' } });

describe('workingHoursView', () => {
  it('makes the same view for frozen and unfrozen hours, once per year for frozen ones', () => {
    const frozen = Object.freeze(hours());
    const view = workingHoursView(frozen, 2026);
    expect(view).toStrictEqual(workingHoursView(hours(), 2026));
    expect(view?.periods).toEqual([{ days: 'Monday Friday', startMinutes: 510, endMinutes: 1020 }]);
    expect(workingHoursView(frozen, 2026)).toBe(view);
    expect(workingHoursView(frozen, 2027)).not.toBe(view);
    const plain = hours();
    expect(workingHoursView(plain, 2026)).not.toBe(workingHoursView(plain, 2026));
  });
});
