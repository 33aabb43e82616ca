// Errors the relay throws, and toWire(): the one function that decides what of an error reaches the client.
import { ERRORS, type ErrorCode, type ErrorEntry } from './catalog.js';

/** An error with a catalog entry. `detail` is the relay's own words; it goes out only where the entry allows. */
export class RelayError extends Error {
  override readonly name: string = 'RelayError';
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: { retryAfterSeconds?: number; backOffMilliseconds?: number; basicTried?: boolean } = {},
  ) {
    super(wireMessage(ERRORS[code], detail));
  }
}

/** The catalog's entries of one surface by protocol code (the first entry wins where two share a code). */
function byWire(surface: ErrorEntry['surface']): ReadonlyMap<string, ErrorCode> {
  const out = new Map<string, ErrorCode>();
  for (const [code, e] of Object.entries(ERRORS) as [ErrorCode, ErrorEntry][]) if (e.surface === surface && e.wire && !out.has(e.wire)) out.set(e.wire, code);
  return out;
}
const faultCodes = byWire('soap');
const oauthCodes = byWire('oauth');

/** EWS ResponseCodes of the SOAP Faults in the catalog. */
export type EwsFaultCode =
  | 'ErrorSchemaValidation'
  | 'ErrorInvalidRequest'
  | 'ErrorMailboxDataArrayEmpty'
  | 'ErrorMailboxDataArrayTooBig'
  | 'ErrorTimeIntervalTooBig'
  | 'ErrorInvalidTimeInterval'
  | 'ErrorInvalidMergedFreeBusyInterval'
  | 'ErrorInvalidFreeBusyViewType'
  | 'ErrorInvalidServerVersion'
  | 'ErrorTimeZone'
  | 'ErrorServerBusy'
  | 'ErrorInternalServerError';

/** A SOAP Fault, named by its EWS ResponseCode (the parsers speak EWS). */
export class EwsFault extends RelayError {
  override readonly name = 'EwsFault';
  constructor(
    readonly fault: EwsFaultCode,
    detail?: string,
    backOffMilliseconds?: number,
  ) {
    super(faultCodes.get(fault)!, detail, backOffMilliseconds === undefined ? {} : { backOffMilliseconds });
  }
}

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'temporarily_unavailable' | 'server_error';

/** An OAuth 2.0 token endpoint error (RFC 6749 section 5.2), named by its `error` value. */
export class OAuthError extends RelayError {
  override readonly name = 'OAuthError';
  constructor(oauthCode: OAuthErrorCode, description?: string, basicTried = false) {
    super(oauthCodes.get(oauthCode)!, description, { basicTried });
  }
}

/** An edge refusal (access, limits, media type) thrown by hooks; answered by the route's protocol. */
export class EdgeError extends RelayError {
  override readonly name = 'EdgeError';
}

function wireMessage(entry: ErrorEntry, detail: string | undefined): string {
  if (!entry.exposesDetail || detail === undefined) return entry.message;
  // A fault states what kind of error it is, then what exactly; elsewhere the detail stands alone.
  return entry.surface === 'soap' ? `${entry.message} ${detail}` : detail;
}

/** What goes out for one error. */
export interface WireError {
  code: ErrorCode;
  entry: ErrorEntry;
  status: number;
  /** The protocol code: ResponseCode, OAuth or bearer `error`. */
  wire: string | undefined;
  message: string;
  retryAfterSeconds?: number;
  backOffMilliseconds?: number;
  basicTried?: boolean;
}

/** Fastify's own errors (body parser, limits) by HTTP status, per route. */
const LIBRARY_4XX: Readonly<Record<'ews' | 'oauth' | 'edge', Readonly<Record<number, ErrorCode>> & { other: ErrorCode }>> = {
  ews: { 413: 'EDGE_TOO_LARGE', 415: 'EDGE_NOT_XML', 429: 'EDGE_RATE_LIMITED', other: 'EDGE_BAD_REQUEST' },
  oauth: { 413: 'EDGE_TOO_LARGE', other: 'OAUTH_NOT_FORM' },
  edge: { other: 'EDGE_BAD_REQUEST' },
};
const INTERNAL: Readonly<Record<'ews' | 'oauth' | 'edge', ErrorCode>> = { ews: 'EWS_INTERNAL', oauth: 'OAUTH_SERVER_ERROR', edge: 'EDGE_INTERNAL' };

/**
 * What reaches the wire for anything thrown on `route`: a RelayError as its catalog entry says; a library
 * error with a 4xx statusCode as the bad request it is (keeping that status); anything else as the route's
 * internal error, whose text never leaves the process. On the EWS path every answer is a SOAP Fault (Google
 * reports anything else as "EWS response error"), so edge errors become their Fault; on /token they become
 * OAuth errors carrying the edge message.
 */
export function toWire(err: unknown, route: 'ews' | 'oauth' | 'edge'): WireError {
  let code: ErrorCode;
  let status: number | undefined;
  const thrown = err instanceof RelayError ? err : undefined;
  if (thrown) code = thrown.code;
  else {
    const s = (err as { statusCode?: unknown } | undefined)?.statusCode;
    if (typeof s === 'number' && s >= 400 && s < 500) {
      const table = LIBRARY_4XX[route];
      code = table[s] ?? table.other;
      status = s;
    } else code = INTERNAL[route];
  }
  let entry: ErrorEntry = ERRORS[code];
  let message = thrown ? thrown.message : entry.message;
  status ??= entry.status;
  if (route === 'ews' && entry.ews) {
    const fault = entry.ews.fault as ErrorCode;
    if (!entry.ews.ownMessage) message = ERRORS[fault].message;
    code = fault;
    entry = ERRORS[fault];
  } else if (route === 'oauth' && entry.surface === 'edge') {
    code = status === 429 ? 'OAUTH_RATE_LIMITED' : 'OAUTH_INVALID_REQUEST';
    entry = ERRORS[code];
  }
  // RFC 6749 fixes the status of each OAuth error.
  if (route === 'oauth') status = entry.status;
  const out: WireError = { code, entry, status, wire: entry.wire, message };
  if (thrown?.extra.retryAfterSeconds !== undefined) out.retryAfterSeconds = thrown.extra.retryAfterSeconds;
  if (thrown?.extra.backOffMilliseconds !== undefined) out.backOffMilliseconds = thrown.extra.backOffMilliseconds;
  if (thrown?.extra.basicTried) out.basicTried = true;
  return out;
}
