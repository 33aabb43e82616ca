// The error catalog: every error the relay can answer with, one entry each, keyed by a stable code.
//
// docs/errors.md is generated from this file (`npm run docs:errors`) and a test keeps the two in step both ways.
// What actually reaches the wire for a thrown error is decided by toWire() in wire.ts, used by every route.
import { MAX_MAILBOXES, MAX_MERGED_INTERVAL_MINUTES, MAX_WINDOW_DAYS, MIN_MERGED_INTERVAL_MINUTES } from '../limits.js';

/**
 * Where the error is answered:
 * - `soap`: a SOAP Fault on the EWS endpoint (HTTP 500 unless noted);
 * - `mailbox`: one mailbox's FreeBusyResponse inside a successful (HTTP 200) GetUserAvailability answer;
 * - `oauth`: RFC 6749 error JSON from /token;
 * - `auth`: RFC 6750 bearer challenge (401, JSON body) on the EWS endpoint;
 * - `edge`: plain text before any protocol applies (on the EWS path after authentication: a SOAP Fault with `ews`).
 */
export type Surface = 'soap' | 'mailbox' | 'oauth' | 'auth' | 'edge';

export interface ErrorEntry {
  readonly surface: Surface;
  readonly status: number;
  /** The protocol's own code: EWS ResponseCode, OAuth / bearer `error`, or none for plain edge errors. */
  readonly wire?: string;
  /**
   * For edge errors on the EWS path after authentication: the SOAP Fault entry answered instead, and whether
   * the Fault carries this entry's message (true) or that entry's own.
   */
  readonly ews?: { readonly fault: string; readonly ownMessage: boolean };
  /** The text sent, built from the limit constants where it names one. */
  readonly message: string;
  /**
   * Whether the thrower's detail (always the relay's own words about the request, never secrets or calendar
   * data) may go out with the message. False: only `message` leaves the process; the rest is logged.
   */
  readonly exposesDetail: boolean;
  /** When it happens (for docs/errors.md). */
  readonly when: string;
}

const soap = (wire: string, message: string, when: string, exposesDetail = true): ErrorEntry => ({ surface: 'soap', status: 500, wire, message, exposesDetail, when });
const mailbox = (wire: string, message: string, when: string): ErrorEntry => ({ surface: 'mailbox', status: 200, wire, message, exposesDetail: true, when });
const oauth = (wire: string, status: number, message: string, when: string): ErrorEntry => ({ surface: 'oauth', status, wire, message, exposesDetail: true, when });
const edge = (status: number, message: string, fault: 'EWS_INVALID_REQUEST' | 'EWS_SERVER_BUSY' | 'EWS_INTERNAL', ownMessage: boolean, when: string): ErrorEntry => ({
  surface: 'edge',
  status,
  ews: { fault, ownMessage },
  message,
  exposesDetail: false,
  when,
});

const CATALOG = {
  EWS_SCHEMA_VALIDATION: soap('ErrorSchemaValidation', 'The request failed schema validation.', 'The SOAP request is not XML the EWS schema allows (the detail names the element).'),
  EWS_INVALID_REQUEST: soap('ErrorInvalidRequest', 'The request is invalid.', 'A well-formed request the relay cannot serve: an unsupported operation, no FreeBusyViewOptions.'),
  EWS_MAILBOX_ARRAY_EMPTY: soap('ErrorMailboxDataArrayEmpty', 'MailboxDataArray must contain at least one MailboxData.', 'GetUserAvailability names no mailbox.'),
  EWS_MAILBOX_ARRAY_TOO_BIG: soap('ErrorMailboxDataArrayTooBig', `MailboxDataArray holds more than ${MAX_MAILBOXES} mailboxes.`, `More than ${MAX_MAILBOXES} mailboxes in one request.`),
  WINDOW_TOO_LONG: soap('ErrorTimeIntervalTooBig', `The time window is longer than ${MAX_WINDOW_DAYS} days.`, `The window spans more than ${MAX_WINDOW_DAYS} calendar days in the request's zone.`),
  WINDOW_INVERTED: soap('ErrorInvalidTimeInterval', 'The time window start must be before its end.', 'The window ends at or before its start.'),
  EWS_INVALID_MERGED_INTERVAL: soap(
    'ErrorInvalidMergedFreeBusyInterval',
    `MergedFreeBusyIntervalInMinutes must be between ${MIN_MERGED_INTERVAL_MINUTES} and ${MAX_MERGED_INTERVAL_MINUTES}.`,
    'The merged interval is outside the range Exchange allows.',
  ),
  EWS_INVALID_VIEW: soap('ErrorInvalidFreeBusyViewType', 'RequestedView is not a valid free/busy view.', 'RequestedView is None or not a view name.'),
  EWS_INVALID_SERVER_VERSION: soap('ErrorInvalidServerVersion', 'RequestServerVersion is not a supported version.', 'The RequestServerVersion header names no Exchange version.'),
  EWS_TIME_ZONE: soap('ErrorTimeZone', 'The time zone is not valid.', 'The request zone (TimeZone or TimeZoneContext) is unknown or impossible.'),
  EWS_SERVER_BUSY: soap('ErrorServerBusy', 'The server is busy; retry later.', 'Too many lookups in progress (load shedding); carries BackOffMilliseconds.'),
  EWS_INTERNAL: soap('ErrorInternalServerError', 'The relay could not process the request.', 'An unexpected failure on the EWS path; the error is logged, never sent.', false),

  MAILBOX_INVALID_ADDRESS: mailbox('ErrorInvalidSmtpAddress', 'The e-mail address is not valid.', 'The address is not an SMTP address.'),
  MAILBOX_NOT_SERVED: mailbox('ErrorProxyRequestNotAllowed', 'This relay does not serve the domain.', "The address's domain is not served, or not for this Google client."),
  MAILBOX_NOT_FOUND: mailbox('ErrorMailRecipientNotFound', 'No such mailbox.', 'Microsoft Graph has no mailbox for the address.'),
  MAILBOX_TIMEOUT: mailbox('ErrorTimeoutExpired', 'The lookup deadline passed before Graph answered.', 'graph.deadlineMs ran out before this mailbox was answered.'),
  MAILBOX_UPSTREAM: mailbox('ErrorFreeBusyGenerationFailed', 'Free/busy data could not be retrieved.', 'Graph or Entra failed, refused, or answered something unusable for this mailbox.'),
  MAILBOX_BREAKER_OPEN: mailbox('ErrorFreeBusyGenerationFailed', 'Graph keeps failing for this tenant.', "The tenant's circuit breaker is open: lookups fail fast during graphScale.breakerCooldownMs."),

  OAUTH_INVALID_REQUEST: oauth('invalid_request', 400, 'The token request is malformed.', 'Missing or repeated parameters, client credentials that disagree, a compressed or too large body.'),
  OAUTH_NOT_FORM: oauth('invalid_request', 400, 'The token request must be application/x-www-form-urlencoded.', 'A /token body that is not a form (or one its parser refuses).'),
  OAUTH_INVALID_CLIENT: oauth('invalid_client', 401, 'Client authentication failed.', 'Unknown client id or wrong secret; malformed HTTP Basic credentials.'),
  OAUTH_UNSUPPORTED_GRANT_TYPE: oauth('unsupported_grant_type', 400, 'Only grant_type=client_credentials is supported.', 'Another grant type was asked for.'),
  OAUTH_RATE_LIMITED: oauth('temporarily_unavailable', 429, 'Too many requests; retry later.', 'rateLimits.token* exceeded; carries Retry-After.'),
  OAUTH_SERVER_ERROR: { surface: 'oauth', status: 500, wire: 'server_error', message: 'The token request could not be processed.', exposesDetail: false, when: 'An unexpected failure on /token; logged, never sent.' },

  AUTH_UNAUTHORIZED: { surface: 'auth', status: 401, wire: 'unauthorized', message: 'Authentication is required.', exposesDetail: false, when: 'An EWS request without credentials.' },
  AUTH_INVALID_TOKEN: { surface: 'auth', status: 401, wire: 'invalid_token', message: 'The access token is invalid or expired.', exposesDetail: false, when: 'An EWS request with a bearer token the relay did not issue, or one expired.' },

  EDGE_SOURCE_NOT_ALLOWED: edge(403, 'This source address may not use the relay.', 'EWS_INVALID_REQUEST', false, 'The client address is outside access.allowedSources (before authentication: always plain text).'),
  EDGE_METHOD_NOT_ALLOWED: edge(405, 'The EWS endpoint accepts only POST with a SOAP body.', 'EWS_INVALID_REQUEST', false, 'GET, PUT, ... on the EWS paths.'),
  EDGE_NOT_XML: edge(415, 'The request must be text/xml.', 'EWS_INVALID_REQUEST', true, 'An EWS body that is not XML.'),
  EDGE_COMPRESSED: edge(415, 'Compressed request bodies (Content-Encoding) are not accepted.', 'EWS_INVALID_REQUEST', true, 'A Content-Encoding other than identity.'),
  EDGE_TOO_LARGE: edge(413, 'The request body is too large.', 'EWS_INVALID_REQUEST', true, 'The body exceeds limits.maxBodyBytes.'),
  EDGE_RATE_LIMITED: edge(429, 'Too many requests; retry later.', 'EWS_SERVER_BUSY', false, 'rateLimits.ews* or Basic lock-out exceeded; carries Retry-After.'),
  EDGE_NOT_FOUND: edge(404, 'Not found.', 'EWS_INVALID_REQUEST', false, 'Any other path.'),
  EDGE_BAD_REQUEST: edge(400, 'The request is malformed.', 'EWS_INVALID_REQUEST', false, 'A request Fastify cannot parse.'),
  EDGE_INTERNAL: edge(500, 'Internal error.', 'EWS_INTERNAL', false, 'An unexpected failure outside the EWS and token routes; logged, never sent.'),
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof CATALOG;

export const ERRORS: Readonly<Record<ErrorCode, ErrorEntry>> = CATALOG;
