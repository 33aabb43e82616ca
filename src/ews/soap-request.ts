// Reads a SOAP 1.1 request: the envelope, the EWS headers the relay honours, and the body operation.
import { EwsFault } from '../errors/index.js';
import { NS } from './xml-writer.js';
import { child, parseXml, XmlRejected, type XmlElement, type XmlLimits } from './xml-parse.js';

export interface SoapRequest {
  /** The single element inside soap:Body. */
  operation: XmlElement;
  /** RequestServerVersion@Version, when sent. */
  requestedVersion?: string;
  /** TimeZoneContext/TimeZoneDefinition@Id (a Windows zone id), when sent. */
  timeZoneContextId?: string;
  /** ExchangeImpersonation's SMTP address (Google's role account), when sent. */
  impersonatedAddress?: string;
}

/** Versions whose schema (2010 SP2 and older) lacks WorkingElsewhere. */
const PRE_2013 = /^Exchange20(07|09|10)(_SP[12])?$/;
const KNOWN_VERSION = /^(Exchange20(07|07_SP1|09|10|10_SP1|10_SP2|12|13|13_SP1|15|16)|V20\d\d_\d\d_\d\d)$/;

/** True when the client's schema knows WorkingElsewhere (Exchange2013 and later). */
export function clientKnowsExchange2013(version: string | undefined): boolean {
  return version === undefined || !PRE_2013.test(version);
}

/** Which XSD the response must satisfy for this client. */
export function responseSchemaFor(version: string | undefined): 'exchange-online' | 'exchange2010-sp2' {
  return clientKnowsExchange2013(version) ? 'exchange-online' : 'exchange2010-sp2';
}

export function parseSoapRequest(xml: string, limits: XmlLimits): SoapRequest {
  let root: XmlElement;
  try {
    root = parseXml(xml, limits);
  } catch (err) {
    if (err instanceof XmlRejected) throw new EwsFault('ErrorSchemaValidation', err.message);
    throw err;
  }
  if (root.ns !== NS.soap || root.local !== 'Envelope') {
    throw new EwsFault('ErrorSchemaValidation', 'The root element must be a SOAP 1.1 Envelope.');
  }
  const body = child(root, NS.soap, 'Body');
  if (!body) throw new EwsFault('ErrorSchemaValidation', 'The SOAP Envelope has no Body.');
  const ops = body.children;
  if (ops.length !== 1) throw new EwsFault('ErrorSchemaValidation', 'The SOAP Body must hold exactly one operation.');

  const header = child(root, NS.soap, 'Header');
  const version = child(header, NS.types, 'RequestServerVersion')?.attrs['Version']?.trim();
  if (version !== undefined && !KNOWN_VERSION.test(version)) {
    throw new EwsFault('ErrorInvalidServerVersion', `'${version.slice(0, 40)}' is not an Exchange version.`);
  }
  const tzId = child(child(header, NS.types, 'TimeZoneContext'), NS.types, 'TimeZoneDefinition')?.attrs['Id']?.trim();
  const sid = child(child(header, NS.types, 'ExchangeImpersonation'), NS.types, 'ConnectingSID');
  const impersonated = sid
    ? (child(sid, NS.types, 'PrimarySmtpAddress') ?? child(sid, NS.types, 'SmtpAddress'))?.text.trim()
    : undefined;

  const request: SoapRequest = { operation: ops[0]! };
  if (version) request.requestedVersion = version;
  if (tzId) request.timeZoneContextId = tzId;
  if (impersonated) request.impersonatedAddress = impersonated;
  return request;
}
