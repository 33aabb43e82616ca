// GetServerTimeZones: which Windows zones the relay knows, their definitions, and the response body XML.
import { BoundedMap } from '../bounded-map.js';
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

/**
 * GetServerTimeZones answers, with what they reuse: definitions and their XML only change with the year range,
 * and building all of them costs ~a second of Intl calls. One per app (EwsDeps.timeZones); its memos hold every
 * Windows zone for two year ranges (the one before and the one after New Year), least recently used going first.
 */
export class ServerTimeZones {
  readonly #definitions = new BoundedMap<string, TimeZoneDefinitionData>(2 * WINDOWS_ZONE_IDS.length);
  /** Both with and without the full data. */
  readonly #xml = new BoundedMap<string, string>(4 * WINDOWS_ZONE_IDS.length);

  /**
   * The definitions for the requested Windows ids (all CLDR Windows zones when `ids` is undefined), in
   * request order without duplicates; unknown ids are skipped (see unknownTimeZoneIds).
   */
  definitions(ids: readonly string[] | undefined, range: YearRange): TimeZoneDefinitionData[] {
    const out: TimeZoneDefinitionData[] = [];
    const seen = new Set<string>();
    for (const requested of ids ?? WINDOWS_ZONE_IDS) {
      const id = canonicalWindowsId(requested);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const key = `${id}|${range.fromYear}|${range.toYear}`;
      let def = this.#definitions.get(key);
      if (def === undefined) {
        def = timeZoneDefinitionData(id, range);
        if (def === undefined) continue;
        this.#definitions.set(key, def);
      }
      out.push(def);
    }
    return out;
  }

  #definitionXml(def: TimeZoneDefinitionData, range: YearRange, full: boolean): string {
    const key = `${def.id}|${range.fromYear}|${range.toYear}|${full}`;
    let xml = this.#xml.get(key);
    if (xml === undefined) {
      xml = timeZoneDefinitionXml(def, full);
      this.#xml.set(key, xml);
    }
    return xml;
  }

  /**
   * `<m:GetServerTimeZonesResponse>` for the SOAP Body. Unknown ids make the one response message an
   * Error (ErrorTimeZone, naming them) with an empty TimeZoneDefinitions, which the schema requires.
   */
  bodyXml(ids: readonly string[] | undefined, full: boolean, options: ServerTimeZoneOptions): string {
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
      const defs = this.definitions(ids, range).map((d) => this.#definitionXml(d, range, full));
      message = element(
        'm:GetServerTimeZonesResponseMessage',
        [textElement('m:ResponseCode', 'NoError'), element('m:TimeZoneDefinitions', defs)],
        { ResponseClass: 'Success' },
      );
    }
    return element('m:GetServerTimeZonesResponse', element('m:ResponseMessages', message));
  }

  /** Entries the memos hold (definitions, XML). */
  get kept(): { definitions: number; xml: number } {
    return { definitions: this.#definitions.size, xml: this.#xml.size };
  }
}
