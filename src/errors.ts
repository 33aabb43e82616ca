// The one error catalog: every error the relay answers with, its wire form, and whether its text may leave.

/** Request-level EWS errors, answered as a SOAP Fault with HTTP 500. */
export const EWS_FAULTS = {
  ErrorSchemaValidation: 'The request failed schema validation.',
  ErrorInvalidRequest: 'The request is invalid.',
  ErrorMailboxDataArrayEmpty: 'MailboxDataArray must contain at least one MailboxData.',
  ErrorMailboxDataArrayTooBig: 'MailboxDataArray holds more than 100 mailboxes.',
  ErrorTimeIntervalTooBig: 'The time window is longer than 62 days.',
  ErrorInvalidTimeInterval: 'The time window start must be before its end.',
  ErrorInvalidMergedFreeBusyInterval: 'MergedFreeBusyIntervalInMinutes must be between 5 and 1440.',
  ErrorInvalidFreeBusyViewType: 'RequestedView is not a valid free/busy view.',
  ErrorInvalidServerVersion: 'RequestServerVersion is not a supported version.',
  ErrorTimeZone: 'The time zone is not valid.',
  ErrorServerBusy: 'The server is busy; retry later.',
  ErrorInternalServerError: 'The relay could not process the request.',
} as const;
export type EwsFaultCode = keyof typeof EWS_FAULTS;

/**
 * An error that becomes a SOAP Fault. `detail` is safe to send (it never holds secrets or calendar data);
 * anything else thrown on the EWS path becomes ErrorInternalServerError with the generic text.
 */
export class EwsFault extends Error {
  override readonly name = 'EwsFault';
  constructor(
    readonly code: EwsFaultCode,
    readonly detail?: string,
    readonly backOffMilliseconds?: number,
  ) {
    super(detail ? `${EWS_FAULTS[code]} ${detail}` : EWS_FAULTS[code]);
  }
}

/** OAuth 2.0 token endpoint errors (RFC 6749 section 5.2). */
export const OAUTH_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  /** Rate limited (429, with Retry-After); RFC 6749 names this code for a server that is temporarily overloaded. */
  temporarily_unavailable: 429,
} as const;
export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly status: number;
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    /** Set when the client tried HTTP Basic: the 401 then carries `WWW-Authenticate: Basic`. */
    readonly basicTried = false,
  ) {
    super(description);
    this.status = OAUTH_ERRORS[code];
  }
}

/** Refusals at the HTTP edge, before any protocol applies (on the EWS path after authentication: SOAP Faults instead). */
export const EDGE_ERRORS = {
  sourceNotAllowed: { status: 403, message: 'This source address may not use the relay.' },
  methodNotAllowed: { status: 405, message: 'The EWS endpoint accepts only POST with a SOAP body.' },
  notXml: { status: 415, message: 'The request must be text/xml.' },
  compressed: { status: 415, message: 'Compressed request bodies (Content-Encoding) are not accepted.' },
  tooLarge: { status: 413, message: 'The request body is too large.' },
  rateLimited: { status: 429, message: 'Too many requests; retry later.' },
  notFound: { status: 404, message: 'Not found.' },
  badRequest: { status: 400, message: 'The request is malformed.' },
} as const;
export type EdgeErrorCode = keyof typeof EDGE_ERRORS;
