// Windows zone ids <-> IANA names through CLDR's windowsZones table (npm windows-iana), with O(1) lookups.
import { IANA_ALIAS_MAP, WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { rulesFromIana } from './iana-rules.js';
import type { ZoneRules } from './types.js';

// windows-iana's own find* helpers scan the whole table on every call; these maps are built once.
// Keys are lower-cased: clients and Graph are not consistent about case, and ids never differ by case alone.
const goldenIana = new Map<string, string>();
const windowsIdByLower = new Map<string, string>();
const windowsByIana = new Map<string, string>();

for (const entry of WINDOWS_TO_IANA_MAP) {
  windowsIdByLower.set(entry.windowsName.toLowerCase(), entry.windowsName);
  // Territory "001" is CLDR's golden zone: the one IANA zone that stands for the Windows zone.
  if (entry.territory === '001') goldenIana.set(entry.windowsName, entry.iana[0]!);
}
const aliasGroup = new Map<string, readonly string[]>();
for (const group of IANA_ALIAS_MAP) for (const alias of group.alias) aliasGroup.set(alias.toLowerCase(), group.alias);
// Golden zones first, so that a zone listed under several territories maps to its golden Windows id.
const ordered = [...WINDOWS_TO_IANA_MAP].sort((a, b) => Number(b.territory === '001') - Number(a.territory === '001'));
for (const entry of ordered) {
  for (const zone of entry.iana) {
    for (const name of aliasGroup.get(zone.toLowerCase()) ?? [zone]) {
      const key = name.toLowerCase();
      if (!windowsByIana.has(key)) windowsByIana.set(key, entry.windowsName);
    }
  }
}

/** Every Windows zone id in the CLDR table, in the table's order (west to east). */
export const WINDOWS_ZONE_IDS: readonly string[] = [...goldenIana.keys()];

/** The Windows id as CLDR spells it ("pacific standard time" -> "Pacific Standard Time"); undefined if unknown. */
export function canonicalWindowsId(id: string): string | undefined {
  return windowsIdByLower.get(id.trim().toLowerCase());
}

/** The golden IANA zone of a Windows zone id ("Pacific Standard Time" -> "America/Los_Angeles"); undefined if unknown. */
export function windowsToIana(id: string): string | undefined {
  const canonical = canonicalWindowsId(id);
  return canonical === undefined ? undefined : goldenIana.get(canonical);
}

/** The Windows zone id for an IANA zone or any of its aliases ("Asia/Kolkata" -> "India Standard Time"); undefined if unmapped. */
export function ianaToWindows(zone: string): string | undefined {
  return windowsByIana.get(zone.trim().toLowerCase());
}

/**
 * Rules for a Windows zone id (the EWS TimeZoneContext header), derived from its golden IANA zone.
 * Returns undefined for an unknown id so the caller can choose between an error and UTC.
 */
export function rulesFromWindowsId(id: string): ZoneRules | undefined {
  const zone = windowsToIana(id);
  return zone === undefined ? undefined : rulesFromIana(zone);
}
