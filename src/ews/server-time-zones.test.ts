// Tests for GetServerTimeZones: XSD validity of whole responses, unknown ids, and that the groups are right.
import { describe, expect, it } from 'vitest';
import { expectBodyXsdValid } from '../../test/support/xsd.js';
import { rulesFromIana } from '../availability/time-zone/iana-rules.js';
import { rulesFromSerializable } from '../availability/time-zone/serializable-rules.js';
import { windowsToIana, WINDOWS_ZONE_IDS } from '../availability/time-zone/windows-zones.js';
import { ServerTimeZones, serverTimeZoneYears, unknownTimeZoneIds } from './server-time-zones.js';

const HANDFUL = ['Pacific Standard Time', 'W. Europe Standard Time', 'AUS Eastern Standard Time', 'India Standard Time', 'UTC'];
const OPTIONS = { currentYear: 2026 };
const zones = new ServerTimeZones();

describe('GetServerTimeZones response', () => {
  it('is schema-valid for a handful of zones, for all zones, without full data, and for unknown ids', async () => {
    const all = zones.bodyXml(undefined, true, OPTIONS);
    expect(all.match(/<t:TimeZoneDefinition /g)).toHaveLength(WINDOWS_ZONE_IDS.length);
    const docs = [
      zones.bodyXml(HANDFUL, true, OPTIONS),
      all,
      zones.bodyXml(HANDFUL, false, OPTIONS),
      zones.bodyXml(['Pacific Standard Time', 'Nowhere Time'], true, OPTIONS),
      zones.bodyXml(['W. Europe Standard Time'], true, { currentYear: 2026, yearsBefore: 30, yearsAfter: 11 }),
    ];
    await expectBodyXsdValid(docs, 'exchange-online');
    await expectBodyXsdValid(docs, 'exchange2010-sp2');
  });
  it('answers in request order, case-insensitively, without duplicates', () => {
    const xml = zones.bodyXml(['utc', 'Pacific Standard Time', 'UTC'], false, OPTIONS);
    expect(xml).toContain('<m:GetServerTimeZonesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>');
    expect([...xml.matchAll(/Id="([^"]+)"/g)].map((m) => m[1])).toEqual(['UTC', 'Pacific Standard Time']);
  });
  it('reports unknown ids as an ErrorTimeZone response message', () => {
    expect(unknownTimeZoneIds(['Pacific Standard Time', 'Nowhere Time', 'utc'])).toEqual(['Nowhere Time']);
    const xml = zones.bodyXml(['Pacific Standard Time', 'Nowhere Time'], true, OPTIONS);
    expect(xml).toContain('ResponseClass="Error"><m:MessageText>Unknown time zone id: &apos;Nowhere Time&apos;.</m:MessageText><m:ResponseCode>ErrorTimeZone</m:ResponseCode>');
    expect(xml).toContain('<m:TimeZoneDefinitions/>');
  });
});

describe('GetServerTimeZones data', () => {
  it('spans the current year plus or minus five by default', () => {
    expect(serverTimeZoneYears(OPTIONS)).toEqual({ fromYear: 2021, toYear: 2031 });
  });
  it('gives Pacific two groups over 2000..2030, switching to the 2007 US rules', () => {
    const [pacific] = zones.definitions(['Pacific Standard Time'], { fromYear: 2000, toYear: 2030 });
    expect(pacific!.groups.map((g) => [g.id, g.fromYear, g.toYear])).toEqual([['0', 2000, 2006], ['1', 2007, 2030]]);
    expect(pacific!.transitions).toEqual([{ group: '0' }, { group: '1', startsAt: '2007-01-01T00:00:00' }]);
    expect(pacific!.groups[0]!.transitions[0]).toEqual({ kind: 'RecurringDayTransition', to: 'Dlt/2000', timeOffsetMs: 7_200_000, month: 4, dayOfWeek: 'Sunday', occurrence: 1 });
  });
  it('switches groups at the change when a zone changed its rules mid-year', () => {
    // Chihuahua (CLDR's zone for "Mountain Standard Time (Mexico)") went to UTC-6 for good on 2022-04-03.
    const [mexico] = zones.definitions(['Mountain Standard Time (Mexico)'], { fromYear: 2021, toYear: 2031 });
    expect(mexico!.transitions).toEqual([
      { group: '0' },
      { group: '1', startsAt: '2022-01-01T00:00:00' },
      { group: '2', startsAt: '2022-04-03T02:00:00' },
    ]);
    expect(mexico!.periods.map((p) => p.id)).toEqual(['Std/2021', 'Dlt/2021', 'Std/2022', 'Std/2022-04-03']);
    expect(mexico!.groups.map((g) => [g.rules.bias, g.rules.daylightTime.bias, g.fromYear, g.toYear])).toEqual([
      [420, -60, 2021, 2021],
      [420, 0, 2022, 2022],
      [360, 0, 2022, 2031],
    ]);
  });
  it('pads group ids so that string order is time order (exchangelib sorts them as strings)', () => {
    const [egypt] = zones.definitions(['Egypt Standard Time'], { fromYear: 2005, toYear: 2030 });
    const ids = egypt!.groups.map((g) => g.id);
    expect(ids.length).toBeGreaterThan(10);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map((id) => id.length)).size).toBe(1);
  });
  it('has, for every zone, groups that reproduce the IANA offsets wherever they are in force', () => {
    const range = { fromYear: 2021, toYear: 2031 };
    for (const def of zones.definitions(undefined, range)) {
      const iana = rulesFromIana(windowsToIana(def.id)!);
      expect(new Set(def.periods.map((p) => p.id)).size).toBe(def.periods.length);
      // Read the definition as a client does: the last group switch at or before the local time wins.
      const switches = def.transitions.map((s) => ({ at: s.startsAt ? Date.parse(`${s.startsAt}Z`) : -Infinity, group: def.groups.find((g) => g.id === s.group)! }));
      for (let y = range.fromYear; y <= range.toYear; y++) {
        for (let m = 0; m < 12; m++) {
          const t = Date.UTC(y, m, 15, 12);
          const local = iana.toLocal(t);
          if (switches.some((s) => Math.abs(s.at - local) < 86_400_000)) continue; // the switch day itself
          const group = switches.filter((s) => s.at <= local).pop()!.group;
          expect([def.id, y, m, rulesFromSerializable(group.rules).offsetAt(t)]).toEqual([def.id, y, m, iana.offsetAt(t)]);
        }
      }
    }
  });
});

describe('ServerTimeZones memos', () => {
  it('belong to their instance: a second one shares nothing and answers byte for byte the same', () => {
    const a = new ServerTimeZones();
    const b = new ServerTimeZones();
    const xml = a.bodyXml(HANDFUL, true, OPTIONS);
    expect(a.kept).toEqual({ definitions: HANDFUL.length, xml: HANDFUL.length });
    expect(b.kept).toEqual({ definitions: 0, xml: 0 });
    expect(b.bodyXml(HANDFUL, true, OPTIONS)).toBe(xml);
    const range = serverTimeZoneYears(OPTIONS);
    expect(a.definitions(['UTC'], range)[0]).toBe(a.definitions(['UTC'], range)[0]);
    expect(a.definitions(['UTC'], range)[0]).not.toBe(b.definitions(['UTC'], range)[0]);
  });

  it('hold every zone of two year ranges, and past that forget the least recently used entries one at a time', () => {
    const z = new ServerTimeZones();
    const n = WINDOWS_ZONE_IDS.length;
    z.bodyXml(undefined, true, { currentYear: 2026 });
    z.bodyXml(undefined, true, { currentYear: 2027 });
    expect(z.kept).toEqual({ definitions: 2 * n, xml: 2 * n });
    // A third range: as many of the oldest definitions go as new ones come; the rest stay.
    const range2027 = serverTimeZoneYears({ currentYear: 2027 });
    const kept2027 = z.definitions(HANDFUL, range2027);
    z.bodyXml(['Pacific Standard Time', 'Tokyo Standard Time'], false, { currentYear: 2030 });
    expect(z.kept).toEqual({ definitions: 2 * n, xml: 2 * n + 2 });
    const again = z.definitions(HANDFUL, range2027);
    again.forEach((d, i) => expect(d).toBe(kept2027[i]));
  }, 60_000);
});
