// The time zone engine's public surface: rules from EWS, Graph, Windows ids and IANA names, and back.
export * from './types.js';
export { UTC_RULES, fixedOffsetRules, rulesFromSerializable, type OffsetChange } from './serializable-rules.js';
export { isKnownIanaZone } from './iana-rules.js';
export { WINDOWS_ZONE_IDS, rulesFromWindowsId } from './windows-zones.js';
export { serializableFromIana } from './serializable-from-iana.js';
export { serializableForGraphZone } from './graph-custom.js';
export {
  type GroupSwitch,
  type GroupTransition,
  type TimeZoneDefinitionData,
  type TransitionsGroup,
  type YearRange,
  type ZonePeriod,
} from './zone-definition.js';
