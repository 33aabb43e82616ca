// Tests for mapping Graph's working-hours time zones (customTimeZone or a name) to SerializableTimeZone.
import { describe, expect, it } from 'vitest';
import type { CustomTimeZone } from '../schedule-source.js';
import { serializableForGraphZone, serializableFromGraphCustom } from './graph-custom.js';
import { serializableFromIana } from './serializable-from-iana.js';
import { rulesFromSerializable } from './serializable-rules.js';

// What Graph returns for a US Pacific mailbox with a custom zone (bias in the Windows sign convention).
const PACIFIC_CUSTOM: CustomTimeZone = {
  '@odata.type': '#microsoft.graph.customTimeZone',
  name: 'Customized Time Zone',
  bias: 480,
  standardOffset: { time: '02:00:00.0000000', dayOccurrence: 1, dayOfWeek: 'sunday', month: 11, year: 0 },
  daylightOffset: { daylightBias: -60, time: '02:00:00.0000000', dayOccurrence: 2, dayOfWeek: 'sunday', month: 3, year: 0 },
};

describe('serializableFromGraphCustom', () => {
  it('copies the Windows-convention fields and normalises time and day names', () => {
    expect(serializableFromGraphCustom(PACIFIC_CUSTOM)).toEqual({
      bias: 480,
      standardTime: { bias: 0, time: '02:00:00', dayOrder: 1, month: 11, dayOfWeek: 'Sunday' },
      daylightTime: { bias: -60, time: '02:00:00', dayOrder: 2, month: 3, dayOfWeek: 'Sunday' },
    });
  });
  it('yields rules that put 09:00 Pacific in July at 16:00Z (so the bias sign is right)', () => {
    const rules = rulesFromSerializable(serializableFromGraphCustom(PACIFIC_CUSTOM));
    expect(rules.toUtc(Date.UTC(2026, 6, 1, 9))).toBe(Date.UTC(2026, 6, 1, 16));
    expect(rules.toUtc(Date.UTC(2026, 11, 2, 9))).toBe(Date.UTC(2026, 11, 2, 17));
  });
  it('treats a zone without daylightOffset (or with month 0) as having no DST', () => {
    const india: CustomTimeZone = { bias: -330, standardOffset: { time: '00:00:00', dayOccurrence: 0, dayOfWeek: 'sunday', month: 0, year: 0 } };
    const tz = serializableFromGraphCustom(india);
    expect(tz.bias).toBe(-330);
    expect([tz.standardTime.month, tz.daylightTime.month, tz.daylightTime.bias]).toEqual([0, 0, 0]);
    expect(rulesFromSerializable(tz).offsetAt(Date.UTC(2026, 6, 1))).toBe(330);
  });
  it('keeps a non-zero year as a fixed-date rule', () => {
    const custom: CustomTimeZone = {
      ...PACIFIC_CUSTOM,
      daylightOffset: { ...PACIFIC_CUSTOM.daylightOffset!, dayOccurrence: 12, dayOfWeek: 'thursday', year: 2026 },
    };
    expect(serializableFromGraphCustom(custom).daylightTime).toEqual({ bias: -60, time: '02:00:00', dayOrder: 12, month: 3, dayOfWeek: 'Thursday', year: 2026 });
  });
});

describe('serializableForGraphZone', () => {
  it('describes Windows names and IANA names from the IANA database for the year asked', () => {
    expect(serializableForGraphZone({ name: 'Pacific Standard Time' }, 2026)).toEqual(serializableFromIana('America/Los_Angeles', 2026));
    expect(serializableForGraphZone({ name: 'Europe/Berlin' }, 2026)).toEqual(serializableFromIana('Europe/Berlin', 2026));
    expect(serializableForGraphZone(PACIFIC_CUSTOM, 2026)).toEqual(serializableFromGraphCustom(PACIFIC_CUSTOM));
  });
  it('answers undefined for names it cannot place and for malformed custom zones', () => {
    expect(serializableForGraphZone({ name: 'tzone://Microsoft/Custom' }, 2026)).toBeUndefined();
    expect(serializableForGraphZone({ name: '' }, 2026)).toBeUndefined();
    expect(serializableForGraphZone({ ...PACIFIC_CUSTOM, standardOffset: { ...PACIFIC_CUSTOM.standardOffset!, time: 'noon' } }, 2026)).toBeUndefined();
  });
});
