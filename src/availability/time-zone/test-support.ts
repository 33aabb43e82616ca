// Test fixtures for the time zone tests: a sample of IANA zones covering the awkward cases.

/** Zones picked for a reason: both hemispheres, odd offsets, 30-minute DST, negative DST, Ramadan DST. */
const AWKWARD_ZONES = [
  'America/Los_Angeles', 'America/New_York', 'America/St_Johns', 'America/Sao_Paulo', 'America/Santiago',
  'America/Asuncion', 'America/Havana', 'America/Godthab', 'America/Mexico_City', 'America/Caracas',
  'Europe/Berlin', 'Europe/London', 'Europe/Dublin', 'Europe/Moscow', 'Europe/Istanbul', 'Europe/Chisinau',
  'Africa/Casablanca', 'Africa/Cairo', 'Asia/Jerusalem', 'Asia/Tehran', 'Asia/Kolkata', 'Asia/Katmandu',
  'Asia/Gaza', 'Australia/Sydney', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Australia/Perth',
  'Pacific/Auckland', 'Pacific/Chatham', 'Pacific/Apia', 'Pacific/Kiritimati', 'Pacific/Marquesas', 'Etc/UTC',
] as const;

/** The awkward zones plus every sixth zone ICU knows (deterministic, so seeds reproduce). */
export const SAMPLE_ZONES: readonly string[] = [
  ...new Set([...AWKWARD_ZONES, ...Intl.supportedValuesOf('timeZone').filter((_, i) => i % 6 === 0)]),
];
