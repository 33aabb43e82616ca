// Tests for rulesFromSerializable: docs/protocol.md §3's worked example, the traps, and a brute-force reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetChanges, rulesFromSerializable, UTC_RULES } from './serializable-rules.js';
import { DAY_NAMES, type SerializableTimeZone, type TimeChange } from './types.js';

const H = 3_600_000;
const rule = (month: number, dayOrder: number, time: string, bias: number, dayOfWeek: TimeChange['dayOfWeek'] = 'Sunday'): TimeChange => ({
  bias, time, dayOrder, month, dayOfWeek,
});
const PACIFIC: SerializableTimeZone = { bias: 480, standardTime: rule(11, 1, '02:00:00', 0), daylightTime: rule(3, 2, '02:00:00', -60) };
const BERLIN: SerializableTimeZone = { bias: -60, standardTime: rule(10, 5, '03:00:00', 0), daylightTime: rule(3, 5, '02:00:00', -60) };
const SYDNEY: SerializableTimeZone = { bias: -600, standardTime: rule(4, 1, '03:00:00', 0), daylightTime: rule(10, 1, '02:00:00', -60) };
const iso = (t: number) => new Date(t).toISOString();

describe('docs/protocol.md §3 worked example (Pacific, 2026)', () => {
  const pacific = rulesFromSerializable(PACIFIC);
  it('starts DST at 2026-03-08 10:00Z and ends it at 2026-11-01 09:00Z', () => {
    expect(offsetChanges(PACIFIC, 2026, 2026).map((c) => [iso(c.utcMs), c.dst])).toEqual([
      ['2026-03-08T10:00:00.000Z', true],
      ['2026-11-01T09:00:00.000Z', false],
    ]);
    expect(pacific.offsetAt(Date.UTC(2026, 2, 8, 10) - 1)).toBe(-480);
    expect(pacific.offsetAt(Date.UTC(2026, 2, 8, 10))).toBe(-420);
    expect(pacific.offsetAt(Date.UTC(2026, 10, 1, 9) - 1)).toBe(-420);
    expect(pacific.offsetAt(Date.UTC(2026, 10, 1, 9))).toBe(-480);
  });
  it('converts the example wall-clock times', () => {
    expect(iso(pacific.toUtc(Date.UTC(2026, 6, 1, 9)))).toBe('2026-07-01T16:00:00.000Z');
    expect(iso(pacific.toUtc(Date.UTC(2026, 11, 2, 9)))).toBe('2026-12-02T17:00:00.000Z');
    expect(pacific.toLocal(Date.UTC(2026, 6, 1, 16))).toBe(Date.UTC(2026, 6, 1, 9));
  });
  it('makes the local day 2026-11-01 25 hours long, 07:00Z to 08:00Z next day', () => {
    const start = pacific.toUtc(Date.UTC(2026, 10, 1));
    const end = pacific.toUtc(Date.UTC(2026, 10, 2));
    expect([iso(start), iso(end)]).toEqual(['2026-11-01T07:00:00.000Z', '2026-11-02T08:00:00.000Z']);
    expect((end - start) / H).toBe(25);
    expect((pacific.toUtc(Date.UTC(2026, 2, 9)) - pacific.toUtc(Date.UTC(2026, 2, 8))) / H).toBe(23);
  });
  it('resolves the spring gap with the offset before it and the autumn overlap to the earlier instant', () => {
    // 02:30 does not exist on 2026-03-08: read on the standard clock it is 10:30Z, i.e. 03:30 PDT.
    expect(iso(pacific.toUtc(Date.UTC(2026, 2, 8, 2, 30)))).toBe('2026-03-08T10:30:00.000Z');
    expect(pacific.toLocal(Date.UTC(2026, 2, 8, 10, 30))).toBe(Date.UTC(2026, 2, 8, 3, 30));
    // 01:30 happens twice on 2026-11-01 (08:30Z PDT and 09:30Z PST): the earlier one wins.
    expect(iso(pacific.toUtc(Date.UTC(2026, 10, 1, 1, 30)))).toBe('2026-11-01T08:30:00.000Z');
    expect(pacific.toLocal(Date.UTC(2026, 10, 1, 9, 30))).toBe(Date.UTC(2026, 10, 1, 1, 30));
  });
});

describe('rule details', () => {
  it('reads DayOrder 5 as the last weekday even when the month has only four', () => {
    // February 2026 has exactly four Sundays (1, 8, 15, 22): "5th" Sunday is the 22nd.
    const tz: SerializableTimeZone = { bias: 0, standardTime: rule(10, 1, '02:00:00', 0), daylightTime: rule(2, 5, '02:00:00', -60) };
    expect(iso(offsetChanges(tz, 2026, 2026)[0]!.utcMs)).toBe('2026-02-22T02:00:00.000Z');
    // Berlin: last Sunday of March 2026 is the 29th (a month with five Sundays would be wrong at 4).
    expect(offsetChanges(BERLIN, 2026, 2026).map((c) => iso(c.utcMs))).toEqual(['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z']);
  });
  it('keeps DST outside [end, start) in the southern hemisphere', () => {
    const sydney = rulesFromSerializable(SYDNEY);
    expect(sydney.offsetAt(Date.UTC(2026, 0, 15))).toBe(660);
    expect(sydney.offsetAt(Date.UTC(2026, 6, 15))).toBe(600);
    expect(sydney.offsetAt(Date.UTC(2026, 11, 15))).toBe(660);
    // Ends 2026-04-05 03:00 AEDT = 16:00Z on the 4th; starts 2026-10-04 02:00 AEST = 16:00Z on the 3rd.
    expect(offsetChanges(SYDNEY, 2026, 2026).map((c) => [iso(c.utcMs), c.dst])).toEqual([
      ['2026-04-04T16:00:00.000Z', false],
      ['2026-10-03T16:00:00.000Z', true],
    ]);
    expect(sydney.offsetAt(Date.UTC(2026, 3, 4, 16) - 1)).toBe(660);
    expect(sydney.offsetAt(Date.UTC(2026, 3, 4, 16))).toBe(600);
  });
  it('has no DST when the biases are equal or a month is 0 (dummy UTC rules)', () => {
    const dummy: SerializableTimeZone = { bias: 0, standardTime: rule(0, 0, '00:00:00', 0), daylightTime: rule(0, 0, '00:00:00', 0) };
    const equalBiases: SerializableTimeZone = { ...PACIFIC, daylightTime: { ...PACIFIC.daylightTime, bias: 0 } };
    const monthZero: SerializableTimeZone = { ...PACIFIC, daylightTime: { ...PACIFIC.daylightTime, month: 0 } };
    for (const t of [Date.UTC(2026, 0, 1), Date.UTC(2026, 6, 1)]) {
      expect(rulesFromSerializable(dummy).offsetAt(t)).toBe(0);
      expect(rulesFromSerializable(equalBiases).offsetAt(t)).toBe(-480);
      expect(rulesFromSerializable(monthZero).offsetAt(t)).toBe(-480);
    }
    expect(UTC_RULES.toUtc(Date.UTC(2026, 6, 1, 9))).toBe(Date.UTC(2026, 6, 1, 9));
  });
  it('applies fixed-date (Year) rules in their year only, with DayOrder as the day of month', () => {
    const tz: SerializableTimeZone = {
      bias: 480,
      standardTime: { ...rule(10, 20, '02:00:00', 0, 'Monday'), year: 2026 },
      daylightTime: { ...rule(4, 3, '02:00:00', -60, 'Monday'), year: 2026 },
    };
    const r = rulesFromSerializable(tz);
    expect(offsetChanges(tz, 2025, 2027).map((c) => iso(c.utcMs))).toEqual(['2026-04-03T10:00:00.000Z', '2026-10-20T09:00:00.000Z']);
    expect(r.offsetAt(Date.UTC(2026, 3, 3, 10) - 1)).toBe(-480);
    expect(r.offsetAt(Date.UTC(2026, 6, 1))).toBe(-420);
    expect(r.offsetAt(Date.UTC(2026, 9, 20, 9))).toBe(-480);
    expect(r.offsetAt(Date.UTC(2025, 6, 1))).toBe(-480);
    expect(r.offsetAt(Date.UTC(2027, 6, 1))).toBe(-480);
  });
  it('rejects a Time that is not a time of day', () => {
    expect(() => rulesFromSerializable({ ...PACIFIC, standardTime: { ...PACIFIC.standardTime, time: 'two' } })).toThrow(RangeError);
  });
});

// Reference: docs/protocol.md §3 read literally, one instant at a time, with no memo and no segments.
function nthWeekday(year: number, month: number, weekday: number, order: number): number {
  const days: number[] = [];
  for (let d = 1; d <= 31; d++) {
    const date = new Date(Date.UTC(year, month - 1, d));
    if (date.getUTCMonth() === month - 1 && date.getUTCDay() === weekday) days.push(d);
  }
  return order >= 5 ? days[days.length - 1]! : days[order - 1]!;
}
function refOffset(tz: SerializableTimeZone, t: number): number {
  const std = -(tz.bias + tz.standardTime.bias);
  const dst = -(tz.bias + tz.daylightTime.bias);
  const year = new Date(t + std * 60_000).getUTCFullYear();
  const at = (c: TimeChange, clock: number) => {
    const [h, m, s] = c.time.split(':').map(Number);
    const day = nthWeekday(year, c.month, DAY_NAMES.indexOf(c.dayOfWeek), c.dayOrder);
    return Date.UTC(year, c.month - 1, day, h, m, s) - clock * 60_000;
  };
  const start = at(tz.daylightTime, std);
  const end = at(tz.standardTime, dst);
  const inDst = start < end ? t >= start && t < end : !(t >= end && t < start);
  return (inDst ? dst : std) + 0; // + 0: the engine never answers -0
}
function refToUtc(tz: SerializableTimeZone, local: number): number {
  const candidates = [-(tz.bias + tz.standardTime.bias), -(tz.bias + tz.daylightTime.bias)]
    .map((o) => local - o * 60_000)
    .filter((u) => u + refOffset(tz, u) * 60_000 === local);
  if (candidates.length) return Math.min(...candidates);
  const before = refOffset(tz, local - Math.max(-(tz.bias + tz.standardTime.bias), -(tz.bias + tz.daylightTime.bias)) * 60_000);
  return local - before * 60_000;
}

describe('rulesFromSerializable against a literal reading of the rules', () => {
  const change = (bias: fc.Arbitrary<number>) =>
    fc.record({
      bias,
      time: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 30)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`),
      dayOrder: fc.integer({ min: 1, max: 5 }),
      month: fc.integer({ min: 2, max: 11 }), // away from New Year so the reference's year guess holds
      dayOfWeek: fc.constantFrom(...DAY_NAMES),
    });
  const zone = fc
    .record({ bias: fc.integer({ min: -14 * 4, max: 12 * 4 }).map((q) => q * 15), standardTime: change(fc.constant(0)), daylightTime: change(fc.constantFrom(-60, -30, -120, 60)) })
    .filter((tz) => Math.abs(tz.standardTime.month - tz.daylightTime.month) >= 2);
  const instant = fc.integer({ min: Date.UTC(2000, 0, 5), max: Date.UTC(2037, 11, 25) });

  it('agrees on offsets, local times and (gaps and overlaps included) UTC instants', () => {
    fc.assert(
      fc.property(zone, instant, fc.integer({ min: -3 * 60, max: 3 * 60 }), (tz, t, nudge) => {
        const r = rulesFromSerializable(tz);
        // Land near a transition half the time: that is where implementations go wrong.
        const changes = offsetChanges(tz, new Date(t).getUTCFullYear(), new Date(t).getUTCFullYear());
        const u = nudge % 2 === 0 && changes.length ? changes[Math.abs(nudge) % changes.length]!.utcMs + nudge * 60_000 : t;
        expect(r.offsetAt(u)).toBe(refOffset(tz, u));
        expect(r.toLocal(u)).toBe(u + refOffset(tz, u) * 60_000);
        expect(r.toUtc(u)).toBe(refToUtc(tz, u));
      }),
      { seed: 42, numRuns: 3000 },
    );
  });
});
