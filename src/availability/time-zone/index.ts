// The time zone engine's public surface: rules from EWS, Graph, Windows ids and IANA names, and back.
export * from './types.js';
export { UTC_RULES, fixedOffsetRules, hasDaylightSaving, offsetChanges, rulesFromSerializable, type OffsetChange } from './serializable-rules.js';
export { ianaOffsetMs, isKnownIanaZone, rulesFromIana } from './iana-rules.js';
export { WINDOWS_ZONE_IDS, canonicalWindowsId, ianaToWindows, rulesFromWindowsId, windowsToIana } from './windows-zones.js';
export { NO_TRANSITION, fixedSerializable, serializableFromIana, serializableFromWindowsId } from './serializable-from-iana.js';
export { serializableForGraphZone, serializableFromGraphCustom } from './graph-custom.js';
export {
  timeZoneDefinitionData,
  type GroupSwitch,
  type GroupTransition,
  type TimeZoneDefinitionData,
  type TransitionsGroup,
  type YearRange,
  type ZonePeriod,
} from './zone-definition.js';
