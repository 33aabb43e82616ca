// Tests for serializableFromIana: known zones, and that its rules reproduce the IANA zone across zones and years.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ianaYearSegments, rulesFromIana } from './iana-rules.js';
import { serializableFromIana, serializableFromWindowsId } from './serializable-from-iana.js';
import { rulesFromSerializable } from './serializable-rules.js';
import { SAMPLE_ZONES } from './test-support.js';
import type { SerializableTimeZone, TimeChange } from './types.js';

const change = (month: number, dayOrder: number, time: string, bias: number): TimeChange => ({ bias, time, dayOrder, month, dayOfWeek: 'Sunday' });
const fixed = (bias: number): SerializableTimeZone => ({ bias, standardTime: change(0, 0, '00:00:00', 0), daylightTime: change(0, 0, '00:00:00', 0) });

describe('serializableFromIana', () => {
  it('gives the Windows rules of well-known zones', () => {
    expect(serializableFromIana('America/Los_Angeles', 2026)).toEqual({ bias: 480, standardTime: change(11, 1, '02:00:00', 0), daylightTime: change(3, 2, '02:00:00', -60) });
    expect(serializableFromIana('Europe/Berlin', 2026)).toEqual({ bias: -60, standardTime: change(10, 5, '03:00:00', 0), daylightTime: change(3, 5, '02:00:00', -60) });
    // Southern hemisphere: DST starts in October and ends in April.
    expect(serializableFromIana('Australia/Sydney', 2026)).toEqual({ bias: -600, standardTime: change(4, 1, '03:00:00', 0), daylightTime: change(10, 1, '02:00:00', -60) });
    expect(serializableFromIana('Australia/Lord_Howe', 2026)).toEqual({ bias: -630, standardTime: change(4, 1, '02:00:00', 0), daylightTime: change(10, 1, '02:00:00', -30) });
    // Brazil still had DST in 2018 (ended third Sunday of February, started first Sunday of November).
    expect(serializableFromIana('America/Sao_Paulo', 2018)).toEqual({ bias: 180, standardTime: change(2, 3, '00:00:00', 0), daylightTime: change(11, 1, '00:00:00', -60) });
  });
  it('gives months 0 and equal biases for zones without DST', () => {
    expect(serializableFromIana('Asia/Kolkata', 2026)).toEqual(fixed(-330));
    expect(serializableFromIana('Asia/Katmandu', 2026)).toEqual(fixed(-345));
    expect(serializableFromIana('Etc/UTC', 2026)).toEqual(fixed(0));
    expect(serializableFromIana('America/Sao_Paulo', 2026)).toEqual(fixed(180));
  });
  it('describes a year in which DST was abolished by the rules in force at its end', () => {
    // Brazil's last DST period ended on 2019-02-17 and none started: one change only.
    expect(ianaYearSegments('America/Sao_Paulo', 2019).changes).toHaveLength(1);
    expect(serializableFromIana('America/Sao_Paulo', 2019)).toEqual(fixed(180));
  });
  it('writes Ramadan-time Morocco as a zone whose DST is in force outside [end, start)', () => {
    const tz = serializableFromIana('Africa/Casablanca', 2026);
    expect(tz.bias).toBe(0);
    expect(tz.daylightTime.bias).toBe(-60);
    expect(tz.standardTime.month).toBeLessThan(tz.daylightTime.month);
  });
  it('maps Windows ids too, and answers undefined for unknown ones', () => {
    expect(serializableFromWindowsId('Pacific Standard Time', 2026)).toEqual(serializableFromIana('America/Los_Angeles', 2026));
    expect(serializableFromWindowsId('Nowhere Standard Time', 2026)).toBeUndefined();
  });
});

/**
 * A year whose offsets one rule pair can describe: no change, or two changes that come back to the
 * starting offset. Other years (a zone changing its standard offset, starting or abolishing DST, or
 * interrupting it) are documented to come out as a fixed offset, so they legitimately disagree.
 */
function describable(zone: string, year: number): boolean {
  const { changes, offsets } = ianaYearSegments(zone, year);
  return changes.length === 0 || (changes.length === 2 && offsets[2] === offsets[0]);
}

describe('rulesFromSerializable(serializableFromIana(zone, year)) reproduces rulesFromIana(zone) during the year', () => {
  const zoneYear = fc.tuple(fc.constantFrom(...SAMPLE_ZONES), fc.integer({ min: 2000, max: 2037 }));
  const MIN = 60_000;

  it('keeps the filter honest: almost every zone-year is describable', () => {
    const all = SAMPLE_ZONES.flatMap((z) => [2000, 2010, 2020, 2030].map((y) => describable(z, y)));
    expect(all.filter(Boolean).length / all.length).toBeGreaterThan(0.9);
  });

  it('agrees on offsets, local times and UTC instants (gaps and overlaps included)', () => {
    fc.assert(
      fc.property(zoneYear.filter(([z, y]) => describable(z, y)), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -180, max: 180 }), ([zone, year], frac, nudge) => {
        const iana = rulesFromIana(zone);
        const derived = rulesFromSerializable(serializableFromIana(zone, year));
        const start = Date.UTC(year, 0, 1);
        const end = Date.UTC(year + 1, 0, 1);
        const { changes } = ianaYearSegments(zone, year);
        // Half the instants sit within three hours of a change; the rest anywhere in the year.
        const near = changes.length > 0 && nudge % 2 === 0;
        const t = near ? changes[Math.abs(nudge) % changes.length]! + nudge * MIN : start + Math.floor(frac * (end - start));
        expect(derived.offsetAt(t)).toBe(iana.offsetAt(t));
        expect(derived.toLocal(t)).toBe(iana.toLocal(t));
        // Read the same number as a wall-clock time; keep clear of New Year, where the neighbouring
        // year's rules (not described by this year's pair) decide.
        if (t > start + 2 * 86_400_000 && t < end - 2 * 86_400_000) expect(derived.toUtc(t)).toBe(iana.toUtc(t));
      }),
      { seed: 42, numRuns: 4000 },
    );
  });
});
