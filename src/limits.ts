// Limits of the EWS free/busy protocol the relay enforces, in one place: parsers, the domain and error messages
// read them from here (docs/protocol.md gives the sources).

/** Most mailboxes in one GetUserAvailability request (Exchange's limit). */
export const MAX_MAILBOXES = 100;
/** Longest lookup window, in calendar days of the request's zone (Exchange refuses 62 days and more beyond it). */
export const MAX_WINDOW_DAYS = 62;
/** MergedFreeBusyIntervalInMinutes' allowed range. */
export const MIN_MERGED_INTERVAL_MINUTES = 5;
export const MAX_MERGED_INTERVAL_MINUTES = 1440;
