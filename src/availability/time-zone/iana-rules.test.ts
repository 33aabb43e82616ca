// Tests for rulesFromIana: known offsets, gap/overlap conventions, and agreement with ICU read another way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ianaYearSegments, rulesFromIana } from './iana-rules.js';
import { SAMPLE_ZONES } from './test-support.js';

const iso = (t: number) => new Date(t).toISOString();

// Independent oracle: the wall clock ICU prints for an instant, minus the instant.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function oracleOffsetMinutes(zone: string, t: number): number {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    partsFormatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, Number(x.value)]));
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return (local - Math.floor(t / 1000) * 1000) / 60_000;
}

describe('rulesFromIana', () => {
  it('knows US Pacific 2026 (the docs/protocol.md §3 example) from the IANA database', () => {
    const la = rulesFromIana('America/Los_Angeles');
    expect(ianaYearSegments('America/Los_Angeles', 2026).changes.map(iso)).toEqual(['2026-03-08T10:00:00.000Z', '2026-11-01T09:00:00.000Z']);
    expect(iso(la.toUtc(Date.UTC(2026, 6, 1, 9)))).toBe('2026-07-01T16:00:00.000Z');
    expect(iso(la.toUtc(Date.UTC(2026, 11, 2, 9)))).toBe('2026-12-02T17:00:00.000Z');
    expect(la.toUtc(Date.UTC(2026, 10, 2)) - la.toUtc(Date.UTC(2026, 10, 1))).toBe(25 * 3_600_000);
  });
  it('handles half-hour, 45-minute and 30-minute-DST zones', () => {
    const cases: Array<[string, number, number]> = [
      ['Asia/Kolkata', 330, 330],
      ['Asia/Kathmandu', 345, 345],
      ['Australia/Adelaide', 630, 570],
      ['Australia/Lord_Howe', 660, 630],
      ['Pacific/Chatham', 825, 765],
      ['America/St_Johns', -210, -150],
    ];
    for (const [zone, january, july] of cases) {
      const r = rulesFromIana(zone);
      expect([zone, r.offsetAt(Date.UTC(2026, 0, 15)), r.offsetAt(Date.UTC(2026, 6, 15))]).toEqual([zone, january, july]);
    }
  });
  it('resolves gaps with the offset before them and overlaps to the earlier instant', () => {
    const la = rulesFromIana('America/Los_Angeles');
    expect(iso(la.toUtc(Date.UTC(2026, 2, 8, 2, 30)))).toBe('2026-03-08T10:30:00.000Z');
    expect(iso(la.toUtc(Date.UTC(2026, 10, 1, 1, 30)))).toBe('2026-11-01T08:30:00.000Z');
    const sydney = rulesFromIana('Australia/Sydney');
    // 2026-10-04 02:30 does not exist (02:00 AEST -> 03:00 AEDT): read on AEST, 16:30Z the day before.
    expect(iso(sydney.toUtc(Date.UTC(2026, 9, 4, 2, 30)))).toBe('2026-10-03T16:30:00.000Z');
    // 2026-04-05 02:30 happens twice (AEDT then AEST): the AEDT one.
    expect(iso(sydney.toUtc(Date.UTC(2026, 3, 5, 2, 30)))).toBe('2026-04-04T15:30:00.000Z');
    const lordHowe = rulesFromIana('Australia/Lord_Howe');
    // Lord Howe springs forward by 30 minutes at 02:00: 02:15 is in the gap, read on +10:30.
    expect(iso(lordHowe.toUtc(Date.UTC(2026, 9, 4, 2, 15)))).toBe('2026-10-03T15:45:00.000Z');
  });
  it('throws RangeError for a zone ICU does not know', () => {
    expect(() => rulesFromIana('Mars/Olympus_Mons')).toThrow(RangeError);
  });

  const zone = fc.constantFrom(...SAMPLE_ZONES);
  const instant = fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2037, 11, 31) });

  it('agrees with the wall clock ICU prints, at random instants and next to every change', () => {
    fc.assert(
      fc.property(zone, instant, fc.integer({ min: -1, max: 1 }), (z, t, side) => {
        const r = rulesFromIana(z);
        const { changes } = ianaYearSegments(z, new Date(t).getUTCFullYear());
        const u = changes.length && side !== 0 ? changes[t % changes.length]! + (side < 0 ? -1000 : 0) : t;
        expect(r.offsetAt(u)).toBe(oracleOffsetMinutes(z, u));
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('round-trips toUtc(toLocal(t)) except for the later half of an overlap', () => {
    let overlaps = 0;
    fc.assert(
      fc.property(zone, instant, fc.integer({ min: -240, max: 240 }), (z, t0, nudge) => {
        const r = rulesFromIana(z);
        // Half the runs land within four hours of a change, where overlaps are.
        const { changes } = ianaYearSegments(z, new Date(t0).getUTCFullYear());
        const t = changes.length && nudge % 2 === 0 ? changes[t0 % changes.length]! + nudge * 60_000 : t0;
        const back = r.toUtc(r.toLocal(t));
        if (back !== t) {
          overlaps++;
          // Only allowed when t repeats an earlier wall-clock time: the earlier instant wins.
          expect(back).toBeLessThan(t);
          expect(r.toLocal(back)).toBe(r.toLocal(t));
          expect(r.offsetAt(back)).toBeGreaterThan(r.offsetAt(t));
        }
      }),
      { seed: 42, numRuns: 3000 },
    );
    // Guard against a vacuous pass: the nudged runs must have hit some overlaps.
    expect(overlaps).toBeGreaterThan(10);
  });
});
