// formatLocal is integer arithmetic for speed; it must write exactly what toISOString would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocal } from './write-availability-response.js';

describe('formatLocal', () => {
  it('matches toISOString (to the second) for every instant of years 1-9999', () => {
    const min = -62_135_596_800_000; // 0001-01-01T00:00:00Z
    const max = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => {
        expect(formatLocal(ms)).toBe(new Date(ms).toISOString().slice(0, 19));
      }),
      { seed: 7, numRuns: 20_000 },
    );
    expect(formatLocal(Date.UTC(2028, 1, 29, 23, 59, 59, 999))).toBe('2028-02-29T23:59:59');
  });
});
