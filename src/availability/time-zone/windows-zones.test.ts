// Tests for the Windows <-> IANA mapping and rulesFromWindowsId.
import { describe, expect, it } from 'vitest';
import { isKnownIanaZone } from './iana-rules.js';
import { canonicalWindowsId, ianaToWindows, rulesFromWindowsId, windowsToIana, WINDOWS_ZONE_IDS } from './windows-zones.js';

describe('Windows zone ids', () => {
  it('map to CLDR golden zones and back, aliases included', () => {
    expect(windowsToIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(windowsToIana('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(windowsToIana('AUS Eastern Standard Time')).toBe('Australia/Sydney');
    expect(windowsToIana('UTC')).toBe('Etc/UTC');
    expect(ianaToWindows('America/Los_Angeles')).toBe('Pacific Standard Time');
    expect(ianaToWindows('US/Pacific')).toBe('Pacific Standard Time');
    expect(ianaToWindows('Asia/Kolkata')).toBe('India Standard Time');
    expect(ianaToWindows('Asia/Calcutta')).toBe('India Standard Time');
    expect(ianaToWindows('Europe/Amsterdam')).toBe('W. Europe Standard Time');
  });
  it('ignore case and surrounding blanks, and answer undefined for unknown names', () => {
    expect(canonicalWindowsId(' pacific standard time ')).toBe('Pacific Standard Time');
    expect(windowsToIana('PACIFIC STANDARD TIME')).toBe('America/Los_Angeles');
    expect(windowsToIana('Pacific Time')).toBeUndefined();
    expect(ianaToWindows('Mars/Olympus_Mons')).toBeUndefined();
    expect(rulesFromWindowsId('Nowhere Standard Time')).toBeUndefined();
  });
  it('cover every CLDR Windows zone with a zone ICU knows, each mapping back to itself', () => {
    expect(WINDOWS_ZONE_IDS.length).toBeGreaterThan(130);
    for (const id of WINDOWS_ZONE_IDS) {
      const zone = windowsToIana(id)!;
      expect([id, isKnownIanaZone(zone)]).toEqual([id, true]);
      expect([id, ianaToWindows(zone)]).toEqual([id, id]);
    }
  });
  it('give rules for the TimeZoneContext header', () => {
    const rules = rulesFromWindowsId('India Standard Time')!;
    expect(rules.offsetAt(Date.UTC(2026, 6, 1))).toBe(330);
    expect(rules.toUtc(Date.UTC(2026, 6, 1, 9))).toBe(Date.UTC(2026, 6, 1, 3, 30));
  });
});
