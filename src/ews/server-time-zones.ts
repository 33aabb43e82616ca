// GetServerTimeZones: which Windows zones the relay knows, their definitions, and the response body XML.
import { canonicalWindowsId, WINDOWS_ZONE_IDS } from '../availability/time-zone/windows-zones.js';
import { timeZoneDefinitionData, type TimeZoneDefinitionData, type YearRange } from '../availability/time-zone/zone-definition.js';
import { timeZoneDefinitionXml } from './write-time-zone.js';
import { element, textElement } from './xml-writer.js';

export interface ServerTimeZoneOptions {
  /** The year "now", UTC, from the caller's clock. */
  currentYear: number;
  /** Years before and after the current one that get their own rules when the rules changed (default 5 each). */
  yearsBefore?: number;
  yearsAfter?: number;
}

/** The years whose IANA rules are turned into transition groups. */
export function serverTimeZoneYears(options: ServerTimeZoneOptions): YearRange {
  const year = options.currentYear;
  return { fromYear: year - (options.yearsBefore ?? 5), toYear: year + (options.yearsAfter ?? 5) };
}

/** The requested ids that name no Windows zone (case-insensitive match), in request order. */
export function unknownTimeZoneIds(ids: readonly string[]): string[] {
  return ids.filter((id) => canonicalWindowsId(id) === undefined);
}

// Definitions only change with the year range, and building all of them costs ~a second of Intl calls.
const definitionMemo = new Map<string, TimeZoneDefinitionData>();
const xmlMemo = new Map<string, string>();

/**
 * The definitions for the requested Windows ids (all CLDR Windows zones when `ids` is undefined), in
 * request order without duplicates; unknown ids are skipped (see unknownTimeZoneIds).
 */
export function serverTimeZoneDefinitions(ids: readonly string[] | undefined, range: YearRange): TimeZoneDefinitionData[] {
  const out: TimeZoneDefinitionData[] = [];
  const seen = new Set<string>();
  for (const requested of ids ?? WINDOWS_ZONE_IDS) {
    const id = canonicalWindowsId(requested);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const key = `${id}|${range.fromYear}|${range.toYear}`;
    let def = definitionMemo.get(key);
    if (def === undefined) {
      def = timeZoneDefinitionData(id, range);
      if (def === undefined) continue;
      definitionMemo.set(key, def);
    }
    out.push(def);
  }
  return out;
}

function definitionXml(def: TimeZoneDefinitionData, range: YearRange, full: boolean): string {
  const key = `${def.id}|${range.fromYear}|${range.toYear}|${full}`;
  let xml = xmlMemo.get(key);
  if (xml === undefined) {
    xml = timeZoneDefinitionXml(def, full);
    xmlMemo.set(key, xml);
  }
  return xml;
}

/**
 * `<m:GetServerTimeZonesResponse>` for the SOAP Body. Unknown ids make the one response message an
 * Error (ErrorTimeZone, naming them) with an empty TimeZoneDefinitions, which the schema requires.
 */
export function getServerTimeZonesBodyXml(
  ids: readonly string[] | undefined,
  full: boolean,
  options: ServerTimeZoneOptions,
): string {
  const unknown = ids ? unknownTimeZoneIds(ids) : [];
  let message: string;
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((id) => `'${id.slice(0, 80)}'`).join(', ');
    message = element(
      'm:GetServerTimeZonesResponseMessage',
      [
        textElement('m:MessageText', `Unknown time zone id${unknown.length > 1 ? 's' : ''}: ${names}${unknown.length > 5 ? ', ...' : ''}.`),
        textElement('m:ResponseCode', 'ErrorTimeZone'),
        textElement('m:DescriptiveLinkKey', 0),
        element('m:TimeZoneDefinitions', ''),
      ],
      { ResponseClass: 'Error' },
    );
  } else {
    const range = serverTimeZoneYears(options);
    const defs = serverTimeZoneDefinitions(ids, range).map((d) => definitionXml(d, range, full));
    message = element(
      'm:GetServerTimeZonesResponseMessage',
      [textElement('m:ResponseCode', 'NoError'), element('m:TimeZoneDefinitions', defs)],
      { ResponseClass: 'Success' },
    );
  }
  return element('m:GetServerTimeZonesResponse', element('m:ResponseMessages', message));
}
