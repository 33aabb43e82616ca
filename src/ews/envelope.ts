// SOAP envelopes the relay writes: the ServerVersionInfo header on every answer, and SOAP Faults.
import type { WireError } from '../errors/index.js';
import { element, escapeXml, NS, textElement } from './xml-writer.js';

/** ServerVersionInfo matching the schema the client speaks. */
function serverVersionInfo(schema: 'exchange-online' | 'exchange2010-sp2'): string {
  const v =
    schema === 'exchange2010-sp2'
      ? { MajorVersion: '14', MinorVersion: '3', MajorBuildNumber: '123', MinorBuildNumber: '3', Version: 'Exchange2010_SP2' }
      : { MajorVersion: '15', MinorVersion: '20', MajorBuildNumber: '0', MinorBuildNumber: '0', Version: 'V2018_01_08' };
  return element('t:ServerVersionInfo', '', v);
}

/** The envelope up to and including `<s:Body>`, declaring the m: and t: prefixes the body uses. */
export function envelopeOpen(schema: 'exchange-online' | 'exchange2010-sp2'): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:m="${NS.messages}" xmlns:t="${NS.types}">` +
    `<s:Header>${serverVersionInfo(schema)}</s:Header><s:Body>`
  );
}

export const ENVELOPE_CLOSE = '</s:Body></s:Envelope>';

/** Wraps body XML (using the m:, t: prefixes) in an envelope that declares them. */
export function soapEnvelope(bodyXml: string, schema: 'exchange-online' | 'exchange2010-sp2'): string {
  return envelopeOpen(schema) + bodyXml + ENVELOPE_CLOSE;
}

/**
 * A SOAP 1.1 Fault in Exchange's shape (faultcode in the types namespace, detail in the errors namespace) for
 * what toWire() decided to send.
 */
export function soapFault(error: Pick<WireError, 'wire' | 'message'>, schema: 'exchange-online' | 'exchange2010-sp2' = 'exchange-online', backOffMilliseconds?: number): string {
  const code = error.wire ?? 'ErrorInternalServerError';
  const message = error.message;
  const messageXml =
    backOffMilliseconds === undefined
      ? ''
      : element('t:MessageXml', textElement('t:Value', String(backOffMilliseconds), { Name: 'BackOffMilliseconds' }));
  const fault = element('s:Fault', [
    `<faultcode xmlns:a="${NS.types}">a:${code}</faultcode>`,
    `<faultstring>${escapeXml(message)}</faultstring>`,
    element('detail', [
      `<e:ResponseCode xmlns:e="${NS.errors}">${code}</e:ResponseCode>`,
      `<e:Message xmlns:e="${NS.errors}">${escapeXml(message)}</e:Message>`,
      messageXml,
    ]),
  ]);
  return soapEnvelope(fault, schema);
}
